"""The catalogues: up to date with the code, complete where residents read them, and
consistent with the glossary of official terms. Reads the source and the catalogues;
writes nothing (``make messages`` is what writes them)."""

from __future__ import annotations

import re
from functools import cache

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from mynumber.i18n import catalogues, glossary, messages, scope
from mynumber.i18n.languages import ALL


@cache
def template() -> Catalog:
    """The template, parsed once for the module (Babel's parser: ~0.1 s of CPU a file); the
    tests only read it."""
    with catalogues.TEMPLATE.open("rb") as pot:
        return read_po(pot)


@cache
def catalogue_of(code: str) -> Catalog:
    """``code``'s catalogue, parsed once for the module; the tests only read it."""
    with catalogues.po_path(code).open("rb") as po:
        return read_po(po)


@pytest.fixture(scope="module")
def template_ids() -> set[str]:
    return {str(m.id) for m in template() if m.id}


def test_the_catalogues_hold_every_message_in_the_code(template_ids: set[str]) -> None:
    in_code = {str(m.id) for m in messages.extract() if m.id}
    new, gone = sorted(in_code - template_ids), sorted(template_ids - in_code)
    assert not new and not gone, (
        f"run `make messages` (new in the code: {new[:5]}; no longer in it: {gone[:5]})"
    )


@pytest.mark.parametrize("code", scope.COMPLETE)
def test_every_message_a_resident_meets_is_translated_and_not_fuzzy(code: str) -> None:
    gaps = list(messages.gaps(code))
    assert not gaps, f"{code}: {len(gaps)} to do, e.g. " + "; ".join(
        f"{g.why}: {g.msgid[:60]!r}" for g in gaps[:5]
    )


# Japanese is the code's own pair; the catalogues' translations must keep the English's.
@pytest.mark.parametrize("code", [c for c in ALL if c not in ("en", "ja")])
def test_no_translation_loses_or_invents_a_placeholder(code: str) -> None:
    wrong = [g for g in messages.gaps(code, residents_only=False) if g.why == "placeholders"]
    assert not wrong, f"{code}: " + "; ".join(g.msgid[:60] for g in wrong[:5])


def test_the_glossary_gives_every_term_in_every_language() -> None:
    wanted = {c for c in ALL if c not in ("en", "ja")}
    for term in glossary.terms():
        assert set(term.translations) == wanted, term.ja
        assert all(term.translations.values()), term.ja


# The specific term wins over the general one it contains ("My Number Card" is not
# "My Number" followed by a card): a message is checked against the longest match only.
def _terms_spoken_of(english: str) -> list[glossary.Term]:
    found = [t for t in glossary.terms() if t.used_in(english)]
    return [
        t
        for t in found
        if not any(
            o is not t and any(w in v for w in t.en for v in o.en if v != w) and o.used_in(english)
            for o in found
        )
    ]


@pytest.mark.parametrize("code", [c for c in ALL if c not in ("en", "ja")])
def test_every_translation_uses_the_glossarys_official_terms(code: str) -> None:
    catalogue = catalogue_of(code)
    off = [
        f"{term.ja} ≠ {str(m.string)[:50]!r}"
        for m in catalogue
        if m.id and m.string and not m.fuzzy
        for term in _terms_spoken_of(str(m.id))
        if not term.kept_in(code, str(m.string))
    ]
    assert not off, f"{code}: {len(off)} off the glossary, e.g. " + "; ".join(off[:5])


JAPANESE_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff々〜・ー]+")


@pytest.mark.parametrize("code", [c for c in ALL if c not in ("en", "ja")])
def test_the_japanese_term_the_english_shows_stays_beside_the_translation(code: str) -> None:
    """Where the English names the term the person will meet on a form ("Residence card
    (在留カード)"), every translation shows the same Japanese."""
    catalogue = catalogue_of(code)
    dropped = [
        f"{run} in {str(m.id)[:40]!r}"
        for m in catalogue
        if m.id and m.string
        for run in JAPANESE_RUN.findall(str(m.id))
        if run not in str(m.string)
    ]
    assert not dropped, f"{code}: " + "; ".join(dropped[:5])


LABEL_LENGTH = 60  # a form's label or a title, not a paragraph


@pytest.mark.parametrize("code", [c for c in ALL if c not in ("en", "ja", "ja-easy")])
def test_a_forms_label_shows_the_japanese_term_beside_the_translation(code: str) -> None:
    places = {str(m.id): m.locations for m in template() if m.id}
    catalogue = catalogue_of(code)
    bare = [
        f"{term.on_the_form} in {str(m.string)!r}"
        for m in catalogue
        if m.id
        and m.string
        and len(str(m.id)) <= LABEL_LENGTH
        and scope.on_a_form(places.get(str(m.id), []))
        for term in glossary.terms()
        if term.on_forms and term.used_in(str(m.id)) and term.on_the_form not in str(m.string)
    ]
    assert not bare, f"{code}: " + "; ".join(bare[:5])
