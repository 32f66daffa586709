"""Languages: gettext catalogues (Babel) behind the ``t(english, japanese)`` call.

Every message is written where it is used as an English/Japanese pair — ``t("Apply",
"申請する")`` in a template, ``invalid(field, "…", "…")`` or ``NavItem(path, "…", "…")`` in
Python. The English is the gettext msgid; ``make messages`` extracts the pairs
(``mynumber.i18n.extract``) into ``locale/messages.pot`` and each language's ``.po``, where
the translations live (the Japanese pre-filled from the pair). ``translate`` gives the text
in the chosen language; values go in as ``{name}`` (never by building the English with an
f-string: the catalogue could not find it). How to add a message: ``docs/i18n.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from mynumber.domain.errors import Filled
from mynumber.i18n.catalogues import translations
from mynumber.i18n.dates import day_in_text, day_with_weekday, month_name, short_day
from mynumber.i18n.languages import (
    ALL,
    BY_CODE,
    DEFAULT,
    LANGUAGES,
    STAFF,
    Language,
    language,
    narrow,
    negotiate,
)

__all__ = [
    "ALL",
    "BY_CODE",
    "DEFAULT",
    "LANGUAGES",
    "STAFF",
    "Language",
    "Translate",
    "day_in_text",
    "day_with_weekday",
    "language",
    "month_name",
    "narrow",
    "negotiate",
    "short_day",
    "translate",
    "translator",
]

Translate = Callable[..., str]


def lookup(code: str, english: str, japanese: str) -> str:
    """The message in ``code``: English as written, Japanese from the pair (the code is
    where the Japanese is kept), any other language from its catalogue, falling back on
    its ``fallback`` language (easy Japanese on Japanese, the others on English)."""
    if code == "en" or not english:
        return english
    if code == "ja":
        return japanese or english
    found = translations(code).gettext(english)
    if found != english:
        return found
    return lookup(language(code).fallback, english, japanese)


def _show(value: Any, code: str) -> str:
    if isinstance(value, dt.date):
        return day_in_text(value, code)
    return str(value)


def translate(code: str, english: str, japanese: str = "", /, **values: Any) -> str:
    """``english`` in ``code``; ``{name}`` placeholders filled from ``values`` (dates as the
    language writes them). A message already filled (an error's ``with_values``) is said
    again from its template."""
    if isinstance(english, Filled) and not values:
        japanese = japanese.template if isinstance(japanese, Filled) else japanese
        return translate(code, english.template, japanese, **english.values)
    text = lookup(code, english, japanese)
    if not values:
        return text
    shown = {name: _show(value, code) for name, value in values.items()}
    try:
        return text.format_map(shown)
    except (KeyError, IndexError, ValueError):  # a translation with a wrong placeholder
        return english.format_map(shown)


def translator(code: str) -> Translate:
    """``t(english, japanese, **values)`` bound to ``code`` (the templates' ``t``)."""

    def t(english: str, japanese: str = "", /, **values: Any) -> str:
        return translate(code, english, japanese, **values)

    return t
