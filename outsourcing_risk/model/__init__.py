"""The model: parameters, distributions, the scenario, sampling, the simulation, its results and closed forms.

Each module here imports only from this folder and the layers below it (see the README's map)."""
