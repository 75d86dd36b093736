"""Money, numbers and dates by locale, identical on CPython and in Pyodide.

Why a small hand-written table instead of Babel: Babel's wheel is about 10 MB (its CLDR data),
more than the whole rest of the browser download besides the interpreter, and the browser's own
``Intl`` is out of reach of a Web Worker running Python without a JavaScript round trip per number.
The portal needs only a handful of shapes (grouped integers and decimals, money with a symbol, a
day-month-year date), so each supported locale is one ``LocaleRules`` row, checked against the
output of ``Intl`` (Node/Chromium, ICU 7x) by the unit tests.

Supported: en-US (the default and every ``en`` not listed below), en-GB (also en-AU, en-NZ, en-IE),
de-DE (all ``de``), fr-FR (all ``fr``), ja-JP (all ``ja``), es-ES, it-IT, nl-NL, pt-BR (all of
their languages). Anything else falls back to en-US.

Rules, and where they differ from upstream (spec §6.9):

- The currency symbol comes from a locale-independent table (as upstream's ``currency-symbol-map``:
  USD is ``$`` everywhere); a currency without a known symbol shows its ISO code.
- English and Japanese money has no whitespace at all (``$1,234.5`` style, as upstream); other
  locales keep their own placement and the no-break space ``Intl`` puts between number and symbol
  (de-DE ``1.234,50 €``, fr-FR ``1 234,50 €``, nl-NL ``€ 1.234,50``).
- Fraction digits: every amount is rounded (half away from zero, as ``Intl``) to the currency's
  ISO 4217 minor units: two for most (``$40.83`` for a 490-a-year plan shown per month, not
  upstream's ``$40.83333``), none for JPY and the other zero-decimal currencies (``¥1,235``), three
  for BHD, KWD, OMR, JOD, TND, LYD, IQD. Whole amounts show no fraction (``$49``); an amount with
  cents shows all the minor digits (``$49.50``, not upstream's ``$49.5``). One exception keeps a
  price honest: a non-zero amount smaller than one minor unit (a unit price of ``$0.0015`` per API
  call) is not rounded to ``$0.00`` but shown with up to five fraction digits. ``max_fraction``
  overrides the minor units where a caller needs it.
- Dates are in UTC. en-US keeps upstream's ``MMM Do, YYYY`` (``Dec 1st, 2026``) and
  ``MMMM Do, YYYY`` (``December 1st, 2026``); other locales use their ``Intl`` medium/long shape
  (en-GB ``1 Dec 2026``, de-DE ``1. Dez. 2026``, ja-JP ``2026年12月1日``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "DEFAULT_LOCALE",
    "LocaleRules",
    "css_slug",
    "currency_symbol",
    "format_card_expiry",
    "format_date",
    "format_money",
    "format_number",
    "locale_rules",
    "minor_units",
    "ordinal_en",
    "unit_plural",
]

DEFAULT_LOCALE = "en-US"

NBSP = "\u00a0"
NNBSP = "\u202f"

_EN_MONTHS = (
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
)


@dataclass(frozen=True)
class LocaleRules:
    """How one locale writes numbers, money and dates."""

    tag: str
    decimal: str
    group: str
    #: Group only when the integer part has at least this many digits beyond the first group
    #: (CLDR ``minimumGroupingDigits``: es and it write ``1234`` but ``12.345``).
    min_grouping: int
    #: ``prefix`` ($1), ``prefix-space`` (€ 1), ``suffix-space`` (1 €).
    money_pattern: str
    #: Where the minus goes for ``prefix-space``: ``-€ 1`` (``outside``) or ``€ -1`` (``inside``).
    negative_inside: bool
    months_short: tuple[str, ...]
    months_long: tuple[str, ...]
    #: ``{d}``, ``{month}``, ``{m}`` (month number), ``{y}``, ``{do}`` (English ordinal day).
    date_short: str
    date_long: str


def _months(text: str) -> tuple[str, ...]:
    names = tuple(text.split("|"))
    assert len(names) == 12
    return names


_EN_SHORT = _months("Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec")

_RULES: dict[str, LocaleRules] = {
    rules.tag: rules
    for rules in (
        LocaleRules("en-US", ".", ",", 1, "prefix", False, _EN_SHORT, tuple(_EN_MONTHS),
                    "{month} {do}, {y}", "{month} {do}, {y}"),
        LocaleRules("en-GB", ".", ",", 1, "prefix", False,
                    _months("Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Oct|Nov|Dec"), tuple(_EN_MONTHS),
                    "{d} {month} {y}", "{d} {month} {y}"),
        LocaleRules("de-DE", ",", ".", 1, "suffix-space", False,
                    _months("Jan.|Feb.|März|Apr.|Mai|Juni|Juli|Aug.|Sept.|Okt.|Nov.|Dez."),
                    _months("Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"),
                    "{d}. {month} {y}", "{d}. {month} {y}"),
        LocaleRules("fr-FR", ",", NNBSP, 1, "suffix-space", False,
                    _months("janv.|févr.|mars|avr.|mai|juin|juil.|août|sept.|oct.|nov.|déc."),
                    _months("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"),
                    "{d} {month} {y}", "{d} {month} {y}"),
        LocaleRules("ja-JP", ".", ",", 1, "prefix", False,
                    tuple(f"{m}月" for m in range(1, 13)), tuple(f"{m}月" for m in range(1, 13)),
                    "{y}年{m}月{d}日", "{y}年{m}月{d}日"),
        LocaleRules("es-ES", ",", ".", 2, "suffix-space", False,
                    _months("ene|feb|mar|abr|may|jun|jul|ago|sept|oct|nov|dic"),
                    _months("enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"),
                    "{d} {month} {y}", "{d} de {month} de {y}"),
        LocaleRules("it-IT", ",", ".", 2, "suffix-space", False,
                    _months("gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic"),
                    _months("gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre"),
                    "{d} {month} {y}", "{d} {month} {y}"),
        LocaleRules("nl-NL", ",", ".", 1, "prefix-space", True,
                    _months("jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec"),
                    _months("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"),
                    "{d} {month} {y}", "{d} {month} {y}"),
        LocaleRules("pt-BR", ",", ".", 1, "prefix-space", False,
                    _months("jan.|fev.|mar.|abr.|mai.|jun.|jul.|ago.|set.|out.|nov.|dez."),
                    _months("janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"),
                    "{d} de {month} de {y}", "{d} de {month} de {y}"),
    )
}

#: The locales with their own formatting rules (others fall back by language, then to en-US).
SUPPORTED_LOCALES: tuple[str, ...] = tuple(_RULES)

#: Language (or exact tag) -> the row it uses when the exact tag is not in the table.
_FALLBACK = {
    "en-au": "en-GB", "en-nz": "en-GB", "en-ie": "en-GB",
    "en": "en-US", "de": "de-DE", "fr": "fr-FR", "ja": "ja-JP",
    "es": "es-ES", "it": "it-IT", "nl": "nl-NL", "pt": "pt-BR",
}


def is_known_locale(locale: str | None) -> bool:
    """True when ``locale`` has rules of its own or a fallback by language (``en-AU``, ``de``)."""
    tag = (locale or DEFAULT_LOCALE).strip().replace("_", "-").lower()
    return (any(r.tag.lower() == tag for r in _RULES.values()) or tag in _FALLBACK
            or tag.split("-")[0] in _FALLBACK)


def locale_rules(locale: str | None) -> LocaleRules:
    """The formatting rules for a BCP 47 tag (case-insensitive; ``_`` accepted for ``-``)."""
    tag = (locale or DEFAULT_LOCALE).strip().replace("_", "-").lower()
    for rules in _RULES.values():
        if rules.tag.lower() == tag:
            return rules
    if tag in _FALLBACK:
        return _RULES[_FALLBACK[tag]]
    return _RULES[_FALLBACK.get(tag.split("-")[0], DEFAULT_LOCALE)]


#: ISO code -> symbol, locale-independent (the common entries of upstream's currency-symbol-map).
_SYMBOLS = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "CAD": "$", "AUD": "$", "NZD": "$",
    "HKD": "$", "SGD": "$", "MXN": "$", "ARS": "$", "CLP": "$", "COP": "$", "INR": "₹", "ILS": "₪",
    "KRW": "₩", "BRL": "R$", "CHF": "CHF", "SEK": "kr", "NOK": "kr", "DKK": "kr", "ISK": "kr",
    "PLN": "zł", "CZK": "Kč", "HUF": "Ft", "RUB": "₽", "UAH": "₴", "TRY": "₺", "ZAR": "R",
    "THB": "฿", "VND": "₫", "PHP": "₱", "NGN": "₦", "IDR": "Rp", "MYR": "RM", "AED": "د.إ",
    "SAR": "﷼", "EGP": "£", "TWD": "NT$",
}

#: ISO 4217 minor units where they are not 2 (the currencies in use; the rest have 2).
_MINOR_UNITS = {
    **dict.fromkeys(("JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "XPF", "PYG", "RWF", "KMF",
                     "BIF", "DJF", "GNF", "VUV"), 0),
    **dict.fromkeys(("BHD", "KWD", "OMR", "JOD", "TND", "LYD", "IQD"), 3),
}
#: Digits shown at most for an amount smaller than one minor unit (upstream's default maximum).
_SUB_MINOR_DIGITS = 5


def minor_units(currency: str | None) -> int:
    """The currency's ISO 4217 minor units: ``USD`` 2, ``JPY`` 0, ``KWD`` 3 (unknown codes: 2)."""
    return _MINOR_UNITS.get((currency or "USD").strip().upper(), 2)


