"""The newcomer's plan on paper — the guide's steps as a printable A4 PDF in the reader's
language, to stick on the fridge or take to the ward office.

The same ``GuidePlan`` the page and the terminal show: a table of the dated steps (date,
step, what to do, what to bring), the undated ones, then what to do if something goes wrong.
Japanese and the Japanese terms inside English text are set in the gothic CID font, which
also carries Latin letters, so one font serves both languages (``_layout.register_fonts``).
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mynumber.adapters.documents import _layout as L
from mynumber.domain.guide import GuidePlan, GuideStep, StepKind, en, ja

STATE = {
    "done": ("Done", "済み"),
    "now": ("Now", "今すぐ"),
    "overdue": ("Overdue", "期限超過"),
    "upcoming": ("Coming", "予定"),
    "if_needed": ("If needed", "必要なとき"),
}
STATE_COLOUR = {"now": "#1F5FA8", "overdue": "#B00020", "done": "#2E7D32"}


def render_guide_plan(plan: GuidePlan, lang: str) -> bytes:
    """The plan as PDF bytes, in ``lang`` (``en`` or ``ja``)."""
    L.register_fonts()
    pick = (lambda e, j: j) if lang == "ja" else (lambda e, j: e)
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=pick("My Number plan", "マイナンバー手続きガイド"),
        author="mynumber",
        lang=lang,
    )
    day = ja(plan.today) if lang == "ja" else en(plan.today)
    story = [
        L.para(pick("Your My Number plan", "マイナンバー手続きガイド"), L.GOTHIC, 16, color=L.INK),
        Spacer(1, 2 * mm),
        L.para(
            pick(
                f"{plan.answers.municipality} · as of {day} · “about” marks an estimate",
                f"{plan.answers.municipality}・{day}時点・「約」は目安",
            ),
            L.GOTHIC,
            9,
            color=L.GREY,
        ),
        Spacer(1, 4 * mm),
        _table(plan, lang),
    ]
    undated = [s for s in plan.steps if s.on is None and s.kind is not StepKind.TROUBLE]
    if undated:
        story += [Spacer(1, 5 * mm), _heading(pick("Also", "その他"))]
        story += [_block(s, lang) for s in undated]
    story += [Spacer(1, 5 * mm), _heading(pick("If something goes wrong", "困ったときは"))]
    story += [_block(s, lang) for s in plan.troubleshooting]
    doc.build(story, onFirstPage=_footer(lang), onLaterPages=_footer(lang))
    return out.getvalue()


def _text(step: GuideStep, lang: str, attr: str) -> str:
    return str(getattr(step, f"{attr}_{'ja' if lang == 'ja' else 'en'}"))


def _when(step: GuideStep, lang: str) -> str:
    if step.on is None:
        return ""
    fmt = ja if lang == "ja" else en
    text = fmt(step.on) + (f" – {fmt(step.until)}" if step.until else "")
    # The CID fonts have no "≈": an estimate is marked in words.
    mark = ("約 " if lang == "ja" else "about ") if step.estimated else ""
    return mark + text


def _cell(markup: str, size: float = 8.5, colour: str = "#000000") -> Paragraph:
    return Paragraph(markup, L.style(L.GOTHIC, size, color=colors.HexColor(colour)))


def _step_cell(step: GuideStep, lang: str) -> Paragraph:
    who = _text(step, lang, "who")
    title = _text(step, lang, "title")
    head = f"<b>{escape(who)}</b><br/>" if who else ""
    bring = step.bring_ja if lang == "ja" else step.bring_en
    body = escape(_text(step, lang, "text"))
    if bring:
        label = "持ち物：" if lang == "ja" else "Bring: "
        body += f"<br/><i>{label}{escape(', '.join(bring))}</i>"
    return _cell(f"{head}<b>{escape(title)}</b><br/>{body}")


def _table(plan: GuidePlan, lang: str) -> Table:
    ja_ = lang == "ja"
    header = [
        _cell("<b>" + ("状態" if ja_ else "State") + "</b>"),
        _cell("<b>" + ("日付" if ja_ else "Date") + "</b>"),
        _cell("<b>" + ("手続き" if ja_ else "Step") + "</b>"),
    ]
    rows = [header]
    for step in plan.journey:
        state = STATE[step.state.value][1 if ja_ else 0]
        rows.append(
            [
                _cell(escape(state), 8, STATE_COLOUR.get(step.state.value, "#333333")),
                _cell(escape(_when(step, lang)), 8),
                _step_cell(step, lang),
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


def _block(step: GuideStep, lang: str) -> KeepTogether:
    return KeepTogether([Spacer(1, 2 * mm), _step_cell(step, lang)])


def _footer(lang: str):  # type: ignore[no-untyped-def]
    text = (
        "このガイドは目安です。期限と手続きは市区町村の窓口で確認してください。"
        if lang == "ja"
        else "This plan is a guide: your ward office confirms every deadline and step."
    )

    def draw(canvas, doc):  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(L.GOTHIC, 7.5)
        canvas.setFillColor(L.GREY)
        canvas.drawString(14 * mm, 8 * mm, text)
        canvas.drawRightString(A4[0] - 14 * mm, 8 * mm, str(doc.page))
        canvas.restoreState()

    return draw
