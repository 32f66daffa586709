"""Public pages (no login): the home page and the newcomer's guide (転入者向けガイド).

The guide is a GET form, so a plan can be bookmarked or shared; it is computed by
``domain.guide.make_plan`` — the same rules the system enforces — and drawn as a timeline.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mynumber.domain.errors import MyNumberError
from mynumber.domain.guide import GuideAnswers, make_plan
from mynumber.web.auth import HOME_OF_ROLE, optional_caller
from mynumber.web.core import (
    Form,
    NavItem,
    ResidentRoute,
    http_status,
    parse_date,
    render,
    require_date,
)
from mynumber.web.timeline import layout

router = APIRouter(route_class=ResidentRoute, include_in_schema=False)
NAV = (NavItem("/guide", "Newcomer's guide", "転入者向けガイド"),)

GUIDE_FIELDS = (
    "arrived_on",
    "municipality",
    "date_of_birth",
    "status_of_residence",
    "period_of_stay_ends",
    "registered_on",
    "letter_arrived",
    "applied_on",
    "notice_arrived",
    "card_collected_on",
)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    """Where to start: the guide for residents, the login for staff."""
    caller = optional_caller(request)
    staff_home = HOME_OF_ROLE.get(caller.role) if caller else None
    return render(request, "home.html", staff_home=staff_home)


def answers_from(values: dict[str, Any]) -> GuideAnswers:
    """The guide's answers from the form, or ``InvalidInput`` naming the field."""
    return GuideAnswers(
        arrived_on=require_date(values, "arrived_on"),
        municipality=str(values.get("municipality", "")).strip(),
        date_of_birth=require_date(values, "date_of_birth"),
        status_of_residence=str(values.get("status_of_residence", "")).strip(),
        period_of_stay_ends=parse_date(values, "period_of_stay_ends", required=False),
        registered_on=parse_date(values, "registered_on", required=False),
        letter_arrived=bool(values.get("letter_arrived")),
        applied_on=parse_date(values, "applied_on", required=False),
        notice_arrived=bool(values.get("notice_arrived")),
        card_collected_on=parse_date(values, "card_collected_on", required=False),
    )


@router.get("/guide", response_class=HTMLResponse)
def guide(request: Request) -> Response:
    """The questions; with answers, the personal plan and its timeline."""
    optional_caller(request)
    values = {k: request.query_params.get(k, "") for k in GUIDE_FIELDS}
    form = Form(values=values)
    if not values["arrived_on"] and not values["date_of_birth"]:
        return render(request, "guide.html", form=form, plan=None, timeline=None)
    today = request.app.state.system.services.clock.today()
    try:
        plan = make_plan(answers_from(values), today=today)
    except MyNumberError as exc:
        return render(
            request,
            "guide.html",
            status=http_status(exc),
            form=form.fail(exc),
            plan=None,
            timeline=None,
        )
    return render(
        request, "guide.html", form=form, plan=plan, timeline=layout(plan, request.state.lang)
    )
