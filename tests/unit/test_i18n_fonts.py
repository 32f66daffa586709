"""No tofu: every character of every translation has a glyph in a font installed on this
machine (fontconfig's view, which Chromium's fallback follows). Fails where the install
step left out a script's Noto font (scripts/install-system-deps.sh: fonts-noto-core for
Myanmar and Devanagari, fonts-noto-cjk for Chinese, Japanese and Korean)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

import pytest
from babel.messages.pofile import read_po

from mynumber.i18n import catalogues
from mynumber.i18n.languages import ALL

pytestmark = pytest.mark.skipif(shutil.which("fc-list") is None, reason="needs fontconfig")


@cache
def covered() -> frozenset[int]:
    """Every code point some installed font has a glyph for."""
    listing = subprocess.run(
        ["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, check=True
    ).stdout
    points: set[int] = set()
    for item in listing.split():
        low, _, high = item.partition("-")
        points.update(range(int(low, 16), int(high or low, 16) + 1))
    return frozenset(points)


@pytest.mark.parametrize("code", [c for c in ALL if c != "en"])
def test_every_character_of_the_translations_has_a_glyph(code: str) -> None:
    with catalogues.po_path(code).open("rb") as po:
        text = "".join(str(m.string) for m in read_po(po) if m.id and m.string)
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered()})
    assert not missing, f"{code}: no installed font draws " + " ".join(
        f"U+{ord(ch):04X}" for ch in missing[:10]
    )
