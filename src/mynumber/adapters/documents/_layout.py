"""The look shared by every paper document: fonts, letterhead, title, boxed table, footer, QR.

Japanese text is set in reportlab's built-in CID fonts (HeiseiKakuGo-W5 gothic for headings
and values, HeiseiMin-W3 mincho for body text): the PDF names them and the viewer supplies
the glyphs, so no font file ships with the package. Fixed English text sits under the
Japanese in Helvetica, because many readers are newly arrived residents.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import FILL_NON_ZERO, Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from mynumber.adapters.documents._format import date_en, date_ja
from mynumber.domain.errors import InvalidInput

GOTHIC = "HeiseiKakuGo-W5"
MINCHO = "HeiseiMin-W3"
LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
INK = colors.HexColor("#1F3A5F")
RULE = colors.HexColor("#8A9BB0")
SHADE = colors.HexColor("#EEF2F7")
GREY = colors.HexColor("#555555")

FOOTER_HEIGHT = 12 * mm


class DoesNotFit(InvalidInput):
    """The content runs into the footer or off the page (too long an address or name)."""


@functools.cache
def register_fonts() -> None:
    """Register the two Japanese CID fonts with reportlab (once per process)."""
    for name in (GOTHIC, MINCHO):
        pdfmetrics.registerFont(UnicodeCIDFont(name))


def style(
    font: str = MINCHO,
    size: float = 9.5,
    *,
    color: colors.Color = colors.black,
    align: int = TA_LEFT,
    leading: float | None = None,
) -> ParagraphStyle:
    """A paragraph style; Japanese fonts wrap per character with kinsoku rules (CJK)."""
    return ParagraphStyle(
        f"{font}-{size}",
        fontName=font,
        fontSize=size,
        leading=leading or size * 1.4,
        textColor=color,
        alignment=align,
        wordWrap="CJK" if font in (GOTHIC, MINCHO) else None,
    )


def para(text: str, font: str = MINCHO, size: float = 9.5, **kwargs: Any) -> Paragraph:
    """A paragraph of plain text (escaped here; newlines become line breaks)."""
    markup = escape(text).replace("\n", "<br/>")
    return Paragraph(markup, style(font, size, **kwargs))


def english(text: str, size: float = 8, **kwargs: Any) -> Paragraph:
    """The English line that sits under a Japanese one, smaller and grey."""
    kwargs.setdefault("color", GREY)
    return para(text, LATIN, size, **kwargs)


def heading(ja: str, en: str, size: float = 11) -> Paragraph:
    """A section heading: the Japanese in navy, its English after it on the same line."""
    markup = (
        f'{escape(ja)}　<font name="{LATIN}" size="{size * 0.7:g}" '
        f'color="#555555">{escape(en)}</font>'
    )
    return Paragraph(markup, style(GOTHIC, size, color=INK))


@dataclass(frozen=True)
class Row:
    """One line of a boxed details table: a bilingual label and a value (with an English line)."""

    label_ja: str
    label_en: str
    value: str | Flowable = ""
    value_en: str = ""
    strong: bool = False
    english_below: bool = False


def _with_english(ja: str, en: str, size: float, below: bool = False) -> str:
    """Markup: the Japanese text, then its English in small grey Helvetica (same line or next)."""
    markup = escape(ja).replace("\n", "<br/>")
    if en:
        separator = "<br/>" if below else " "
        markup += (
            f'{separator}<font name="{LATIN}" size="{size - 1.5:g}" color="#555555">'
            f"{escape(en)}</font>"
        )
    return markup


def _label_cell(row: Row, size: float) -> Paragraph:
    label_style = style(GOTHIC, size)
    label_style.wordWrap = None  # labels break between words, never inside "Application"
    return Paragraph(_with_english(row.label_ja, row.label_en, size), label_style)


def _value_cell(row: Row, size: float) -> Flowable:
    if not isinstance(row.value, str):
        return row.value
    if row.strong:
        return para(row.value, GOTHIC, size * 1.45, color=INK)
    markup = _with_english(row.value, row.value_en, size + 0.5, row.english_below)
    return Paragraph(markup, style(GOTHIC, size + 0.5))


def details_table(
    rows: Sequence[Row], width: float, label_width: float = 46 * mm, size: float = 9.5
) -> Table:
    """A boxed two-column table: shaded bilingual labels on the left, values on the right."""
    data = [[_label_cell(r, size), _value_cell(r, size)] for r in rows]
    table = Table(data, colWidths=[label_width, width - label_width])
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1, INK),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, RULE),
                ("BACKGROUND", (0, 0), (0, -1), SHADE),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("RIGHTPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


def digit_boxes(digits: str, count: int, box: float = 6.5 * mm) -> Table:
    """``count`` boxed cells, one digit in each; empty boxes when ``digits`` is empty."""
    cells = list(digits) if digits else [""] * count
    table = Table([cells], colWidths=[box] * count, rowHeights=[box])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, INK),
                ("FONT", (0, 0), (-1, -1), LATIN_BOLD, 12),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw ``data`` as a vector QR code (with its 4-module quiet zone) in a square at (x, y)."""
    # Level Q (25 % recoverable) survives creases and smudges on a mailed letter.
    qr = segno.make(data, error="q", micro=False)
    matrix = qr.matrix
    border = 4
    module = size / (len(matrix) + 2 * border)
    bleed = module * 0.08
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    path = canvas.beginPath()
    for r, line in enumerate(matrix):
        top = y + size - (border + r + 1) * module
        start: int | None = None
        for col, dark in enumerate([*line, 0]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                # One rectangle per run of dark modules keeps the PDF small; each reaches a
                # little into the row below, or anti-aliasing leaves white seams between rows
                # that stop scanners from finding the code.
                x0, x1 = x + (border + start) * module, x + (border + col) * module
                path.moveTo(x0, top - bleed)
                path.lineTo(x1, top - bleed)
                path.lineTo(x1, top + module)
                path.lineTo(x0, top + module)
                path.close()
                start = None
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=0, fill=1, fillMode=FILL_NON_ZERO)
    canvas.restoreState()


