"""Cell parsers for keep.eu-style tables: every format seen in real exports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clusterkb.importers.values import parse_country, parse_date, parse_money, parse_nuts


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("892,228.58", "892228.58"),
        ("758394.29", "758394.29"),
        ("2.521.964,00", "2521964.00"),
        ("1.808.000,00€", "1808000.00"),
        ("95.000€", "95000"),
        ("1 460 000,- EUR", "1460000"),
        ("58 988,82 €", "58988.82"),
        ("1,598,845.43", "1598845.43"),
        (1173316.05, "1173316.05"),
        (340500, "340500"),
        ("0,5", "0.5"),
    ],
)
def test_money(raw: object, value: str) -> None:
    assert parse_money(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["", None, "n/a", "1.2.3,4,5", "twelve", "€"])
def test_money_that_does_not_parse_is_none(raw: object) -> None:
    assert parse_money(raw) is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2015/10/27", dt.date(2015, 10, 27)),
        ("11.01.16", dt.date(2016, 1, 11)),
        ("30.04.19", dt.date(2019, 4, 30)),
        ("01.06.2010", dt.date(2010, 6, 1)),
        ("2016-01-11", dt.date(2016, 1, 11)),
        (dt.datetime(2017, 3, 1, 0, 0), dt.date(2017, 3, 1)),
    ],
)
def test_dates(raw: object, value: dt.date) -> None:
    assert parse_date(raw) == value


@pytest.mark.parametrize("raw", ["", None, "2015/13/01", "sometime", "31.02.2016"])
def test_dates_that_do_not_parse_are_none(raw: object) -> None:
    assert parse_date(raw) is None


def test_nuts() -> None:
    nuts = parse_nuts("DEG01  / Erfurt, Kreisfreie Stadt")
    assert nuts is not None and (nuts.code, nuts.name, nuts.level) == (
        "DEG01",
        "Erfurt, Kreisfreie Stadt",
        3,
    )
    assert parse_nuts("ITH  / NORD-EST").level == 1  # type: ignore[union-attr]
    assert parse_nuts("not a nuts cell") is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("DE Germany / DEUTSCHLAND", "DEU"),
        ("EL Greece / ΕΛΛΑΔΑ", "GRC"),
        ("CH Switzerland / SCHWEIZ/SUISSE/SVIZZERA", "CHE"),
        ("FRANCE", "FRA"),
        ("Italy", "ITA"),
    ],
)
def test_country(raw: str, code: str) -> None:
    assert parse_country(raw) == code


def test_unknown_country_is_none() -> None:
    assert parse_country("Atlantis") is None
