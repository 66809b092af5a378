"""Words, numbers and charts for people: formatting, narrative, KPI texts and cards, plots.

Each module here imports only from this folder and the layers below it (see the README's map)."""
