"""The guide's vocabulary: the answers, the steps, the plan (see ``mynumber.domain.guide``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


@dataclass(frozen=True)
class GuideAnswers:
    """What the newcomer told us. Dates they do not know yet are ``None``."""

    arrived_on: dt.date
    municipality: str
    date_of_birth: dt.date
    status_of_residence: str = ""  # "" for a Japanese national (no period of stay)
    period_of_stay_ends: dt.date | None = None
    registered_on: dt.date | None = None
    letter_arrived: bool = False
    applied_on: dt.date | None = None
    notice_arrived: bool = False
    card_collected_on: dt.date | None = None
    employee: bool = False  # works where the employer's health insurance covers them
    moved_within_japan: bool = False  # came from another municipality, not from abroad
    leaving_on: dt.date | None = None  # the day they plan to leave Japan, if known
    children_born: tuple[dt.date, ...] = ()  # children moving in with them (dates of birth)


class StepKind(StrEnum):
    EVENT = "event"  # the move itself
    DEADLINE = "deadline"  # something the law requires by a date
    WAIT = "wait"  # something that comes by post
    ACTION = "action"  # something to do
    EXPIRY = "expiry"  # a card or certificate stops working
    TROUBLE = "trouble"  # what to do when something goes wrong


class StepState(StrEnum):
    DONE = "done"
    NOW = "now"  # due now, or expected now
    OVERDUE = "overdue"
    UPCOMING = "upcoming"
    IF_NEEDED = "if_needed"  # troubleshooting: only if it happens


@dataclass(frozen=True)
class GuideStep:
    """One step of the plan: dated (``on``, or a window ``on``–``until``) or undated.

    The titles and texts are messages (``mynumber.i18n``): literals with ``{name}``
    placeholders, filled from ``values`` in the reader's language (a date as a
    ``datetime.date``), so every language's catalogue can find them."""

    key: str
    kind: StepKind
    state: StepState
    title_en: str
    title_ja: str
    text_en: str
    text_ja: str
    on: dt.date | None = None
    until: dt.date | None = None
    estimated: bool = False
    bring_en: tuple[str, ...] = ()
    bring_ja: tuple[str, ...] = ()
    values: Mapping[str, object] = field(default_factory=dict)
    who_en: str = ""  # whose step: "" for the person answering, else "Child {child} (born …)"
    who_ja: str = ""
    notes: tuple[tuple[str, str], ...] = ()
    """Sentences that follow the text where they apply (a late registration, a family),
    each a message of its own, filled from the same ``values``."""

    @property
    def base_key(self) -> str:
        """The step's kind of key without the child suffix (``collect:child1`` → ``collect``)."""
        return self.key.split(":", 1)[0]

    def title(self, t: Say) -> str:
        """The title in the language of ``t`` (``i18n.translator``)."""
        return t(self.title_en, self.title_ja, **self.values)

    def text(self, t: Say) -> str:
        """The text and its notes in the language of ``t``, one paragraph."""
        parts = [t(en, ja, **self.values) for en, ja in ((self.text_en, self.text_ja), *self.notes)]
        return join_sentences(parts)

    def who(self, t: Say) -> str:
        """Whose step it is ("Child 1 (born …)"), or ``""`` for the person answering."""
        return t(self.who_en, self.who_ja, **self.values) if self.who_en else ""

    def bring(self, t: Say) -> list[str]:
        """What to bring, each item in the language of ``t``."""
        return [t(en, ja) for en, ja in zip(self.bring_en, self.bring_ja, strict=True)]


class Say(Protocol):
    """A translator: ``t(english, japanese, **values)`` → the message in one language."""

    def __call__(self, english: str, japanese: str = "", /, **values: Any) -> str: ...


def join_sentences(parts: list[str]) -> str:
    """Sentences as one paragraph: a space between them, none after a full-width stop
    (Japanese and Chinese write sentences together)."""
    text = ""
    for part in parts:
        if text and not text.endswith(("。", "！", "）", "」")):
            text += " "
        text += part
    return text


@dataclass(frozen=True)
class GuidePlan:
    answers: GuideAnswers
    today: dt.date
    steps: tuple[GuideStep, ...] = field(default_factory=tuple)

    @property
    def journey(self) -> tuple[GuideStep, ...]:
        """The dated steps of the journey, in date order (what the timeline draws)."""
        dated = [s for s in self.steps if s.kind is not StepKind.TROUBLE and s.on is not None]
        return tuple(sorted(dated, key=lambda s: s.on or self.today))

    @property
    def troubleshooting(self) -> tuple[GuideStep, ...]:
        return tuple(s for s in self.steps if s.kind is StepKind.TROUBLE)

    def step(self, key: str) -> GuideStep:
        return next(s for s in self.steps if s.key == key)

    def has(self, key: str) -> bool:
        return any(s.key == key for s in self.steps)

    @property
    def reminders(self) -> tuple[GuideStep, ...]:
        """The dated steps worth a calendar reminder: what the person must do or watch for
        (not the move itself, not what only happens if something goes wrong)."""
        return tuple(
            s
            for s in self.journey
            if s.kind is not StepKind.EVENT and s.state is not StepState.DONE
        )


@dataclass(frozen=True)
class Member:
    """One person of the household the plan is for: the person answering (``child == 0``)
    or their ``child``-th child, who moves in with them and shares their period of stay."""

    date_of_birth: dt.date
    status_of_residence: str
    period_of_stay_ends: dt.date | None
    child: int = 0

    @property
    def who_en(self) -> str:
        return "Child {child} (born {child_born})" if self.child else ""

    @property
    def who_ja(self) -> str:
        return "お子さん{child}（{child_born}生まれ）" if self.child else ""

    @property
    def values(self) -> dict[str, object]:
        """What ``who_en``/``who_ja`` are filled with."""
        return {"child": self.child, "child_born": self.date_of_birth} if self.child else {}

    def key(self, base: str) -> str:
        return f"{base}:child{self.child}" if self.child else base


MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def en(day: dt.date) -> str:
    """A date as English text shows it (13 Apr 2026: day first, month by name, so nobody
    reads 4/5 as 5 April or 4 May)."""
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def ja(day: dt.date) -> str:
    """A date as Japanese text shows it (2026年4月15日)."""
    return f"{day.year}年{day.month}月{day.day}日"
