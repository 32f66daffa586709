"""転入者向けガイド — the newcomer's guide: a personal plan from arrival to leaving Japan.

A newly arrived resident answers a few questions (arrival, municipality, status of residence
and its end, date of birth, what has happened so far) and gets a list of dated steps in
English and Japanese. Every date comes from the rules the system itself enforces — nothing
here restates a rule:

- the 14-day registration deadline: ``deadlines.moving_in_deadline`` (住民基本台帳法 第22条);
- the letter's 2–4 weeks and the card's 1–2 months: ``timelines`` (the guide; J-LIS);
- express issuance within 30 days of arrival: ``deadlines.express_request_deadline``;
- the card's and certificates' expiry and renewal: ``validity`` (番号法施行規則 第26条);
- PIN lockout and unlocking: ``pins``; collection period: ``cards.collect_by``;
- moving and leaving: ``deadlines`` (第23条, 第24条, 番号法施行令).

*Policy:* where the resident has not done a step yet, the plan assumes they do it today
(register today, apply the day the letter comes) and marks the dates that follow as
estimates. The web page (``/guide``) and ``mynumber guide`` both render ``make_plan``.
"""

from mynumber.domain.guide.model import (
    GuideAnswers,
    GuidePlan,
    GuideStep,
    StepKind,
    StepState,
    en,
    ja,
)
from mynumber.domain.guide.plan import check_answers, make_plan

__all__ = [
    "GuideAnswers",
    "GuidePlan",
    "GuideStep",
    "StepKind",
    "StepState",
    "check_answers",
    "en",
    "ja",
    "make_plan",
]
