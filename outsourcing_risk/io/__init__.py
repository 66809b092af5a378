"""The ground: what the package reads and writes outside itself (packaged data, tables, the example folder, atomic writes, notebooks as git stores them, environment variables).

Each module here imports only from this folder and the layers below it (see the README's map)."""
