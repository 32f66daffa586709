"""The guide's timeline, laid out for an inline SVG (drawn by ``guide_timeline.svg``).

One row per dated step: a dot on its day, or a bar over a window (the letter's 2–4 weeks).
The axis has two scales so that both the first weeks and the years until expiry fit: the
first ``NEAR_SHARE`` of the width runs from arrival to a month after the card is collected,
the rest runs on to the last expiry, with a break mark between them.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, replace

from mynumber import i18n
from mynumber.domain.guide import GuidePlan, GuideStep
from mynumber.domain.timelines import add_months

WIDTH = 960
LABEL_W = 300
PLOT_X0 = LABEL_W + 20
PLOT_X1 = WIDTH - 30
NEAR_SHARE = 0.68
ROW_H = 36
TOP = 46

SHORT: dict[str, tuple[str, str]] = {
    "arrived": ("You moved in", "転入した日"),
    "register": ("Register your address", "転入届の期限"),
    "letter": ("Notification letter arrives", "個人番号通知書が届く"),
    "apply": ("Apply for the card", "カードを申請"),
    "express": ("Express issuance: ask by", "特急発行の申込期限"),
    "notice": ("Pickup notice arrives", "交付通知書が届く"),
    "collect": ("Collect the card", "カードを受け取る"),
    "card_expiry": ("Card expires", "カードの有効期限"),
    "renewal": ("Card renewal open", "カードの更新期間"),
    "certificates_expiry": ("Certificates expire", "電子証明書の有効期限"),
    "validity_change": ("Period of stay ends", "在留期間の満了日"),
    "stay_ends_first": ("Period of stay ends", "在留期間の満了日"),
    "insurance": ("Join health insurance", "医療保険に加入"),
    "clinic_before_card": ("Clinics: show the 資格確認書", "受診は資格確認書で"),
    "insurance_use": ("Register as insurance card", "保険証の利用登録"),
    "child_benefit": ("Child benefit: apply by", "児童手当の申請期限"),
    "leave_japan": ("Leaving: 転出届 by", "出国：転出届の期限"),
}


@dataclass(frozen=True)
class Row:
    y: int
    label: str
    date_text: str
    x: float
    x2: float | None
    state: str
    estimated: bool


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    today_x: float
    break_x: float | None
    plot_x0: int = PLOT_X0
    plot_x1: int = PLOT_X1
    top: int = TOP


class _Scale:
    """Dates → x, on a near scale and (when needed) a far one after a break."""

    def __init__(self, start: dt.date, near_end: dt.date, far_end: dt.date) -> None:
        self.start, self.near_end, self.far_end = start, near_end, max(far_end, near_end)
        self.split = far_end > near_end
        self.mid = PLOT_X0 + (PLOT_X1 - PLOT_X0) * (NEAR_SHARE if self.split else 1.0)

    def x(self, day: dt.date) -> float:
        day = min(max(day, self.start), self.far_end)
        if day <= self.near_end or not self.split:
            span = max((self.near_end - self.start).days, 1)
            return PLOT_X0 + (self.mid - PLOT_X0) * (day - self.start).days / span
        span = max((self.far_end - self.near_end).days, 1)
        return self.mid + 12 + (PLOT_X1 - self.mid - 12) * (day - self.near_end).days / span


def layout(plan: GuidePlan, lang: str) -> Timeline:
    """The timeline of ``plan`` in ``lang`` (dates as short text)."""
    steps = plan.journey
    start = min([plan.answers.arrived_on, plan.today, *(s.on for s in steps if s.on)])
    collect = plan.step("collect").on or plan.today
    near_end = add_months(max(collect, plan.today), 1)
    far_end = max([near_end, *(s.until or s.on for s in steps if s.on)])  # type: ignore[type-var]
    scale = _Scale(start, near_end, far_end)
    rows = tuple(_row(i, s, scale, lang) for i, s in enumerate(steps))
    today_x = scale.x(plan.today)
    # A month label under the "today" line would be crossed out by it: leave it off.
    ticks = tuple(t for t in _ticks(scale, lang) if abs(t.x - today_x) > 18)
    return _room_for_labels(
        Timeline(
            width=WIDTH,
            height=TOP + ROW_H * len(rows) + 20,
            rows=rows,
            ticks=ticks,
            today_x=today_x,
            break_x=scale.mid + 6 if scale.split else None,
        )
    )


def label_width(label: str) -> float:
    """About how wide a label is drawn (14 px bold): a wide East Asian character a full em,
    a Burmese letter or sign most of one, a mark that combines with the letter before it
    nothing, any other character 0.6 em."""
    width = 0.0
    for char in label:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        if unicodedata.east_asian_width(char) in ("W", "F"):
            width += 14.0
        elif "\u1000" <= char <= "\u109f":  # Myanmar: wide letters, spacing vowel signs
            width += 11.5
        else:
            width += 8.4
    return width


def _room_for_labels(timeline: Timeline) -> Timeline:
    """The timeline widened on the left when a label is longer than the label column (a
    translation often is: "Prazo da notificação de mudança para o município"), so that no
    label runs into the dots; the picture then scales down a little to fit the page."""
    widest = max((label_width(r.label) for r in timeline.rows), default=0.0)
    extra = max(0, int(widest) + 16 - LABEL_W)
    if not extra:
        return timeline
    return replace(
        timeline,
        width=timeline.width + extra,
        rows=tuple(
            replace(r, x=r.x + extra, x2=None if r.x2 is None else r.x2 + extra)
            for r in timeline.rows
        ),
        ticks=tuple(replace(t, x=t.x + extra) for t in timeline.ticks),
        today_x=timeline.today_x + extra,
        break_x=None if timeline.break_x is None else timeline.break_x + extra,
        plot_x0=timeline.plot_x0 + extra,
        plot_x1=timeline.plot_x1 + extra,
    )


def _row(i: int, step: GuideStep, scale: _Scale, lang: str) -> Row:
    en, ja = SHORT.get(step.base_key, (step.title_en, step.title_ja))
    values = {} if step.base_key in SHORT else step.values
    label = i18n.translate(lang, en, ja, **values)
    if step.who_en:  # a child's step, shortly: "Child 1: Collect the card"
        label = i18n.translate(
            lang,
            "Child {child}: {step}",
            "子{child}：{step}",
            child=step.values["child"],
            step=label,
        )
    assert step.on is not None
    date_text = _short(step.on, lang) + (f"–{_short(step.until, lang)}" if step.until else "")
    return Row(
        y=TOP + ROW_H * i + ROW_H // 2,
        label=label,
        date_text=date_text,
        x=scale.x(step.on),
        x2=scale.x(step.until) if step.until else None,
        state=step.state.value,
        estimated=step.estimated,
    )


def _short(day: dt.date, lang: str) -> str:
    return i18n.short_day(day, lang)


def _ticks(scale: _Scale, lang: str) -> tuple[Tick, ...]:
    ticks = []
    day = scale.start.replace(day=1)
    while day <= scale.near_end:
        if day >= scale.start:
            ticks.append(Tick(scale.x(day), i18n.month_name(day, lang)))
        day = add_months(day, 1)
    if scale.split:
        year = scale.near_end.year + 1
        step = max(1, (scale.far_end.year - year) // 4 or 1)
        while year <= scale.far_end.year:  # not dt.date(year, …): a step can pass 9999
            ticks.append(Tick(scale.x(dt.date(year, 1, 1)), str(year)))
            year += step
    return tuple(ticks)
