"""Numbers as people and files write them, read without guessing: one rule for a typed field of
the workbook and a cell of a DORA register alike.

English separators only (commas between thousands, a point before the decimals). A number that
reads two ways is refused, naming both readings: "600000,50" (a decimal comma, or 60,000,050?),
"350.000" (350, or 350,000 with a point between thousands?), "1.234,5".
"""

from __future__ import annotations

import math
import re

__all__ = ["plain_number"]

_DIGITS = re.compile(r"[+-]?[\d.,]+")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_POINT_THOUSANDS = re.compile(r"[+-]?\d{1,3}\.\d{3}")


def plain_number(body: str, shown: str | None = None, factor: float = 1.0) -> tuple[float, str]:
    """``(the number × factor, "")``, or ``(0.0, why it is refused)`` when ``body`` is not a
    number written without doubt. ``shown`` is the text as the user gave it (for the message).

    Examples
    --------
    >>> plain_number("1,200,000")
    (1200000.0, '')
    >>> plain_number("600000.5")
    (600000.5, '')
    >>> plain_number("600000,50")[1]
    '"600000,50" could be 600,000.5 (a decimal comma) or 60,000,050: write it without doubt, e.g. 1.2M or 1,200,000'
    >>> plain_number("350.000")[1]
    '"350.000" could be 350 or 350,000 (a point between thousands): write it without doubt'
    """
    shown = body if shown is None else shown
    if not body or not _DIGITS.fullmatch(body):
        return 0.0, f'"{shown}" is not a number'
    if "," in body and "." in body and body.rfind(",") > body.rfind("."):
        english = body.replace(".", "").replace(",", ".")
        return 0.0, (
            f'"{shown}" reads as {float(english) * factor:,.10g} with a decimal comma; '
            "write it with a point for the decimals (1234.5) or with no separators"
        )
    if "," in body and not _THOUSANDS.fullmatch(body):
        decimal = float(body.replace(",", ".", 1)) if body.count(",") == 1 else None
        joined = float(body.replace(",", ""))
        other = f"{decimal * factor:,.10g} (a decimal comma) or " if decimal is not None else ""
        return (
            0.0,
            f'"{shown}" could be {other}{joined * factor:,.10g}: write it without doubt, e.g. 1.2M or 1,200,000',
        )
    if "," not in body and _POINT_THOUSANDS.fullmatch(body):
        point = float(body)
        return 0.0, (
            f'"{shown}" could be {point * factor:,.10g} or {float(body.replace(".", "")) * factor:,.10g} '
            "(a point between thousands): write it without doubt"
        )
    try:
        number = float(body.replace(",", "")) * factor
    except ValueError:
        return 0.0, f'"{shown}" is not a number'
    if not math.isfinite(number):
        return 0.0, f'"{shown}" is too large a number'
    return number, ""
