"""Batch reports: the runner, one row anywhere, kernels, worker pools, the output folder, the index and the HTML export.

Each module here imports only from this folder and the layers below it (see the README's map)."""
