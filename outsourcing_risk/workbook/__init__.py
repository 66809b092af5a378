"""What runs in a kernel or the app: notebook helpers, the papermill contract, widgets, live charts, the what-if page, the app.

Each module here imports only from this folder and the layers below it (see the README's map)."""