def currency_symbol(currency: str | None) -> str:
    """``USD`` -> ``$``; a code without a known symbol is returned as is (upper-cased)."""
    code = (currency or "USD").strip().upper()
    return _SYMBOLS.get(code, code)


def _to_decimal(value: float | str | Decimal) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))  # shortest round-trip text, as JavaScript prints numbers
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def _group(digits: str, sep: str, min_grouping: int) -> str:
    if len(digits) < 4 + (min_grouping - 1):
        return digits
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def _digits(value: Decimal, rules: LocaleRules, min_fraction: int, max_fraction: int) -> tuple[bool, str]:
    """(negative, grouped digits) rounded half away from zero, trailing zeros trimmed to min."""
    quantum = Decimal(1).scaleb(-max_fraction)
    rounded = abs(value).quantize(quantum, rounding=ROUND_HALF_UP)
    negative = value < 0 and rounded != 0
    text = f"{rounded:f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) < min_fraction:
        fraction = fraction.ljust(min_fraction, "0")
    out = _group(whole, rules.group, rules.min_grouping)
    if fraction:
        out += rules.decimal + fraction
    return negative, out


def format_number(
    value: float | str | Decimal | None,
    locale: str | None = None,
    *,
    max_fraction: int = 3,
    min_fraction: int = 0,
) -> str:
    """A plain number as ``toLocaleString`` writes it: ``1234.5`` -> ``1,234.5`` / ``1.234,5``."""
    if value is None:
        return ""
    rules = locale_rules(locale)
    negative, text = _digits(_to_decimal(value), rules, min_fraction, max(max_fraction, min_fraction))
    return ("-" if negative else "") + text


