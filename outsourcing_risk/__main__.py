"""``python -m outsourcing_risk``: the same as the ``outsourcing-risk`` command."""

from .cli import run

run()
