"""`mynumber guide` — the newcomer's guide in the terminal: the same plan as ``/guide``
(``domain.guide.make_plan``), as Rich tables. Bad input prints one line and exits 1."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from mynumber import i18n
from mynumber.adapters.calendar import plan_calendar
from mynumber.adapters.documents import render_guide_plan
from mynumber.cli.support import console, one_line_errors
from mynumber.domain.clock import SystemClock
from mynumber.domain.errors import MyNumberError, invalid
from mynumber.domain.guide import GuideAnswers, GuidePlan, GuideStep, make_plan

STATE_TEXT = {
    "done": ("done", "済み"),
    "now": ("NOW", "今すぐ"),
    "overdue": ("OVERDUE", "期限超過"),
    "upcoming": ("coming", "予定"),
    "if_needed": ("if needed", "必要なとき"),
}
# The domain names a field as the web form does; the terminal user knows the option.
OPTION_OF_FIELD = {
    "arrived_on": "--arrived",
    "date_of_birth": "--born",
    "municipality": "--municipality",
    "status_of_residence": "--status",
    "period_of_stay_ends": "--stay-ends",
    "registered_on": "--registered",
    "applied_on": "--applied",
    "card_collected_on": "--collected",
    "leaving_on": "--leaving",
    "children_born": "--child",
}
STATE_STYLE = {
    "done": "green",
    "now": "bold blue",
    "overdue": "bold red",
    "upcoming": "",
    "if_needed": "magenta",
}


def _date(name: str, text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise invalid(
            name,
            "'{text}' is not a date (YYYY-MM-DD).",
            "「{text}」は日付ではありません（YYYY-MM-DD）。",
        ).with_values(text=text) from None


def _required(name: str, text: str) -> dt.date:
    day = _date(name, text)
    if day is None:
        raise invalid(name, "This date is required (YYYY-MM-DD).", "日付を入力してください。")
    return day


@one_line_errors
def guide(
    arrived: Annotated[
        str, typer.Option(help="Day you started living at your address, YYYY-MM-DD")
    ],
    municipality: Annotated[str, typer.Option(help="Your city, ward, town or village")],
    born: Annotated[str, typer.Option(help="Date of birth, YYYY-MM-DD")],
    status: Annotated[
        str, typer.Option(help="Status of residence (empty for a Japanese national)")
    ] = "",
    stay_ends: Annotated[str, typer.Option(help="End of the period of stay, YYYY-MM-DD")] = "",
    registered: Annotated[str, typer.Option(help="Registered (転入届) on, YYYY-MM-DD")] = "",
    letter: Annotated[
        bool, typer.Option("--letter", help="The notification letter has arrived")
    ] = False,
    applied: Annotated[str, typer.Option(help="Applied for the card on, YYYY-MM-DD")] = "",
    notice: Annotated[bool, typer.Option("--notice", help="The pickup notice has arrived")] = False,
    collected: Annotated[str, typer.Option(help="Collected the card on, YYYY-MM-DD")] = "",
    employee: Annotated[
        bool, typer.Option("--employee", help="Your employer's health insurance covers you")
    ] = False,
    within_japan: Annotated[
        bool, typer.Option("--within-japan", help="You moved from elsewhere in Japan, not abroad")
    ] = False,
    leaving: Annotated[str, typer.Option(help="The day you plan to leave Japan, YYYY-MM-DD")] = "",
    child: Annotated[
        list[str] | None,
        typer.Option(help="A child moving in with you: date of birth, YYYY-MM-DD (repeat)"),
    ] = None,
    lang: Annotated[
        str, typer.Option(help=f"Language: {', '.join(i18n.ALL)} (ja-easy: やさしい日本語)")
    ] = "en",
    today: Annotated[str, typer.Option(help="Plan as of this day (default: today)")] = "",
    ics: Annotated[
        Path | None, typer.Option(help="Also write the plan as a calendar (.ics) to this file")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option(help="Also write the plan as a printable PDF to this file")
    ] = None,
) -> None:
    """Your personal My Number plan: deadlines, what comes when, what to bring, and what to do
    if something goes wrong."""
    try:
        if lang not in i18n.ALL:
            raise invalid(
                "--lang",
                "Choose one of: {codes}.",
                "次のいずれかを指定してください：{codes}",
            ).with_values(codes=", ".join(i18n.ALL))
        answers = GuideAnswers(
            arrived_on=_required("--arrived", arrived),
            municipality=municipality,
            date_of_birth=_required("--born", born),
            status_of_residence=status,
            period_of_stay_ends=_date("--stay-ends", stay_ends),
            registered_on=_date("--registered", registered),
            letter_arrived=letter,
            applied_on=_date("--applied", applied),
            notice_arrived=notice,
            card_collected_on=_date("--collected", collected),
            employee=employee,
            moved_within_japan=within_japan,
            leaving_on=_date("--leaving", leaving),
            children_born=tuple(_required("--child", born) for born in child or ()),
        )
        plan = make_plan(answers, today=_date("--today", today) or SystemClock().today())
    except MyNumberError as exc:
        field = exc.details.get("field")
        if isinstance(field, str):
            exc.details["field"] = OPTION_OF_FIELD.get(field, field)
        _say_in(lang, exc)
        raise
    show(plan, lang)
    if ics is not None:
        _write(ics, plan_calendar(plan, i18n.translator(lang), lang), "--ics")
    if pdf is not None:
        _write(pdf, render_guide_plan(plan, i18n.translator(lang), lang), "--pdf")


def _write(path: Path, content: bytes, option: str) -> None:
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise invalid(
            option,
            f"Cannot write {path}: {exc.strerror}.",
            f"{path} に書き込めません（{exc.strerror}）。",
        ) from None
    console.print(f"{option[2:].upper()}: {path}")


def _say_in(lang: str, exc: MyNumberError) -> None:
    """The error in the reader's language (the one line then shows it beside the Japanese,
    which a counter can read)."""
    if lang in i18n.ALL and lang not in ("en", "ja"):
        exc.message_en = i18n.translate(lang, exc.message_en, exc.message_ja)


def _when(step: GuideStep, lang: str) -> str:
    if step.on is None:
        return ""
    text = i18n.day_in_text(step.on, lang)
    if step.until:
        text += " – " + i18n.day_in_text(step.until, lang)
    return ("≈ " if step.estimated else "") + text


def show(plan: GuidePlan, lang: str) -> None:
    """Print the plan in ``lang``: the journey, then the troubleshooting."""
    pick = i18n.translator(lang)
    console.print(
        pick(
            "Your My Number plan (as of {today}; ≈ = estimate)",
            "マイナンバー手続きガイド（{today}時点、≈ は目安）",
            today=plan.today,
        ),
        style="bold",
    )
    journey = Table(show_lines=True, expand=True)
    journey.add_column(pick("State", "状態"), no_wrap=True)
    journey.add_column(pick("Date", "日付"), ratio=1, overflow="fold")
    journey.add_column(pick("Step", "手続き"), ratio=2, overflow="fold")
    journey.add_column(pick("What to do", "すること"), ratio=4, overflow="fold")
    undated = [s for s in plan.steps if s.on is None and s.kind != "trouble"]
    for step in (*plan.journey, *undated):
        bring = step.bring(pick)
        text = step.text(pick)
        if bring:
            text += "\n" + pick("Bring:", "持ち物：") + " " + ", ".join(bring)
        who = step.who(pick)
        journey.add_row(
            pick(*STATE_TEXT[step.state]),
            _when(step, lang),
            (f"{who}\n" if who else "") + step.title(pick),
            text,
            style=STATE_STYLE[step.state],
        )
    console.print(journey)
    trouble = Table(
        title=pick("If something goes wrong", "困ったときは"), show_lines=True, expand=True
    )
    trouble.add_column(pick("Situation", "状況"), ratio=2, overflow="fold")
    trouble.add_column(pick("From", "目安"), ratio=1, overflow="fold")
    trouble.add_column(pick("What to do", "すること"), ratio=5, overflow="fold")
    for step in plan.troubleshooting:
        trouble.add_row(
            step.title(pick),
            _when(step, lang),
            step.text(pick),
            style=STATE_STYLE[step.state],
        )
    console.print(trouble)
