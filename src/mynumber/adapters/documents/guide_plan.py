"""The newcomer's plan on paper — the guide's steps as a printable A4 PDF in the reader's
language, to stick on the fridge or take to the ward office.

The same ``GuidePlan`` the page and the terminal show: a table of the dated steps (date,
step, what to do, what to bring), the undated ones, then what to do if something goes wrong.
Japanese and the Japanese terms inside English text are set in the gothic CID font, which
also carries Latin letters, so one font serves both languages (``_layout.register_fonts``).
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mynumber import i18n
from mynumber.adapters.documents import _layout as L
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
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=t("Your My Number plan", "マイナンバー手続きガイド"),
        author="mynumber",
        lang=i18n.language(lang).tag,
    )
    story = [
        L.para(t("Your My Number plan", "マイナンバー手続きガイド"), L.GOTHIC, 16, color=L.INK),
        Spacer(1, 2 * mm),
        L.para(
            t(
                "{municipality} · as of {today} · “about” marks an estimate",
                "{municipality}・{today}時点・「約」は目安",
                municipality=plan.answers.municipality,
                today=plan.today,
            ),
            L.GOTHIC,
            9,
            color=L.GREY,
        ),
        Spacer(1, 4 * mm),
        _table(plan, t, lang),
    ]
    undated = [s for s in plan.steps if s.on is None and s.kind is not StepKind.TROUBLE]
    if undated:
        story += [Spacer(1, 5 * mm), _heading(t("Also", "その他"))]
        story += [_block(s, t) for s in undated]
    story += [Spacer(1, 5 * mm), _heading(t("If something goes wrong", "困ったときは"))]
    story += [_block(s, t) for s in plan.troubleshooting]
    footer = _footer(
        t(
            "This plan is a guide: your ward office confirms every deadline and step.",
            "このガイドは目安です。期限と手続きは市区町村の窓口で確認してください。",
        )
    )
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _when(step: GuideStep, t: Say, lang: str) -> str:
    if step.on is None:
        return ""
    text = i18n.day_in_text(step.on, lang)
    if step.until:
        text += " – " + i18n.day_in_text(step.until, lang)
    # The CID fonts have no "≈": an estimate is marked in words.
    return t("about {day}", "約 {day}", day=text) if step.estimated else text


def _cell(markup: str, size: float = 8.5, colour: str = "#000000") -> Paragraph:
    return Paragraph(markup, L.style(L.GOTHIC, size, color=colors.HexColor(colour)))


def _step_cell(step: GuideStep, t: Say) -> Paragraph:
    who = step.who(t)
    head = f"<b>{escape(who)}</b><br/>" if who else ""
    body = escape(step.text(t))
    bring = step.bring(t)
    if bring:
        body += f"<br/><i>{escape(t('Bring:', '持ち物：'))} {escape(', '.join(bring))}</i>"
    return _cell(f"{head}<b>{escape(step.title(t))}</b><br/>{body}")


def _table(plan: GuidePlan, t: Say, lang: str) -> Table:
    header = [
        _cell("<b>" + escape(t("State", "状態")) + "</b>"),
        _cell("<b>" + escape(t("Date", "日付")) + "</b>"),
        _cell("<b>" + escape(t("Step", "手続き")) + "</b>"),
    ]
    rows = [header]
    for step in plan.journey:
        state = t(*STATE[step.state.value])
        rows.append(
            [
                _cell(escape(state), 8, STATE_COLOUR.get(step.state.value, "#333333")),
                _cell(escape(_when(step, t, lang)), 8),
                _step_cell(step, t),
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


def _heading(text: str) -> Paragraph:
    return L.para(text, L.GOTHIC, 12, color=L.INK)


def _block(step: GuideStep, t: Say) -> KeepTogether:
    return KeepTogether([Spacer(1, 2 * mm), _step_cell(step, t)])


def _footer(text: str) -> Callable[[Canvas, Any], None]:
    def draw(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(L.GOTHIC, 7.5)
        canvas.setFillColor(L.GREY)
        canvas.drawString(14 * mm, 8 * mm, text)
        canvas.drawRightString(A4[0] - 14 * mm, 8 * mm, str(doc.page))
        canvas.restoreState()

    return draw
