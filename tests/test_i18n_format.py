"""Numbers as each language writes them (site_build/core/i18n_format.py): English 1,234.5
and 97.3%; Spanish as the RAE writes them, 1 234,5 and 97,3 %, with no space in a number of
four digits (2000) and a non-breaking one wherever a space stands."""

from __future__ import annotations

import pytest

from site_build.core.i18n_format import NBSP, number, percent, seconds


def test_english_groups_thousands_with_commas_and_writes_a_decimal_point():
    assert number(1234567.891, "en", 2) == "1,234,567.89"
    assert number(2000, "en") == "2,000"
    assert percent(0.973, "en") == "97.3%"
    assert seconds(2.5, "en") == f"2.5{NBSP}s"


@pytest.mark.parametrize(
    ("value", "decimals", "written"),
    [
        (0.5, 1, "0,5"),
        (2000, 0, "2000"),  # four digits: not grouped
        (-2500, 0, "-2500"),
        (10000, 0, f"10{NBSP}000"),
        (1234567.5, 1, f"1{NBSP}234{NBSP}567,5"),
        (-12345.25, 2, f"-12{NBSP}345,25"),
        (9999.96, 1, f"10{NBSP}000,0"),  # grouped as written, after rounding
    ],
)
def test_spanish_writes_a_decimal_comma_and_groups_five_digits_or_more(value, decimals, written):
    assert number(value, "es", decimals) == written


def test_spanish_percent_and_seconds_keep_their_sign_on_the_same_line():
    assert percent(0.973, "es") == f"97,3{NBSP}%"
    assert percent(0.5, "es", 0) == f"50{NBSP}%"
    assert seconds(12345, "es", 0) == f"12{NBSP}345{NBSP}s"
