"""Dates as each language writes them (Babel's CLDR data), English and Japanese as the
service has always shown them: ``Wed 15 Apr 2026`` and ``2026年4月15日（水）``."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_skeleton

from mynumber.i18n.languages import language

_WITH_WEEKDAY = {"en": "EEE d MMM y", "ja": "y年M月d日（EEE）"}
_PLAIN = {"en": "d MMM y", "ja": "y年M月d日"}


def day_with_weekday(day: dt.date, code: str) -> str:
    """A date on a page or in a table: with its weekday (a deadline on a Saturday matters)."""
    locale = language(code).locale
    pattern = _WITH_WEEKDAY.get(locale)
    if pattern:
        return format_date(day, pattern, locale=locale)
    return format_skeleton("yMMMEd", day, locale=locale)


def day_in_text(day: dt.date, code: str) -> str:
    """A date inside a sentence (``by 15 Apr 2026``)."""
    locale = language(code).locale
    pattern = _PLAIN.get(locale)
    return format_date(day, pattern or "long", locale=locale)


def short_day(day: dt.date, code: str) -> str:
    """A date where room is short (the guide's timeline): ``15 Apr 2026``, ``2026/4/15``."""
    locale = language(code).locale
    if locale == "en":
        return format_date(day, "d MMM y", locale=locale)
    if locale == "ja":
        return format_date(day, "y/M/d", locale=locale)
    return format_skeleton("yMd", day, locale=locale)


def month_name(day: dt.date, code: str) -> str:
    """The month, abbreviated as the language does (``Apr``, ``4月``, ``thg 4``)."""
    return format_date(day, "LLL", locale=language(code).locale)
