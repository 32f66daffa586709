"""The languages the service speaks, and how a request's language is chosen.

Residents' pages (the guide, the online application, the portal) are in all of them; staff
pages in English and Japanese only (``STAFF``). ``ja-easy`` is やさしい日本語 (easy Japanese,
as municipalities publish for foreign residents): HTML-wise it is Japanese (``lang="ja"``).
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.core import negotiate_locale


@dataclass(frozen=True)
class Language:
    """One language: our ``code`` (``?lang=``, the cookie, ``--lang``, the catalogue's
    folder), its BCP 47 tag for ``lang=``, the Babel locale for dates, its own name, and the
    language to fall back on for a message its catalogue lacks."""

    code: str
    tag: str
    locale: str
    name: str
    fallback: str = "en"
    note: str = ""


LANGUAGES: tuple[Language, ...] = (
    Language("en", "en", "en", "English"),
    Language("ja", "ja", "ja", "日本語"),
    Language("ja-easy", "ja", "ja", "やさしい にほんご", "ja", "やさしい日本語（easy Japanese）"),
    Language("zh", "zh-Hans", "zh_Hans", "简体中文"),
    Language("vi", "vi", "vi", "Tiếng Việt"),
    Language("ko", "ko", "ko", "한국어"),
    Language("tl", "tl", "fil", "Tagalog"),
    Language("ne", "ne", "ne", "नेपाली"),
    Language("pt", "pt-BR", "pt_BR", "Português"),
    Language("id", "id", "id", "Bahasa Indonesia"),
    Language("my", "my", "my", "မြန်မာဘာသာ"),
)
BY_CODE = {lang.code: lang for lang in LANGUAGES}
ALL: tuple[str, ...] = tuple(BY_CODE)
STAFF: tuple[str, ...] = ("en", "ja")
DEFAULT = "en"

# What browsers send for a language whose code we spell differently (Filipino is the
# standard name of Tagalog; Traditional Chinese readers are better served by Simplified
# Chinese than by English).
_ALIASES = {"fil": "tl", "zh-hant": "zh", "zh-tw": "zh", "zh-hk": "zh", "zh-hans": "zh"}


def language(code: str) -> Language:
    """The language of ``code`` (an unknown code is English)."""
    return BY_CODE.get(code, BY_CODE[DEFAULT])


def preferred(accept_language: str) -> list[str]:
    """The tags of an ``Accept-Language`` header, most wanted first (q=0 dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, index, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def _ours(tag: str) -> str:
    primary = tag.partition("-")[0]
    return _ALIASES.get(tag) or _ALIASES.get(primary) or tag


def negotiate(accept_language: str, available: tuple[str, ...] = ALL) -> str | None:
    """The best of ``available`` for the browser's ``Accept-Language`` (Babel's
    negotiation: ``pt-BR`` finds ``pt``, ``fil`` finds ``tl``), or ``None``."""
    wanted = [_ours(tag) for tag in preferred(accept_language)]
    choices = [code for code in available if code != "ja-easy"]  # no browser asks for it
    found = negotiate_locale(wanted, choices, sep="-", aliases={})
    return found if found in available else None


def narrow(code: str, available: tuple[str, ...]) -> str:
    """``code`` if the page speaks it, else its nearest: easy Japanese reads Japanese, the
    others English (a staff page for a resident who chose Vietnamese on the guide)."""
    if code in available:
        return code
    fallback = language(code).fallback
    return fallback if fallback in available else DEFAULT
