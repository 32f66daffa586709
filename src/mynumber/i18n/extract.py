"""Babel extractors for the English/Japanese pairs (see ``babel.cfg``).

A message is two string literals side by side — the English (it has Latin letters), then
the Japanese (it has kana or kanji) — among a call's positional arguments or in a tuple:
``t("Apply", "申請する")``, ``invalid("photo", "Choose a photo.", "写真を選んでください。")``,
``NavItem("/guide", "Newcomer's guide", "転入者向けガイド")``, ``("done", "済み")``. The
English is the msgid; the Japanese goes along as an extracted comment (``#. ja: …``), which
every translator sees and which fills the Japanese catalogue. An f-string is not a literal
and is not extracted: write ``{name}`` and pass the value (``docs/i18n.md``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import IO, Any, BinaryIO, cast

from jinja2.ext import babel_extract

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
LATIN = re.compile(r"[A-Za-z]")
JA_COMMENT = "ja: "
Extracted = tuple[int, None, str, list[str]]


def is_pair(english: object, japanese: object) -> bool:
    """Whether two literals side by side are one message in English and Japanese."""
    return (
        isinstance(english, str)
        and isinstance(japanese, str)
        and bool(LATIN.search(english))
        and bool(JAPANESE.search(japanese))
    )


def pairs(values: Sequence[object]) -> Iterator[tuple[int, str, str]]:
    """(index, English, Japanese) for each pair among ``values``, left to right."""
    index = 0
    while index < len(values) - 1:
        english, japanese = values[index], values[index + 1]
        if is_pair(english, japanese):
            yield index, str(english), str(japanese)
            index += 2
        else:
            index += 1


def _literal(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else None


def python_pairs(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """The pairs in a Python module (Babel extraction method)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            items = node.args
        elif isinstance(node, ast.Tuple | ast.List):
            items = node.elts
        else:
            continue
        for index, english, japanese in pairs([_literal(item) for item in items]):
            yield items[index].lineno, None, english, [JA_COMMENT + japanese]


def jinja_pairs(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[Extracted]:
    """The ``t("English", "日本語")`` calls in a template (Jinja2's own extractor finds the
    calls; a call with anything but literals, ``t(step.title_en, step.title_ja)``, is a
    stored message and is extracted where it is written)."""
    settings = {"trim_blocks": "true", "lstrip_blocks": "true", **options}
    for lineno, _name, strings, _comments in babel_extract(
        cast(BinaryIO, fileobj), ("t",), (), settings
    ):
        values = strings if isinstance(strings, tuple) else (strings,)
        for _index, english, japanese in pairs(values[:2]):
            yield lineno, None, english, [JA_COMMENT + japanese]
