"""Money, numbers and dates by locale (spec §6.9): the table in ``formatting`` against known outputs,
and, when Node is installed, against the browser's own ``Intl``."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from stigg_portal.formatting import (
    css_slug,
    currency_symbol,
    format_card_expiry,
    format_date,
    format_money,
    format_number,
    locale_rules,
    minor_units,
    ordinal_en,
    unit_plural,
)

NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        (49, "USD", "en-US", "$49"),
        (49.5, "USD", "en-US", "$49.50"),
        (1234.5, "EUR", "en-US", "€1,234.50"),
        (40.833333, "USD", "en-US", "$40.83"),  # 490 a year shown per month: minor units, not $40.83333
        (490 / 12, "USD", "en-US", "$40.83"),
        (490 / 12, "EUR", "de-DE", f"40,83{NBSP}€"),
        (1.005, "USD", "en-US", "$1.01"),  # half away from zero on the decimal the number prints as
        (2.675, "USD", "en-US", "$2.68"),
        (19.999, "USD", "en-US", "$20"),
        (0.0015, "USD", "en-US", "$0.0015"),  # below one cent: not rounded to $0.00
        (0.004, "USD", "en-US", "$0.004"),
        (0.005, "USD", "en-US", "$0.01"),
        (1234.4, "JPY", "en-US", "¥1,234"),
        (0.4, "JPY", "en-US", "¥0"),
        (1.2345, "KWD", "en-US", "KWD1.235"),  # three minor digits
        (1.2, "KWD", "en-US", "KWD1.200"),
        (0, "USD", "en-US", "$0"),
        (-12.3, "USD", "en-US", "-$12.30"),
        (1234.5, "JPY", "en-US", "¥1,235"),
        (1234.5, "JPY", "ja-JP", "¥1,235"),
        (1234.5, "GBP", "en-GB", "£1,234.50"),
        (1234.5, "USD", "en-GB", "$1,234.50"),
        (1234.5, "EUR", "de-DE", f"1.234,50{NBSP}€"),
        (1234, "EUR", "de-DE", f"1.234{NBSP}€"),
        (-1234.5, "EUR", "de-DE", f"-1.234,50{NBSP}€"),
        (1234.5, "EUR", "fr-FR", f"1{NNBSP}234,50{NBSP}€"),
        (1234.5, "EUR", "nl-NL", f"€{NBSP}1.234,50"),
        (-1234.5, "EUR", "nl-NL", f"€{NBSP}-1.234,50"),
        (1234.5, "BRL", "pt-BR", f"R${NBSP}1.234,50"),
        (1234.5, "EUR", "es-ES", f"1234,50{NBSP}€"),
        (12345.5, "EUR", "es-ES", f"12.345,50{NBSP}€"),
        (10, "XYZ", "en-US", "XYZ10"),
        (None, "USD", "en-US", "$0"),
    ],
)
def test_format_money(amount, currency, locale, expected):
    assert format_money(amount, currency, locale) == expected


def test_money_in_english_has_no_whitespace_at_all():
    for currency in ("USD", "EUR", "GBP", "JPY", "CHF", "ZZZ"):
        assert not any(c.isspace() for c in format_money(1234567.891, currency, "en-US"))


def test_minor_units_follow_iso_4217():
    assert [minor_units(c) for c in ("USD", "eur", "JPY", "KRW", "KWD", "BHD", None, "ZZZ")] == [2, 2, 0, 0, 3, 3, 2, 2]


@pytest.mark.parametrize(
    ("singular", "plural", "expected"),
    [
        ("Metric series", None, "Metric series"),  # ends in s already: never "Metric seriess"
        ("Metric series", "", "Metric series"),
        ("seat", None, "seats"),
        ("seat", "seats", "seats"),
        ("GB of storage", "GB of storage", "GB of storage"),  # the API's plural as given
        ("person", "people", "people"),
        ("credits", None, "credits"),
        (None, None, ""),
    ],
)
def test_unit_plural(singular, plural, expected):
    assert unit_plural(singular, plural) == expected


def test_money_fraction_limits():
    assert format_money(85.456, "USD", "en-US", max_fraction=2) == "$85.46"
    assert format_money(85.4, "USD", "en-US", min_fraction=0) == "$85.4"
    assert format_money(85, "USD", "en-US", min_fraction=2) == "$85.00"
    assert format_money(0.125, "USD", "en-US", max_fraction=2) == "$0.13"  # half away from zero


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (1234.5, "en-US", "1,234.5"),
        (1234567.891, "en-US", "1,234,567.891"),
        (1234567.891, "de-DE", "1.234.567,891"),
        (1234567.891, "fr-FR", f"1{NNBSP}234{NNBSP}567,891"),
        (1234567.891, "ja-JP", "1,234,567.891"),
        (1234567.891, "en-GB", "1,234,567.891"),
        (1234.5, "es-ES", "1234,5"),
        (128450, "en-US", "128,450"),
        (0.1 + 0.2, "en-US", "0.3"),
        (1.0005, "en-US", "1.001"),
        (-5, "en-US", "-5"),
        (None, "en-US", ""),
    ],
)
def test_format_number(value, locale, expected):
    assert format_number(value, locale) == expected


@pytest.mark.parametrize(
    ("locale", "short", "long"),
    [
        ("en-US", "Dec 1st, 2026", "December 1st, 2026"),
        ("en", "Dec 1st, 2026", "December 1st, 2026"),
        ("en-GB", "1 Dec 2026", "1 December 2026"),
        ("de-DE", "1. Dez. 2026", "1. Dezember 2026"),
        ("fr-FR", "1 déc. 2026", "1 décembre 2026"),
        ("ja-JP", "2026年12月1日", "2026年12月1日"),
        ("es-ES", "1 dic 2026", "1 de diciembre de 2026"),
        ("pt-BR", "1 de dez. de 2026", "1 de dezembro de 2026"),
    ],
)
def test_format_date(locale, short, long):
    moment = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    assert format_date(moment, locale) == short
    assert format_date(moment, locale, long=True) == long


def test_dates_are_utc_days():
    late_evening_in_new_york = datetime(2026, 11, 30, 20, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert format_date(late_evening_in_new_york, "en-US") == "Dec 1st, 2026"
    assert format_date(datetime(2026, 12, 10), "en-US") == "Dec 10th, 2026"  # naive = UTC
    assert format_date(date(2026, 5, 22), "en-US") == "May 22nd, 2026"
    assert format_date(None, "en-US") == ""


@pytest.mark.parametrize(("day", "text"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                           (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd"), (31, "31st")])
def test_ordinal_en(day, text):
    assert ordinal_en(day) == text


def test_locale_fallbacks():
    assert locale_rules("de-AT").tag == "de-DE"
    assert locale_rules("fr_CA").tag == "fr-FR"
    assert locale_rules("EN-gb").tag == "en-GB"
    assert locale_rules("en-AU").tag == "en-GB"
    assert locale_rules("en-IN").tag == "en-US"
    assert locale_rules("xx-YY").tag == "en-US"
    assert locale_rules(None).tag == "en-US"
    assert locale_rules("").tag == "en-US"


def test_card_expiry_and_symbols():
    assert format_card_expiry(4, 2028) == "04/2028"
    assert format_card_expiry(12, 2028) == "12/2028"
    assert format_card_expiry(None, 2028) == ""
    assert currency_symbol("usd") == "$"
    assert currency_symbol(None) == "$"
    assert currency_symbol("ABC") == "ABC"


@pytest.mark.parametrize(
    ("value", "slug"),
    [("Single sign-on (SSO)", "single-sign-on-sso"), ("feature-api-calls", "feature-api-calls"),
     ("  API  calls!! ", "api-calls"), ("GB_of storage", "gb-of-storage"), ("", ""), (None, "")],
)
def test_css_slug(value, slug):
    assert css_slug(value) == slug


_NODE = shutil.which("node")
_INTL_LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "es-ES", "it-IT", "nl-NL", "pt-BR"]


@pytest.mark.skipif(_NODE is None, reason="needs Node with full ICU to compare with Intl")
def test_table_matches_intl_for_numbers_and_dates():
    script = """
    const out = {};
    for (const l of %s) {
      const n = new Intl.NumberFormat(l, {maximumFractionDigits: 3});
      const money = new Intl.NumberFormat(l, {style: 'currency', currency: 'EUR'});
      const yen = new Intl.NumberFormat(l, {style: 'currency', currency: 'JPY', currencyDisplay: 'narrowSymbol'});
      const days = [];
      for (let m = 0; m < 12; m++) {
        const d = new Date(Date.UTC(2026, m, 7));
        days.push([d.toLocaleDateString(l, {timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric'}),
                   d.toLocaleDateString(l, {timeZone: 'UTC', month: 'long', day: 'numeric', year: 'numeric'})]);
      }
      out[l] = {numbers: [n.format(1234.5), n.format(12345678.125), n.format(987)],
                money: [money.format(1234.5), money.format(-98765.25), money.format(490 / 12),
                        money.format(1.005), money.format(2.675), money.format(19.994)],
                yen: [yen.format(1234.5), yen.format(98765.4)], days};
    }
    console.log(JSON.stringify(out));
    """.replace("%s", json.dumps(_INTL_LOCALES))
    try:
        result = json.loads(subprocess.run([_NODE, "-e", script], capture_output=True, text=True, timeout=20, check=False).stdout)
    except (ValueError, subprocess.TimeoutExpired):
        pytest.skip("node did not answer")
    if result["de-DE"]["numbers"][0] != "1.234,5":
        pytest.skip("node was built without full ICU")
    for locale in _INTL_LOCALES:
        intl = result[locale]
        assert [format_number(v, locale) for v in (1234.5, 12345678.125, 987)] == intl["numbers"], locale
        assert [format_money(v, "EUR", locale) for v in (1234.5, -98765.25, 490 / 12, 1.005, 2.675, 19.994)] \
            == intl["money"], locale
        yen = [format_money(v, "JPY", locale) for v in (1234.5, 98765.4)]
        assert [y.replace("¥", "￥") for y in yen] == intl["yen"] or yen == intl["yen"], locale
        for month, (short, long) in enumerate(intl["days"], start=1):
            moment = datetime(2026, month, 7, tzinfo=UTC)
            if locale != "en-US":  # en-US keeps upstream's ordinal format (Dec 7th, 2026)
                assert format_date(moment, locale) == short, (locale, month)
                assert format_date(moment, locale, long=True) == long, (locale, month)
