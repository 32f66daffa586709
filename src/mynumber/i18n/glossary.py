"""用語集 — the glossary of official terms (``glossary.toml``): each Japanese term, the
English words our messages use for it, and its translation in each language."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GLOSSARY = Path(__file__).with_name("glossary.toml")


@dataclass(frozen=True)
class Term:
    ja: str
    en: tuple[str, ...]
    on_forms: bool
    translations: dict[str, str]
    shown: str = ""

    @property
    def on_the_form(self) -> str:
        """The Japanese shown beside a translation, as the person reads it on the form."""
        return self.shown or self.ja

    def used_in(self, english: str) -> bool:
        """Whether an English message speaks of this term: its English words (whole words,
        any case), or the Japanese term itself ("show the 資格確認書")."""
        return self.ja in english or any(
            re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", english, re.IGNORECASE)
            for word in self.en
        )

    def kept_in(self, code: str, translation: str) -> bool:
        """Whether ``translation`` uses the glossary's word for ``code`` (any case)."""
        return self.translations[code].casefold() in translation.casefold()


@lru_cache(maxsize=1)
def terms() -> tuple[Term, ...]:
    with GLOSSARY.open("rb") as toml:
        data = tomllib.load(toml)
    return tuple(
        Term(t["ja"], tuple(t["en"]), bool(t["on_forms"]), dict(t["in"]), t.get("shown", ""))
        for t in data["term"]
    )
