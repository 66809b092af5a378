"""Numbers unchanged: today's package gives the numbers pinned in ``numbers.json`` bit for bit (see
``fingerprint.py`` for what is pinned and when a pin may change)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import fingerprint


def test_every_pinned_number_is_unchanged():
    pinned = json.loads(fingerprint.PINNED.read_text())
    now = fingerprint.compute()
    changed = sorted(k for k in pinned if now.get(k) != pinned[k])
    assert set(now) == set(pinned), f"pinned names differ: {sorted(set(now) ^ set(pinned))}"
    assert not changed, f"these numbers changed: {changed}"


def test_a_changed_number_is_caught():
    """The pin can fail: one bit of one trial changes its hash."""
    import numpy as np

    a = np.linspace(0, 1, 1000)
    b = a.copy()
    b[500] = np.nextafter(b[500], 2)
    assert fingerprint.digest(a) != fingerprint.digest(b)
