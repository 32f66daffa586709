"""Fonts for text in any of the service's languages, script by script (the guide's PDF).

reportlab picks no fallback font by itself, so a paragraph is split into runs of one script
and each run gets a font that has its glyphs:

- Japanese (kana, kanji, full-width forms) — the gothic CID font (HeiseiKakuGo-W5), which
  English and Japanese text also uses for Latin letters, so those two need nothing else;
- Simplified Chinese and Korean text — reportlab's CID fonts for them (STSong-Light,
  HYSMyeongJo-Medium), the Japanese terms kept beside translations in the gothic font;
- Latin with diacritics (Vietnamese, Tagalog, Portuguese, Indonesian) — Noto Sans;
- Burmese and Devanagari (Nepali) — Noto Sans Myanmar / Devanagari, *shaped* with HarfBuzz
  (``uharfbuzz``; reportlab's ``shaping``), without which their letters would not join.

The Noto TrueType files come from Debian's ``fonts-noto-core`` (``scripts/install-system-
deps.sh``); where one is missing the run falls back on the gothic CID font (its glyphs may be
missing, but the PDF is still made).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from mynumber.adapters.documents import _layout as L

NOTO = Path("/usr/share/fonts/truetype/noto")
_TRUETYPE = {
    "NotoSans": "NotoSans-Regular.ttf",
    "NotoSansMyanmar": "NotoSansMyanmar-Regular.ttf",
    "NotoSansDevanagari": "NotoSansDevanagari-Regular.ttf",
}
_CID = {"zh": "STSong-Light", "ko": "HYSMyeongJo-Medium"}
_RUNS = re.compile(
    r"(?P<cjk>[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+)"
    r"|(?P<hangul>[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+)"
    r"|(?P<myanmar>[\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff]+)"
    r"|(?P<devanagari>[\u0900-\u097f\ua8e0-\ua8ff]+)"
    r"|(?P<other>[^\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u1100-\u11ff"
    r"\u3130-\u318f\uac00-\ud7af\u1000-\u109f\uaa60-\uaa7f\ua9e0-\ua9ff\u0900-\u097f"
    r"\ua8e0-\ua8ff]+)"
)


@functools.cache
def _font(name: str) -> str:
    """``name`` registered with reportlab, or the gothic CID font when it cannot be."""
    if name in _CID.values():
        pdfmetrics.registerFont(UnicodeCIDFont(name))
        return name
    path = NOTO / _TRUETYPE[name]
    if not path.exists():
        return L.GOTHIC
    pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def _fonts(lang: str) -> dict[str, str]:
    """Which font sets each kind of run in ``lang``."""
    if lang in ("en", "ja", "ja-easy"):
        return {}  # the gothic CID font sets it all
    latin = _font("NotoSans")
    han = _font(_CID["zh"]) if lang == "zh" else L.GOTHIC
    return {
        "cjk": han,
        "hangul": _font(_CID["ko"]),
        "myanmar": _font("NotoSansMyanmar"),
        "devanagari": _font("NotoSansDevanagari"),
        "other": _font(_CID["ko"]) if lang == "ko" else latin,
    }


_SHAPED = {"my": "NotoSansMyanmar", "ne": "NotoSansDevanagari"}


def needs_shaping(lang: str) -> bool:
    """Whether ``lang``'s script needs HarfBuzz to join its letters (Burmese, Nepali)."""
    return lang in _SHAPED


def base_font(lang: str) -> str:
    """The font a paragraph's style names in ``lang``.

    reportlab shapes a paragraph only when its style's own font is a shapable TrueType font
    (``style.shaping and getFont(style.fontName).shapable``): with the gothic CID font as the
    base, Burmese came out unshaped (the medial ra after its consonant, not around it).
    """
    return _font(_SHAPED[lang]) if lang in _SHAPED else L.GOTHIC


def markup(text: str, lang: str) -> str:
    """``text`` escaped for a reportlab Paragraph, each script's run in a font that has it."""
    fonts = _fonts(lang)
    if not fonts:
        return escape(text)
    out = []
    previous = ""
    for match in _RUNS.finditer(text):
        kind = match.lastgroup or "other"
        run = match.group(0)
        if needs_shaping(lang) and previous and not (previous[-1].isspace() or run[0].isspace()):
            # reportlab shapes a whole word with its first run's font, so where two fonts
            # meet inside a word ("(資格確認書)") a thin space makes two words of it.
            out.append("\u2009")
        out.append(f'<font name="{fonts.get(kind, L.GOTHIC)}">{escape(run)}</font>')
        previous = run
    return "".join(out)
