"""Values formatted exactly, the way a language writes them.

In: a Duration, a datetime, a country code or a list of names, and a locale.
Out: text. A duration keeps its declared number and unit: 90 days is "90 days",
"90 dagen", "90 Tage", "90 jours", "90 يومًا", never "3 months".

Why not `babel.dates.format_timedelta`: it rounds (90 days -> "3 months"). Why not
`babel.units.format_unit(length="long")`: Babel 2.18's long duration patterns are
missing for nl and ar (only the "per" form survives). The unit patterns below are
CLDR 46's long forms for the languages policykit ships; others fall back to Babel's
data where it is complete, then to English.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.lists import format_list as babel_format_list
from babel.numbers import format_decimal

from policykit.errors import UnknownLocaleError as PolicyUnknownLocale
from policykit.model import Duration, Unit

__all__ = [
    "UNIT_PATTERNS",
    "country_name",
    "format_datetime",
    "format_duration",
    "format_list",
    "format_number",
    "normalize_locale",
    "text_direction",
]


def _forms(one: str, other: str) -> dict[str, str]:
    return {"one": one, "other": other}


def _arabic(zero: str, one: str, two: str, few: str, many: str) -> dict[str, str]:
    return {"zero": zero, "one": one, "two": two, "few": few, "many": many, "other": zero}


# CLDR 46, units long, duration-*. French uses a plain space, not CLDR's no-break
# space, so that a search for "90 jours" finds it in every output format.
UNIT_PATTERNS: dict[str, dict[Unit, dict[str, str]]] = {
    "en": {
        Unit.SECOND: _forms("{0} second", "{0} seconds"),
        Unit.MINUTE: _forms("{0} minute", "{0} minutes"),
        Unit.HOUR: _forms("{0} hour", "{0} hours"),
        Unit.DAY: _forms("{0} day", "{0} days"),
        Unit.WEEK: _forms("{0} week", "{0} weeks"),
        Unit.MONTH: _forms("{0} month", "{0} months"),
        Unit.YEAR: _forms("{0} year", "{0} years"),
    },
    "nl": {
        Unit.SECOND: _forms("{0} seconde", "{0} seconden"),
        Unit.MINUTE: _forms("{0} minuut", "{0} minuten"),
        Unit.HOUR: _forms("{0} uur", "{0} uur"),
        Unit.DAY: _forms("{0} dag", "{0} dagen"),
        Unit.WEEK: _forms("{0} week", "{0} weken"),
        Unit.MONTH: _forms("{0} maand", "{0} maanden"),
        Unit.YEAR: _forms("{0} jaar", "{0} jaar"),
    },
    "de": {
        Unit.SECOND: _forms("{0} Sekunde", "{0} Sekunden"),
        Unit.MINUTE: _forms("{0} Minute", "{0} Minuten"),
        Unit.HOUR: _forms("{0} Stunde", "{0} Stunden"),
        Unit.DAY: _forms("{0} Tag", "{0} Tage"),
        Unit.WEEK: _forms("{0} Woche", "{0} Wochen"),
        Unit.MONTH: _forms("{0} Monat", "{0} Monate"),
        Unit.YEAR: _forms("{0} Jahr", "{0} Jahre"),
    },
    "fr": {
        Unit.SECOND: _forms("{0} seconde", "{0} secondes"),
        Unit.MINUTE: _forms("{0} minute", "{0} minutes"),
        Unit.HOUR: _forms("{0} heure", "{0} heures"),
        Unit.DAY: _forms("{0} jour", "{0} jours"),
        Unit.WEEK: _forms("{0} semaine", "{0} semaines"),
        Unit.MONTH: _forms("{0} mois", "{0} mois"),
        Unit.YEAR: _forms("{0} an", "{0} ans"),
    },
    "ar": {
        Unit.SECOND: _arabic("{0} ثانية", "ثانية", "ثانيتان", "{0} ثوانٍ", "{0} ثانية"),
        Unit.MINUTE: _arabic("{0} دقيقة", "دقيقة", "دقيقتان", "{0} دقائق", "{0} دقيقة"),
        Unit.HOUR: _arabic("{0} ساعة", "ساعة", "ساعتان", "{0} ساعات", "{0} ساعة"),
        Unit.DAY: _arabic("{0} يوم", "يوم", "يومان", "{0} أيام", "{0} يومًا"),
        Unit.WEEK: _arabic("{0} أسبوع", "أسبوع", "أسبوعان", "{0} أسابيع", "{0} أسبوعًا"),
        Unit.MONTH: _arabic("{0} شهر", "شهر", "شهران", "{0} أشهر", "{0} شهرًا"),
        Unit.YEAR: _arabic("{0} سنة", "سنة", "سنتان", "{0} سنوات", "{0} سنة"),
    },
}


# language, script, territory, variants: nothing else, so that a locale can name a folder.
# (Babel's parser ignores what follows a '.' or '@', which would let `es.x/../..` through.)
_IDENTIFIER = re.compile(
    r"[A-Za-z]{2,3}(?:[_-][A-Za-z]{4})?(?:[_-](?:[A-Za-z]{2}|[0-9]{3}))?(?:[_-](?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)


@functools.cache
def _locale(identifier: str) -> Locale:
    try:
        if not _IDENTIFIER.fullmatch(identifier):
            raise ValueError(identifier)
        return Locale.parse(identifier.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError) as error:
        raise PolicyUnknownLocale(
            f"{identifier!r} is not a locale CLDR knows, such as 'en', 'nl' or 'pt-BR'"
        ) from error


def normalize_locale(identifier: str) -> str:
    """`pt-BR` -> `pt_BR`; raises policykit's UnknownLocaleError for what CLDR does not know."""
    _locale(identifier)
    return identifier.replace("-", "_")


