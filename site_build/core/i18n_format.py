"""Numbers as each language of the site writes them.

English: 97.3% and 1,234. Spanish: 97,3 % and 1 234 (decimal comma, space between thousands).
"""

from __future__ import annotations

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def number(value: float, language: str, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}"
    if language == "es":
        # Spanish: decimal comma, and a (non-breaking) space between thousands, which the
        # RAE leaves out of four-digit numbers (2000, not 2 000): as written, after rounding
        # (9999.96 to one decimal is 10 000,0).
        if abs(round(value, decimals)) < 10_000:
            text = f"{value:.{decimals}f}"
        text = text.replace(",", "\0").replace(".", ",").replace("\0", NBSP)
    return text


def percent(fraction: float, language: str, decimals: int = 1) -> str:
    value = number(100 * fraction, language, decimals)
    return f"{value}{NBSP}%" if language == "es" else f"{value}%"


def seconds(value: float, language: str, decimals: int = 1) -> str:
    return f"{number(value, language, decimals)}{NBSP}s"
