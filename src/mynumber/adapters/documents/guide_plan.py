"""The newcomer's plan on paper — the guide's steps as a printable A4 PDF in the reader's
language, to stick on the fridge or take to the ward office.

The same ``GuidePlan`` the page and the terminal show: a table of the dated steps (date,
step, what to do, what to bring), the undated ones, then what to do if something goes wrong.
Each text is set script by script in a font that has its glyphs (``_scripts``): the gothic
CID font for Japanese (and the Japanese terms kept beside every translation), Noto for other
scripts, Burmese and Nepali shaped with HarfBuzz.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mynumber import i18n
from mynumber.adapters.documents import _layout as L
from mynumber.adapters.documents import _scripts as S
from mynumber.domain.guide import GuidePlan, GuideStep, StepKind
from mynumber.domain.guide.model import Say

STATE = {
    "done": ("Done", "済み"),
    "now": ("Now", "今すぐ"),
    "overdue": ("Overdue", "期限超過"),
    "upcoming": ("Coming", "予定"),
    "if_needed": ("If needed", "必要なとき"),
}
STATE_COLOUR = {"now": "#1F5FA8", "overdue": "#B00020", "done": "#2E7D32"}


def render_guide_plan(plan: GuidePlan, t: Say, lang: str) -> bytes:
    """The plan as PDF bytes, said by ``t`` (``i18n.translator``) in ``lang``."""
    L.register_fonts()
    pdf = _Pdf(t, lang)
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=t("Your My Number plan", "マイナンバー手続きガイド"),
        author="mynumber",
        lang=i18n.language(lang).tag,
    )
    story = [
        pdf.para(t("Your My Number plan", "マイナンバー手続きガイド"), 16, L.INK),
        Spacer(1, 2 * mm),
        pdf.para(
            t(
                "{municipality} · as of {today} · “about” marks an estimate",
                "{municipality}・{today}時点・「約」は目安",
                municipality=plan.answers.municipality,
                today=plan.today,
            ),
            9,
            L.GREY,
        ),
        Spacer(1, 4 * mm),
        pdf.table(plan),
    ]
    undated = [s for s in plan.steps if s.on is None and s.kind is not StepKind.TROUBLE]
    if undated:
        story += [Spacer(1, 5 * mm), pdf.para(t("Also", "その他"), 12, L.INK)]
        story += [pdf.block(s) for s in undated]
    story += [Spacer(1, 5 * mm), pdf.para(t("If something goes wrong", "困ったときは"), 12, L.INK)]
    story += [pdf.block(s) for s in plan.troubleshooting]
    footer = pdf.footer(
        t(
            "This plan is a guide: your ward office confirms every deadline and step.",
            "このガイドは目安です。期限と手続きは市区町村の窓口で確認してください。",
        )
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


class _Pdf:
    """The plan's pieces in one language: each text's scripts in fonts that have them."""

    def __init__(self, t: Say, lang: str) -> None:
        self.t, self.lang = t, lang

    def _style(self, size: float, colour: object = colors.black) -> ParagraphStyle:
        style = L.style(S.base_font(self.lang), size, color=colour)  # type: ignore[arg-type]
        style.shaping = 1 if S.needs_shaping(self.lang) else 0
        return style

    def text(self, text: str) -> str:
        return S.markup(text, self.lang)

    def para(self, text: str, size: float = 8.5, colour: object = colors.black) -> Paragraph:
        return Paragraph(self.text(text), self._style(size, colour))

    def when(self, step: GuideStep) -> str:
        if step.on is None:
            return ""
        text = i18n.day_in_text(step.on, self.lang)
        if step.until:
            text += " – " + i18n.day_in_text(step.until, self.lang)
        # The CID fonts have no "≈": an estimate is marked in words.
        return self.t("about {day}", "約 {day}", day=text) if step.estimated else text

    def step(self, step: GuideStep) -> Paragraph:
        t = self.t
        who = step.who(t)
        head = f"<b>{self.text(who)}</b><br/>" if who else ""
        body = self.text(step.text(t))
        bring = step.bring(t)
        if bring:
            body += f"<br/><i>{self.text(t('Bring:', '持ち物：') + ' ' + ', '.join(bring))}</i>"
        markup = f"{head}<b>{self.text(step.title(t))}</b><br/>{body}"
        return Paragraph(markup, self._style(8.5))

    def table(self, plan: GuidePlan) -> Table:
        t = self.t
        rows: list[list[Paragraph]] = [
            [
                self.para(t("State", "状態")),
                self.para(t("Date", "日付")),
                self.para(t("Step", "手続き")),
            ]
        ]
        for step in plan.journey:
            colour = colors.HexColor(STATE_COLOUR.get(step.state.value, "#333333"))
            rows.append(
                [
                    self.para(t(*STATE[step.state.value]), 8, colour),
                    self.para(self.when(step), 8),
                    self.step(step),
                ]
            )
        table = Table(rows, colWidths=(18 * mm, 30 * mm, 134 * mm), repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, L.RULE),
                    ("BACKGROUND", (0, 0), (-1, 0), L.SHADE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return table

    def block(self, step: GuideStep) -> KeepTogether:
        return KeepTogether([Spacer(1, 2 * mm), self.step(step)])

    def footer(self, text: str) -> Callable[[Canvas, Any], None]:
        note = self.para(text, 7.5, L.GREY)

        def draw(canvas: Canvas, doc: Any) -> None:
            canvas.saveState()
            _, height = note.wrapOn(canvas, A4[0] - 40 * mm, 12 * mm)
            note.drawOn(canvas, 14 * mm, 12 * mm - height)
            canvas.setFont(L.GOTHIC, 7.5)
            canvas.setFillColor(L.GREY)
            canvas.drawRightString(A4[0] - 14 * mm, 8 * mm, str(doc.page))
            canvas.restoreState()

        return draw
