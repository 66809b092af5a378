"""Analyses built on the model: sweeps, tornado, exit strategy, clarity, vendors, the what-if grid, and the executor seam.

Each module here imports only from this folder and the layers below it (see the README's map)."""
