"""Checking the answers, and the plan: the journey of each member of the household, the
family's steps, the later years, and the troubleshooting."""

from __future__ import annotations

import datetime as dt

from mynumber.domain import registration, timelines, validity
from mynumber.domain.errors import invalid
from mynumber.domain.guide import health, household, journey
from mynumber.domain.guide.later import leave_japan, leaving_on, validity_steps
from mynumber.domain.guide.model import (
    GuideAnswers,
    GuidePlan,
    GuideStep,
    Member,
    StepKind,
    StepState,
)
from mynumber.domain.guide.trouble import trouble_steps

MAX_CHILDREN = 10

# --- Checking the answers ------------------------------------------------------------------


def check_answers(a: GuideAnswers, *, today: dt.date) -> GuideAnswers:
    """The answers if they make sense together, else ``InvalidInput`` naming the field."""
    if a.date_of_birth > today:
        raise invalid(
            "date_of_birth", "The date of birth is in the future.", "生年月日が未来の日付です。"
        )
    if a.arrived_on < a.date_of_birth:
        raise invalid(
            "arrived_on",
            "The arrival date is before the date of birth.",
            "転入日が生年月日より前です。",
        )
    if not a.municipality.strip() or len(a.municipality) > 100:
        raise invalid(
            "municipality",
            "Give the city, ward, town or village you live in.",
            "お住まいの市区町村を入力してください。",
        )
    _check_stay(a, today)
    _check_progress(a, today)
    _check_family(a, today)
    return a


def _check_family(a: GuideAnswers, today: dt.date) -> None:
    if len(a.children_born) > MAX_CHILDREN:
        raise invalid(
            "children_born",
            f"Give at most {MAX_CHILDREN} children.",
            f"お子さんは{MAX_CHILDREN}人まで入力できます。",
        )
    for born in a.children_born:
        if born > min(today, a.arrived_on) or born <= a.date_of_birth:
            raise invalid(
                "children_born",
                "A child's date of birth is after yours and on or before the day you moved in "
                "(make a separate plan for a baby born later).",
                "お子さんの生年月日は、あなたの生年月日より後で、転入した日以前の日付です。",
            )
    if a.leaving_on is not None and a.leaving_on < max(today, a.arrived_on):
        raise invalid(
            "leaving_on",
            "The day you leave Japan is after today and after you moved in.",
            "出国予定日は今日以降かつ転入した日以降の日付です。",
        )


def _check_stay(a: GuideAnswers, today: dt.date) -> None:
    if a.status_of_residence.strip():
        registration.check_registrable_status(a.status_of_residence)
        registration.check_stay_length(a.period_of_stay_ends, arrived_on=a.arrived_on)
    limited = validity.period_of_stay_end_required(a.status_of_residence)
    if limited and a.period_of_stay_ends is None:
        raise invalid(
            "period_of_stay_ends",
            "Give the end of your period of stay (on the residence card).",
            "在留期間の満了日（在留カードに記載）を入力してください。",
        )
    if limited and a.period_of_stay_ends is not None and a.period_of_stay_ends < today:
        raise invalid(
            "period_of_stay_ends",
            "Your period of stay has already ended.",
            "在留期間が既に満了しています。",
        )


def _check_progress(a: GuideAnswers, today: dt.date) -> None:
    _not_after_today(a.registered_on, today, "registered_on")
    _not_after_today(a.applied_on, today, "applied_on")
    _not_after_today(a.card_collected_on, today, "card_collected_on")
    if a.registered_on is not None and a.registered_on < a.arrived_on:
        raise invalid(
            "registered_on",
            "You register on or after the day you moved in.",
            "転入届は転入した日以後に行います。",
        )
    if (a.letter_arrived or a.applied_on) and a.registered_on is None:
        raise invalid(
            "registered_on",
            "Give the date you registered at the ward office.",
            "転入届を提出した日を入力してください。",
        )
    if (a.notice_arrived or a.card_collected_on) and a.applied_on is None:
        raise invalid(
            "applied_on",
            "Give the date you applied for the card.",
            "カードを申請した日を入力してください。",
        )
    if a.applied_on and a.registered_on and a.applied_on < a.registered_on:
        raise invalid(
            "applied_on",
            "The card application comes after the registration.",
            "カードの申請は転入届の後です。",
        )
    if a.card_collected_on and a.applied_on and a.card_collected_on < a.applied_on:
        raise invalid(
            "card_collected_on",
            "The card is collected after applying for it.",
            "カードの受け取りは申請の後です。",
        )


