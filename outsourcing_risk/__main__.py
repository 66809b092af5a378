"""``python -m outsourcing_risk``: the same as the ``outsourcing-risk`` command."""

import sys

from .cli import main

sys.exit(main())