def _patterns(locale: Locale, unit: Unit) -> dict[str, str]:
    if locale.language in UNIT_PATTERNS:
        return UNIT_PATTERNS[locale.language][unit]
    lengths = locale._data["unit_patterns"].get(f"duration-{unit.value}", {})
    for length in ("long", "short"):
        forms = {form: pattern for form, pattern in lengths.get(length, {}).items() if form != "per"}
        if "other" in forms:
            return forms
    return UNIT_PATTERNS["en"][unit]


def format_duration(duration: Duration, locale: str) -> str:
    """'90 days' in the words of `locale`, with the plural form CLDR chooses for 90."""
    loc = _locale(locale)
    patterns = _patterns(loc, duration.unit)
    pattern = patterns.get(loc.plural_form(duration.amount), patterns["other"])
    return pattern.replace("{0}", format_decimal(duration.amount, locale=loc))


def format_datetime(moment: dt.datetime, locale: str) -> str:
    """'19 February 2021, 13:40 (UTC+01:00)': the date and time in the policy's own offset."""
    loc = _locale(locale)
    offset = moment.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    date, time = format_date(moment.date(), "long", locale=loc), format_time(moment.time(), "short", locale=loc)
    return f"{date}, {time} ({zone})"


def format_day(day: dt.date, locale: str) -> str:
    return format_date(day, "long", locale=_locale(locale))


def format_number(number: int, locale: str) -> str:
    """'1,000' or '1.000': an integer in the digits and separators of `locale`."""
    return format_decimal(number, locale=_locale(locale))


def format_list(items: list[str], locale: str) -> str:
    """'Google and Tawk.to', 'Google en Tawk.to', ..."""
    return babel_format_list(items, locale=_locale(locale)) if items else ""


def country_name(code: str, locale: str) -> str:
    """The name of the country `code` (ISO 3166-1 alpha-2) in `locale`, from Babel's CLDR
    data; the code itself when CLDR has no name for it."""
    return str(_locale(locale).territories.get(code, code))


def text_direction(locale: str) -> str:
    """'rtl' or 'ltr', from CLDR's character order."""
    return "rtl" if _locale(locale).character_order == "right-to-left" else "ltr"
