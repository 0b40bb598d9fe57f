"""Parsing the messy cell values of exported tables: money, dates, NUTS and country cells.

Every parser returns None for what it cannot read, so the caller keeps the raw text and reports
it; nothing is ever silently zeroed or guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pycountry

_CURRENCY = re.compile(r"(?i)\s*(eur|euro|€)\s*")
_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_THOUSANDS_DOT = re.compile(r"^\d{1,3}(\.\d{3})+$")
_THOUSANDS_COMMA = re.compile(r"^\d{1,3}(,\d{3})+$")


def parse_money(value: object) -> Decimal | None:
    """'892,228.58', '758394.29', '2.521.964,00', '1 460 000,- EUR', '95.000€', 1173316.05."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = _CURRENCY.sub("", str(value)).strip()
    text = re.sub(r"[,.]-$", "", text)  # "1 460 000,-"
    text = _SPACES.sub("", text)
    if not text or not re.fullmatch(r"-?[\d.,]+", text):
        return None
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    if "." in text and "," in text:
        decimal_sep = "." if text.rfind(".") > text.rfind(",") else ","
        thousands = "," if decimal_sep == "." else "."
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif "," in text:
        text = text.replace(",", "") if _THOUSANDS_COMMA.match(text) else text.replace(",", ".")
    elif "." in text and _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")  # "95.000": a money column has no 3-decimal amounts
    if text.count(".") > 1:
        return None
    try:
        return Decimal(sign + text)
    except InvalidOperation:
        return None


_DATE_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y")


def parse_date(value: object) -> dt.date | None:
    """'2015/10/27', '2016-01-11', '01.06.2010', '11.01.16' (two-digit years: 00-68 -> 20xx)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    text = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class Nuts:
    code: str
    name: str

    @property
    def level(self) -> int:
        return len(self.code) - 2


_NUTS = re.compile(r"^\s*([A-Z]{2}[0-9A-Z]{0,3})\s*/\s*(.*?)\s*$")


def parse_nuts(value: object) -> Nuts | None:
    """'DEG01  / Erfurt, Kreisfreie Stadt' -> Nuts('DEG01', 'Erfurt, Kreisfreie Stadt')."""
    if value is None:
        return None
    match = _NUTS.match(str(value))
    return Nuts(match.group(1), match.group(2)) if match else None


# Codes the EU uses where ISO 3166-1 differs.
_EU_TO_ISO = {"EL": "GR", "UK": "GB"}


def parse_country(value: object) -> str | None:
    """'DE Germany / DEUTSCHLAND', 'Germany', 'FRANCE', 'EL' -> ISO 3166-1 alpha-3 ('DEU')."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    head = text.split()[0]
    if re.fullmatch(r"[A-Z]{2}", head):
        code = _EU_TO_ISO.get(head, head)
        country = pycountry.countries.get(alpha_2=code)
        if country is not None:
            return country.alpha_3
    name = text.split("/")[0].strip()
    name = re.sub(r"^[A-Z]{2}\s+", "", name)
    try:
        return pycountry.countries.lookup(name).alpha_3
    except LookupError:
        return None