def _not_after_today(day: dt.date | None, today: dt.date, name: str) -> None:
    if day is not None and day > today:
        raise invalid(
            name,
            "This date is in the future: give it once it has happened.",
            "未来の日付です。済んだ日付を入力してください。",
        )


# --- The plan ------------------------------------------------------------------------------


def make_plan(answers: GuideAnswers, *, today: dt.date) -> GuidePlan:
    """The personal plan for ``answers`` on ``today`` (answers are checked first): the
    person's own journey, each child's card and child benefit, then what can go wrong."""
    a = check_answers(answers, today=today)
    d = journey.dates(a, today)
    you = Member(a.date_of_birth, a.status_of_residence, a.period_of_stay_ends)
    leave = leave_japan(a, you, today)
    steps = [
        _arrived(a, today),
        journey.register(a, you, today),
        *health.health_insurance(a, you, d, today),
        journey.letter(a, you, d, today),
        *journey.apply(a, you, d, today),
        journey.notice(a, you, d, today),
        journey.collect(a, you, d),
        health.insurance_use(a, you, d),
        *validity_steps(a, you, d.card_issued_on, estimated=a.card_collected_on is None),
    ]
    benefit = household.benefit_step(a, you, today)
    for child in household.children(a):
        steps += household.child_steps(a, child, d, today)
    steps += [s for s in (benefit, leave) if s is not None]
    steps = _until_leaving(a, steps)
    steps += _trouble(a, d, today, dated_leaving=leave is not None)
    return GuidePlan(answers=a, today=today, steps=tuple(steps))


def _until_leaving(a: GuideAnswers, steps: list[GuideStep]) -> list[GuideStep]:
    """A foreign resident who leaves returns the card: nothing of it after that day."""
    leave = leaving_on(a)
    if leave is None or not a.status_of_residence.strip():
        return steps
    staying_possible = a.leaving_on is None  # the stay ends: extending it is the other way
    return [
        s
        for s in steps
        if s.on is None or s.on <= leave or (staying_possible and s.key == "validity_change")
    ]


def _arrived(a: GuideAnswers, today: dt.date) -> GuideStep:
    return GuideStep(
        "arrived",
        StepKind.EVENT,
        StepState.DONE if a.arrived_on <= today else StepState.UPCOMING,
        "You start living in {municipality}",
        "{municipality}に住み始める",
        "The day you start living at your address starts the count for registering it.",
        "住み始めた日から転入届の期限を数えます。",
        on=a.arrived_on,
        values={"municipality": a.municipality},
    )


def _trouble(
    a: GuideAnswers, d: journey.Dates, today: dt.date, *, dated_leaving: bool
) -> list[GuideStep]:
    letter_overdue = (
        a.registered_on is not None
        and not a.letter_arrived
        and timelines.letter_is_overdue(a.registered_on, today)
    )
    notice_overdue = (
        a.applied_on is not None
        and not a.notice_arrived
        and a.card_collected_on is None
        and timelines.pickup_notice_is_overdue(a.applied_on, today)
    )
    return trouble_steps(
        a,
        registered_on=d.registered_on,
        applied_on=d.applied_on,
        letter_overdue=letter_overdue,
        notice_overdue=notice_overdue,
        dated_leaving=dated_leaving,
    )