class Sheet:
    """One page laid out from the top down; ``y`` is the top of the next free space."""

    def __init__(
        self,
        pagesize: tuple[float, float],
        *,
        title: str,
        author: str,
        margin: float = 13 * mm,
        footer_height: float = FOOTER_HEIGHT,
    ) -> None:
        register_fonts()
        self._buffer = BytesIO()
        # invariant: no timestamps or random IDs, so the same input gives the same bytes.
        self.canvas = Canvas(self._buffer, pagesize=pagesize, invariant=True)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator("mynumber")
        self.width, self.height = pagesize
        self.margin = margin
        self.footer_height = footer_height
        self.y = self.height - margin

    @property
    def left(self) -> float:
        return self.margin

    @property
    def right(self) -> float:
        return self.width - self.margin

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin

    def place(
        self,
        flowable: Flowable,
        *,
        x: float | None = None,
        width: float | None = None,
        gap: float = 0,
    ) -> float:
        """Draw ``flowable`` at the cursor, move the cursor below it; return its height."""
        _, height = flowable.wrapOn(self.canvas, width or self.content_width, self.height)
        flowable.drawOn(self.canvas, self.left if x is None else x, self.y - height)
        self.y -= height + gap
        return height

    def space(self, height: float) -> None:
        self.y -= height

    def rule(self, color: colors.Color = RULE, width: float = 0.5, gap: float = 4) -> None:
        """A horizontal line across the content width."""
        self.canvas.setStrokeColor(color)
        self.canvas.setLineWidth(width)
        self.canvas.line(self.left, self.y, self.right, self.y)
        self.y -= gap

    def letterhead(self, issuer_ja: str, issuer_en: str, issued: date) -> None:
        """A navy band, the issuer on the left and the issue date on the right."""
        c = self.canvas
        c.setFillColor(INK)
        c.rect(self.left, self.y - 2.2 * mm, self.content_width, 2.2 * mm, stroke=0, fill=1)
        self.space(4 * mm)
        top = self.y
        half = self.content_width / 2
        self.place(para(issuer_ja, GOTHIC, 12.5), width=half)
        if issuer_en:
            self.place(english(issuer_en, 8.5), width=half)
        left_bottom = self.y
        self.y = top
        self.place(
            para(f"発行日　{date_ja(issued)}", GOTHIC, 9, align=TA_RIGHT),
            x=self.left + half,
            width=half,
        )
        self.place(
            english(f"Issued {date_en(issued)}", 8, align=TA_RIGHT), x=self.left + half, width=half
        )
        self.y = min(self.y, left_bottom) - 2 * mm
        self.rule(gap=4 * mm)

    def addressee(self, address: str, name: str) -> None:
        """The window-envelope block: address, then the name with 様."""
        width = self.content_width * 0.75
        if address:
            self.place(para(address, GOTHIC, 10), width=width, gap=1.5 * mm)
        self.place(para(f"{name}　様", GOTHIC, 13), width=width, gap=4 * mm)

    def title(self, ja: str, en: str) -> None:
        """The centred Japanese title with its English name under it."""
        self.place(para(ja, GOTHIC, 19, color=INK, align=TA_CENTER, leading=24), gap=1 * mm)
        self.place(para(en, LATIN_BOLD, 11.5, color=GREY, align=TA_CENTER), gap=3 * mm)

    def bilingual(
        self,
        ja: str,
        en: str,
        *,
        size: float = 9.5,
        gap: float = 4 * mm,
        x: float | None = None,
        width: float | None = None,
    ) -> None:
        """A Japanese paragraph followed by its English version."""
        self.place(para(ja, MINCHO, size), x=x, width=width, gap=1 * mm)
        self.place(english(en, size - 1), x=x, width=width, gap=gap)

    def footer(self, note_ja: str, note_en: str, issuer: str) -> None:
        """A rule and two small lines at the page bottom: a note, and the issuer on the right."""
        self.ensure_room(self.margin + self.footer_height)
        c = self.canvas
        top = self.margin + self.footer_height - 3 * mm
        c.setStrokeColor(INK)
        c.setLineWidth(0.8)
        c.line(self.left, top, self.right, top)
        c.setFont(GOTHIC, 7.5)
        c.setFillColor(INK)
        c.drawRightString(self.right, top - 4.5 * mm, issuer)
        # The note wraps in the space the issuer leaves, so the two never overlap.
        width = self.content_width - pdfmetrics.stringWidth(issuer, GOTHIC, 7.5) - 5 * mm
        self.y = top - 1.5 * mm
        self.place(para(note_ja, MINCHO, 7.5, leading=9), width=width)
        self.place(english(note_en, 6.5, leading=8), width=width)

    def ensure_room(self, bottom: float) -> None:
        """Refuse to print content that ran into the footer or off the page."""
        if self.y < bottom:
            raise DoesNotFit(
                "The document's content does not fit on its page.",
                "内容が用紙に収まりません。",
                field="document",
            )

    def finish(self) -> bytes:
        """Close the page and return the PDF bytes."""
        self.canvas.showPage()
        self.canvas.save()
        return self._buffer.getvalue()
