"""Numbers as people type them, read one way everywhere: the apps' typed fields, the risk
appetite, the register's amounts.

A number is written with English separators (commas between thousands, a point before the
decimals), optionally with a suffix (``k``, ``M``, ``bn``), a currency (``USD 350k``, ``€ 1.2M``) and,
in a percentage field, a percent sign. Nothing is guessed: a value that reads two ways
(``350.000``, ``1,2M``, ``1.234,5``, ``600000,50``; ``0.8`` in a percentage field) is refused with
both readings named, as is text that is not a number or another currency than the one expected.
"""

from __future__ import annotations

import math
import re

from .errors import OutsourcingRiskError

__all__ = ["CURRENCY_SYMBOLS", "NumberError", "plain_number", "read_number", "typed_number"]

#: Currency symbols a typed amount may carry, and the code each stands for.
CURRENCY_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_SUFFIX = (("bn", 1e9), ("k", 1e3), ("m", 1e6))


class NumberError(OutsourcingRiskError, ValueError):
    """Text that is not one number without doubt; the message says why, quoting the text."""


def read_number(text: str) -> float:
    """The number in ``text`` (English separators, an optional ``k``/``M``/``bn`` suffix), or a
    :class:`NumberError` that names both readings of an ambiguous one.

    >>> read_number("1,250,000"), read_number("1.2M"), read_number("-40k")
    (1250000.0, 1200000.0, -40000.0)
    >>> read_number("600000,50")
    Traceback (most recent call last):
    ...
    outsourcing_risk.io.numbers.NumberError: "600000,50" could be 600,000.5 (a decimal comma) or 60,000,050: write it without doubt, e.g. 1.2M or 1,200,000
    """
    shown = str(text).strip()
    body, factor = _suffixed(shown.replace(" ", "").replace("\u00a0", "").replace("'", ""))
    number, problem = _plain_number(body, shown, factor)
    if problem:
        raise NumberError(problem)
    return number


def typed_number(
    text: str, *, percent: bool = False, currency: str = "", unit: str = ""
) -> tuple[float | None, str]:
    """What a person typed in a field: (the number in the field's units, "") or (None, why it is
    refused). ``percent``: the field is in percent ("7" and "7%" are 0.07; "0.8" is refused as
    0.8 % or 80 %). ``currency``: the amount may carry this currency, and no other. ``unit``: the
    field's unit, named when a percent sign is typed where it does not belong.

    >>> typed_number("USD 350k", currency="USD")
    (350000.0, '')
    >>> typed_number("7%", percent=True)
    (0.07, '')
    >>> typed_number("350.000")[1]
    '"350.000" could be 350 or 350,000 (a point between thousands): write it without doubt'
    """
    shown = str(text).strip()
    body, problem = _without_currency(shown, currency)
    if problem:
        return None, problem
    body = body.replace(" ", "").replace("\u00a0", "").replace("'", "")
    body, factor = _suffixed(body)
    percent_sign = body.endswith("%")
    body = body.rstrip("%")
    number, problem = _plain_number(body, shown, factor)
    if problem:
        return None, problem
    if percent:
        if not percent_sign and "." in body and 0 < number <= 1:
            return None, (
                f'"{shown}" could be {_pct(number)} or {_pct(number * 100)}: this field is in percent; '
                f"type {_pct(number * 100)} or {_pct(number)}"
            )
        number /= 100
    elif percent_sign:
        return None, f'"{shown}": this field is not a percentage ({unit or "not in %"})'
    return number, ""


def _suffixed(body: str) -> tuple[str, float]:
    lowered = body.lower()
    for suffix, size in _SUFFIX:
        if lowered.endswith(suffix):
            return body[: -len(suffix)], size
    return body, 1.0


def _without_currency(text: str, currency: str) -> tuple[str, str]:
    """``text`` without its currency, or a refusal when the currency is not ``currency``."""
    match = re.fullmatch(r"(?P<cur>[A-Za-z]{3}|[$€£¥])\s*(?P<rest>.+)", text) or re.fullmatch(
        r"(?P<rest>.+?)\s*(?P<cur>[A-Za-z]{3}|[$€£¥])", text
    )
    if match is None:
        return text, ""
    code = match.group("cur")
    code = CURRENCY_SYMBOLS.get(code, code).upper()
    if currency and (code == currency.upper() or CURRENCY_SYMBOLS.get(currency) == code):
        return match.group("rest"), ""
    if not currency:
        return text, f'"{text}" is not a number'
    return text, f'"{text}" is in {code}; this scenario is in {currency}: convert it first'


def _pct(value: float) -> str:
    return f"{value:g}%"


def plain_number(body: str, shown: str | None = None, factor: float = 1.0) -> tuple[float, str]:
    """``(the number × factor, "")``, or ``(0.0, why it is refused)`` when ``body`` is not a
    number written without doubt (English separators only: commas between thousands, a point before
    the decimals). ``shown`` is the text as the user gave it, for the message.

    >>> plain_number("1,200,000")
    (1200000.0, '')
    >>> plain_number("350.000")[1]
    '"350.000" could be 350 or 350,000 (a point between thousands): write it without doubt'
    >>> plain_number("0.125")  # a group of thousands never starts with 0
    (0.125, '')
    """
    return _plain_number(body, body if shown is None else shown, factor)


def _plain_number(body: str, shown: str, factor: float) -> tuple[float, str]:
    """A number written with English separators (commas between thousands, a point before the
    decimals); anything that reads two ways is refused, naming both readings."""
    if not body or not re.fullmatch(r"[+-]?[\d.,]+", body):
        return 0.0, f'"{shown}" is not a number'
    if "," in body and "." in body and body.rfind(",") > body.rfind("."):
        english = body.replace(".", "").replace(",", ".")
        return 0.0, (
            f'"{shown}" reads as {float(english) * factor:,.10g} with a decimal comma; '
            "write it with a point for the decimals (1234.5) or with no separators"
        )
    if "," in body and not re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", body):
        decimal = float(body.replace(",", ".", 1)) if body.count(",") == 1 else None
        joined = float(body.replace(",", ""))
        other = f"{decimal * factor:,.10g} (a decimal comma) or " if decimal is not None else ""
        return (
            0.0,
            f'"{shown}" could be {other}{joined * factor:,.10g}: write it without doubt, e.g. 1.2M or 1,200,000',
        )
    if "," not in body and re.fullmatch(r"[+-]?[1-9]\d{0,2}\.\d{3}", body):  # 0.125 is never 125
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
