"""Which messages every language must have: those a resident meets.

The guide (``/guide``, ``mynumber guide``), the online application (``/apply``), the
resident's portal (``/portal``) and what frames them (the header and footer, the form
macros, the error page, the home page, the errors these pages can show) are in every
language of ``languages.ALL``; everything else (staff pages) in English and Japanese.
A message is the residents' when any of its places (``#:`` in the catalogue) matches
``RESIDENT_FACING``. ``tests/unit/test_i18n_catalogues.py`` fails on any such message
missing or fuzzy in any language.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatch

from mynumber.i18n.languages import ALL

RESIDENT_FACING: tuple[str, ...] = (
    "mynumber/web/templates/base.html",
    "mynumber/web/templates/macros.html",
    "mynumber/web/templates/error.html",
    "mynumber/web/templates/http_error.html",
    "mynumber/web/templates/home.html",
    "mynumber/web/templates/privacy.html",
    "mynumber/web/templates/guide*",
    "mynumber/web/templates/apply/*",
    "mynumber/web/templates/portal/*",
    "mynumber/web/core.py",
    "mynumber/web/public.py",
    "mynumber/web/timeline.py",
    "mynumber/web/apply.py",
    "mynumber/web/portal.py",
    "mynumber/cli/guide.py",
    "mynumber/adapters/calendar.py",
    "mynumber/adapters/documents/guide_plan.py",
    "mynumber/domain/guide/*",
    "mynumber/domain/photo_rules.py",
    "mynumber/domain/representation.py",
    "mynumber/services/portal/*",
)


def is_residents(locations: Iterable[tuple[str, int | None]]) -> bool:
    """Whether a message with these places is one a resident meets."""
    return any(fnmatch(path, pattern) for path, _ in locations for pattern in RESIDENT_FACING)


FORMS: tuple[str, ...] = (
    "mynumber/web/templates/guide.html",
    "mynumber/web/templates/apply/*",
    "mynumber/web/templates/portal/details.html",
    "mynumber/web/templates/portal/child_benefit.html",
    "mynumber/web/templates/portal/card.html",
)
"""The residents' forms: their labels and titles show the Japanese of an official term beside
its translation (``glossary.toml``, ``on_forms``), so the person can match what they read
with the form or card in front of them."""


def on_a_form(locations: Iterable[tuple[str, int | None]]) -> bool:
    """Whether a message with these places is a label or title on a residents' form."""
    return any(fnmatch(path, pattern) for path, _ in locations for pattern in FORMS)


COMPLETE: tuple[str, ...] = tuple(code for code in ALL if code != "en")
"""The languages whose residents' messages must all be there, not fuzzy: every one (the test
fails otherwise; English is the msgid itself)."""
