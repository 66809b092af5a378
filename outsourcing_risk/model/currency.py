"""The currency a scenario is written in: a three-letter code or a short symbol, checked once."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CURRENCY_RULE", "check_currency", "currency_code"]

#: A currency is an ISO 4217-style code (three letters) or a short symbol such as "€" or "kr".
CURRENCY_RULE = "a three-letter code such as USD or a symbol of at most 3 characters such as € or kr"
_CODE = re.compile(r"^[A-Za-z]{3}$")


def check_currency(text: str) -> str | None:
    """The problem with a currency text (None when it is fine): codes and short symbols only."""
    text = str(text)
    if _CODE.match(text):
        return None
    if 1 <= len(text) <= 3 and all(
        unicodedata.category(c) in ("Sc", "Lu", "Ll", "Lo") or c == "." for c in text
    ):
        return None
    return f"currency must be {CURRENCY_RULE} (got {text!r})"


def currency_code(currency: str) -> str:
    """The currency as shown: a three-letter code in capitals ("usd" -> "USD"), a symbol as given."""
    code = str(currency or "").strip()
    return code.upper() if _CODE.match(code) else code
