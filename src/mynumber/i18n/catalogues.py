"""The gettext catalogues: ``locale/<code>/LC_MESSAGES/messages.po`` (written by people and
by ``make messages``), compiled to ``.mo`` by the install (``make``, ``python -m
mynumber.i18n compile``) and loaded here.

A ``.mo`` that is missing or older than its ``.po`` (a fresh clone, a ``.po`` just edited) is
compiled in memory instead, so the service and the tests never depend on an install step
having run and never write into the source tree.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(code: str) -> Path:
    return po_path(code).with_suffix(".mo")


def compile_po(code: str) -> bytes:
    """The ``.mo`` of ``code``'s catalogue (fuzzy entries left out, as gettext does)."""
    with po_path(code).open("rb") as po:
        catalogue = read_po(po, locale=None, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalogue, use_fuzzy=False)
    return out.getvalue()


@cache
def translations(code: str) -> gettext.NullTranslations:
    """``code``'s compiled catalogue (empty if it has none, as English)."""
    po, mo = po_path(code), mo_path(code)
    if not po.exists():
        return gettext.NullTranslations()
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    return gettext.GNUTranslations(io.BytesIO(compile_po(code)))
