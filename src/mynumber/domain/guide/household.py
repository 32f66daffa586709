"""The family's part of the plan: each child's card (the legal representative acts for a
child under 15; an infant's card has no photo), and child benefit with its own 15-day
deadline. Children move in with the person answering and share their period of stay."""

from __future__ import annotations

import datetime as dt

from mynumber.domain import child_benefit
from mynumber.domain.guide import journey
from mynumber.domain.guide.later import validity_steps
from mynumber.domain.guide.model import GuideAnswers, GuideStep, Member, StepKind, StepState


def children(a: GuideAnswers) -> tuple[Member, ...]:
    """The children as members of the household (dependants share the parent's stay)."""
    return tuple(
        Member(born, a.status_of_residence, a.period_of_stay_ends, child=i)
        for i, born in enumerate(a.children_born, start=1)
    )


def child_steps(a: GuideAnswers, m: Member, d: journey.Dates, today: dt.date) -> list[GuideStep]:
    """A child's own card: applying, the notice, collecting, expiry."""
    return [
        *journey.apply(a, m, d, today),
        journey.notice(a, m, d, today),
        journey.collect(a, m, d),
        *validity_steps(a, m, d.card_issued_on, estimated=a.card_collected_on is None),
    ]


def benefit_step(a: GuideAnswers, you: Member, today: dt.date) -> GuideStep | None:
    """Child benefit (児童手当) for the children who count on the day they moved in."""
    counted = [c for c in a.children_born if child_benefit.counts_on(c, a.arrived_on)]
    if not counted:
        return None
    due = child_benefit.apply_by(a.arrived_on)
    return journey.step(
        you,
        "child_benefit",
        StepKind.DEADLINE,
        StepState.OVERDUE if today > due else StepState.NOW,
        ("Apply for child benefit (児童手当)", "児童手当を申請する"),
        (
            "At the ward office, within {days} days of moving in: by {due} (for a baby born in "
            "Japan later, within {days} days of the birth). In time, it is paid from the month "
            "after you moved in; later, only from the month after you apply, and the months "
            "between are lost. It is paid for each child until the first 31 March after they "
            "turn {age}.",
            "転入した日から{days}日以内（{due}まで）に窓口で申請してください（日本で生まれた"
            "お子さんは出生日から{days}日以内）。期限内なら転入した月の翌月分から支給され、"
            "遅れると申請した月の翌月分からとなり、その間の月の分は受け取れません。{age}歳到達後"
            "最初の3月31日まで支給されます。",
        ),
        {"days": child_benefit.APPLY_WITHIN_DAYS, "due": due, "age": child_benefit.CHILD_AGE_LIMIT},
        on=due,
        **journey.bring(journey.BANK_ACCOUNT, journey.INSURANCE_DETAILS),
    )
