"""The guide's plan as an iCalendar file (RFC 5545), built with the ``icalendar`` package.

Each dated step still to come (``GuidePlan.reminders``) becomes an all-day event — a window
(the letter's 2–4 weeks) spans its days — with a display alarm (VALARM): a week before a
legal deadline, so there is time to go to the ward office, and the day before anything
else. UIDs are derived from the plan's answers and the step, so importing an updated plan
replaces its events instead of doubling them. Nothing personal beyond the plan itself (no
name, no number) goes into the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from icalendar import Alarm, Calendar, Event

from mynumber.domain.guide import GuidePlan, GuideStep, StepKind
from mynumber.domain.guide.model import Say

PRODID = "-//mynumber//newcomer's guide//EN"
DEADLINE_WARNING = dt.timedelta(days=7)
OTHER_WARNING = dt.timedelta(days=1)


def plan_calendar(plan: GuidePlan, t: Say, lang: str) -> bytes:
    """The plan's reminders as an ``.ics`` file, said by ``t`` (``i18n.translator``) in
    ``lang`` (the calendar's LANGUAGE)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", t("My Number plan", "マイナンバー手続き"))
    seed = repr(plan.answers).encode()
    for step in plan.reminders:
        cal.add_component(_event(step, t, lang, seed, plan.today))
    return cal.to_ical()


def _event(step: GuideStep, t: Say, lang: str, seed: bytes, today: dt.date) -> Event:
    assert step.on is not None
    who = step.who(t)
    summary = (
        t("{who}: {step}", "{who}：{step}", who=who, step=step.title(t)) if who else step.title(t)
    )
    if step.estimated:
        summary = t("(estimate) {step}", "（目安）{step}", step=summary)
    event = Event()
    event.add("uid", _uid(seed, step))
    event.add("dtstamp", dt.datetime.combine(today, dt.time(0, 0), tzinfo=dt.UTC))
    event.add("summary", summary, parameters={"LANGUAGE": lang})
    event.add("description", step.text(t), parameters={"LANGUAGE": lang})
    event.add("dtstart", step.on)
    event.add("dtend", (step.until or step.on) + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add_component(_alarm(step, summary))
    return event


def _alarm(step: GuideStep, summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    warning = DEADLINE_WARNING if step.kind is StepKind.DEADLINE else OTHER_WARNING
    alarm.add("trigger", -warning)
    return alarm


def _uid(seed: bytes, step: GuideStep) -> str:
    digest = hashlib.sha256(seed + b"\x00" + step.key.encode()).hexdigest()[:24]
    return f"{digest}@mynumber-guide"