def format_money(
    amount: float | str | Decimal | None,
    currency: str | None = "USD",
    locale: str | None = None,
    *,
    max_fraction: int | None = None,
    min_fraction: int | None = None,
) -> str:
    """Money in a locale: ``(49, "USD")`` -> ``$49``; ``(1234.5, "EUR", "de-DE")`` -> ``1.234,50 €``.

    ``max_fraction=None``: the currency's minor units (``$40.83``, ``¥1,235``), more only for a
    non-zero amount below one minor unit. ``min_fraction=None``: none for whole amounts, else
    every digit up to the maximum for the currency (``$49.50``).
    """
    rules = locale_rules(locale)
    code = (currency or "USD").strip().upper()
    value = _to_decimal(amount if amount is not None else 0)
    minor = minor_units(code)
    if max_fraction is None:
        max_digits = minor
        if minor and value and abs(value).quantize(Decimal(1).scaleb(-minor), rounding=ROUND_HALF_UP) == 0:
            max_digits = _SUB_MINOR_DIGITS
    else:
        max_digits = min(max_fraction, minor) if minor == 0 else max(max_fraction, 0)
    if min_fraction is None:
        rounded = value.quantize(Decimal(1).scaleb(-max_digits), rounding=ROUND_HALF_UP)
        min_digits = 0 if rounded == rounded.to_integral_value() else min(minor, max_digits)
    else:
        min_digits = min(min_fraction, max_digits)
    negative, number = _digits(value, rules, min_digits, max(max_digits, min_digits))
    symbol = currency_symbol(code)
    sign = "-" if negative else ""
    if rules.money_pattern == "prefix":
        return f"{sign}{symbol}{number}"
    if rules.money_pattern == "prefix-space":
        if rules.negative_inside:
            return f"{symbol}{NBSP}{sign}{number}"
        return f"{sign}{symbol}{NBSP}{number}"
    return f"{sign}{number}{NBSP}{symbol}"


def ordinal_en(day: int) -> str:
    """``1`` -> ``1st``, ``12`` -> ``12th``, ``22`` -> ``22nd``."""
    if 10 <= day % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _utc_date(value: datetime | date) -> date:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).date()
    return value


def format_date(value: datetime | date | None, locale: str | None = None, *, long: bool = False) -> str:
    """A calendar day in UTC: en-US ``Dec 1st, 2026`` (``long``: ``December 1st, 2026``)."""
    if value is None:
        return ""
    rules = locale_rules(locale)
    day = _utc_date(value)
    months = rules.months_long if long else rules.months_short
    pattern = rules.date_long if long else rules.date_short
    return pattern.format(d=day.day, do=ordinal_en(day.day), m=day.month, month=months[day.month - 1], y=day.year)


def format_card_expiry(month: int | None, year: int | None) -> str:
    """Card expiry as ``MM/YYYY`` (``4, 2028`` -> ``04/2028``); empty if either part is missing."""
    if not month or not year:
        return ""
    return f"{int(month):02d}/{int(year)}"


def css_slug(value: str | None) -> str:
    """Class-name slug: lower-case, each run of characters outside ``[a-z0-9]`` -> one ``-``,
    trimmed (``"Single sign-on (SSO)"`` -> ``single-sign-on-sso``)."""
    return re.sub(r"[^a-z0-9]+", "-", (value or "").lower()).strip("-")


def unit_plural(singular: str | None, plural: str | None = None) -> str:
    """The plural of a unit name: the API's own plural (``featureUnitsPlural`` / ``unitPlural``)
    when it gives one, else the singular with an ``s``, unless it already ends in one (``Metric
    series``, ``GB of logs``, ``Credits``) — a unit is never pluralized twice."""
    if plural and plural.strip():
        return plural
    if not singular:
        return ""
    return singular if singular.rstrip().lower().endswith("s") else singular + "s"
