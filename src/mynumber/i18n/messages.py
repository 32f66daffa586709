"""``make messages``: extract the pairs, update every language's catalogue, report gaps.

    python -m mynumber.i18n update    # messages.pot and each .po (the Japanese from the code)
    python -m mynumber.i18n compile   # each .po to .mo (the install does this)
    python -m mynumber.i18n check     # what a language still lacks (exit 1 if anything)

Babel does the work: ``extract_from_dir`` with the mapping in ``babel.cfg`` and our
extractors, ``Catalog.update`` (a changed English keeps its old translation marked fuzzy
for review), ``write_po`` and ``write_mo``.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from mynumber.i18n.catalogues import DOMAIN, TEMPLATE, mo_path, po_path
from mynumber.i18n.extract import JA_COMMENT
from mynumber.i18n.languages import ALL, language
from mynumber.i18n.scope import is_residents

SOURCE_ROOT = Path(__file__).resolve().parents[2]  # src/, where babel.cfg's paths start
MAPPING = SOURCE_ROOT.parent / "babel.cfg"
TRANSLATED = tuple(code for code in ALL if code != "en")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
FIXED_DATE = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
HEADER = "Messages of mynumber, English msgids with their Japanese (#. ja:). See docs/i18n.md."


def extract() -> Catalog:
    """Every message in the source, with its places and its Japanese."""
    with MAPPING.open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(
        domain=DOMAIN, project="mynumber", version="0.1", header_comment=f"# {HEADER}"
    )
    template.creation_date = template.revision_date = FIXED_DATE  # no churn in the headers
    found = extract_from_dir(str(SOURCE_ROOT), method_map, options_map, keywords={})
    for path, lineno, message, comments, _context in found:
        template.add(message, None, [(path, lineno)], auto_comments=comments)
    return template


def japanese_of(message: Message) -> str:
    """The Japanese the code gives for ``message`` (the first place's). A catalogue read
    back from disk has it wrapped over several comment lines (Babel wraps comments at
    whitespace): they are joined again."""
    marker = JA_COMMENT.strip()
    found: list[str] = []
    for comment in message.auto_comments:
        if comment.startswith(marker):
            if found:
                break
            found.append(comment[len(marker) :])
        elif found:
            found.append(comment)
    return " ".join(found).strip()


def _read(path: Path, code: str | None = None) -> Catalog:
    with path.open("rb") as po:
        return read_po(po, locale=language(code).locale if code else None, domain=DOMAIN)


def _messages(path: Path, code: str | None = None) -> Mapping[Any, Message]:
    """The messages of the catalogue at ``path`` by id, read once for each version of the
    file: the template is read for every language's gaps, and Babel's parser costs ~0.1 s of
    CPU a catalogue."""
    stat = path.stat()
    return _messages_of_version(path, code, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _messages_of_version(
    path: Path, code: str | None, _mtime_ns: int, _size: int
) -> Mapping[Any, Message]:
    return MappingProxyType({m.id: m for m in _read(path, code) if m.id})


def _write(path: Path, catalogue: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(
            po,
            catalogue,
            width=100,
            ignore_obsolete=True,
            include_previous=True,
            include_lineno=False,  # line numbers would change every catalogue at every edit
        )


def update() -> None:
    """messages.pot from the source; each .po brought in line with it."""
    template = extract()
    _write(TEMPLATE, template)
    for code in TRANSLATED:
        path = po_path(code)
        if path.exists():
            catalogue = _read(path, code)
        else:
            catalogue = Catalog(locale=language(code).locale, domain=DOMAIN)
        catalogue.header_comment = f"# {HEADER}\n# Language: {code}"
        catalogue.revision_date = FIXED_DATE
        # A copy each: Catalog.update adopts the template's Message objects themselves.
        catalogue.update(copy.deepcopy(template), update_header_comment=False)
        if code == "ja":  # the code holds the Japanese: the catalogue follows it
            for message in catalogue:
                if message.id:
                    message.string = japanese_of(message)
                    message.flags.discard("fuzzy")
                    message.previous_id = []
                    message.user_comments = []
        _write(path, catalogue)


def compile_all() -> None:
    """Each language's .po to .mo (fuzzy entries left out)."""
    for code in TRANSLATED:
        catalogue = _read(po_path(code), code)
        with mo_path(code).open("wb") as mo:
            write_mo(mo, catalogue, use_fuzzy=False)


@dataclass(frozen=True)
class Gap:
    code: str
    msgid: str
    why: str  # "missing", "fuzzy", "placeholders"


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def gaps(code: str, *, residents_only: bool = True) -> Iterator[Gap]:
    """What ``code``'s catalogue lacks: messages missing or fuzzy, and translations whose
    ``{placeholders}`` differ from the English (residents' messages, or all)."""
    template = _messages(TEMPLATE)
    catalogue = _messages(po_path(code), code)
    for msgid, wanted in template.items():
        if residents_only and not is_residents(wanted.locations):
            continue
        found = catalogue.get(msgid)
        if found is None or not found.string:
            yield Gap(code, str(msgid), "missing")
        elif found.fuzzy:
            yield Gap(code, str(msgid), "fuzzy")
        elif placeholders(str(found.string)) != placeholders(str(msgid)):
            yield Gap(code, str(msgid), "placeholders")


def check() -> int:
    """Print each language's gaps among the residents' messages; 1 if there are any."""
    total = 0
    for code in TRANSLATED:
        found = list(gaps(code))
        total += len(found)
        print(f"{code}: {len(found)} to do")
        for gap in found[:5]:
            print(f"   {gap.why}: {gap.msgid[:90]}")
    return 1 if total else 0
