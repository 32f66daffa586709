"""Public pages (no login): the home page and the newcomer's guide (転入者向けガイド).

The guide is a GET form, so a plan can be bookmarked or shared; it is computed by
``domain.guide.make_plan`` — the same rules the system enforces — and drawn as a timeline.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mynumber import i18n
from mynumber.adapters.calendar import plan_calendar
from mynumber.adapters.documents import render_guide_plan
from mynumber.domain.errors import InvalidInput, MyNumberError
from mynumber.domain.guide import GuideAnswers, GuidePlan, make_plan
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
CHILD_FIELDS = tuple(f"child_born_{i}" for i in range(1, 5))

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
    "employee",
    "moved_within_japan",
    "leaving_on",
    *CHILD_FIELDS,
)
REQUIRED = ("arrived_on", "municipality", "date_of_birth")


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    """Where to start: the guide for residents, the login for staff."""
    caller = optional_caller(request)
    staff_home = HOME_OF_ROLE.get(caller.role) if caller else None
    return render(request, "home.html", staff_home=staff_home)


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request) -> Response:
    """What the service keeps, what the number is for, cookies, whom to ask."""
    optional_caller(request)
    return render(request, "privacy.html")


def answers_from(values: dict[str, Any]) -> GuideAnswers:
    """The guide's answers from the form, or ``InvalidInput`` naming the field."""
    _require(values)
    children = tuple(
        day for name in CHILD_FIELDS if (day := parse_date(values, name, required=False))
    )
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
        employee=bool(values.get("employee")),
        moved_within_japan=bool(values.get("moved_within_japan")),
        leaving_on=parse_date(values, "leaving_on", required=False),
        children_born=children,
    )


def _require(values: dict[str, Any]) -> None:
    """Every required answer that is missing, at once (an empty form names all three)."""
    missing = [name for name in REQUIRED if not str(values.get(name, "")).strip()]
    if missing:
        raise InvalidInput(
            "Answer the questions marked as needed.",
            "必須の項目に回答してください。",
            field=missing[0],
            fields=missing,
        )


def _plan_or_form(request: Request) -> tuple[GuidePlan | None, Form, int]:
    """The plan for the query's answers, or the form with its errors (and the status)."""
    values = {k: request.query_params.get(k, "") for k in GUIDE_FIELDS}
    form = Form(values=values)
    if not any(k in request.query_params for k in GUIDE_FIELDS):
        return None, form, 200  # the questions, not yet answered
    today = request.app.state.system.services.clock.today()
    try:
        return make_plan(answers_from(values), today=today), form, 200
    except MyNumberError as exc:
        form.fail(exc)
        for name in exc.details.get("fields", ()):
            form.errors[name] = (_NEEDED_EN, _NEEDED_JA)
        if exc.details.get("field") == "children_born":
            form.errors[CHILD_FIELDS[0]] = (exc.message_en, exc.message_ja)
        return None, form, http_status(exc)


_NEEDED_EN, _NEEDED_JA = "This answer is needed.", "この項目は必須です。"


@router.get("/guide", response_class=HTMLResponse)
def guide(request: Request) -> Response:
    """The questions; with answers, the personal plan and its timeline."""
    optional_caller(request)
    plan, form, status = _plan_or_form(request)
    timeline = layout(plan, request.state.lang) if plan else None
    downloads = _download_query(request) if plan else ""
    return render(
        request,
        "guide.html",
        status=status,
        form=form,
        plan=plan,
        timeline=timeline,
        downloads=downloads,
    )


def _download_query(request: Request) -> str:
    """The answers (and language) as a query string for the calendar and PDF links."""
    kept = {k: v for k, v in request.query_params.items() if k in GUIDE_FIELDS and v}
    return urlencode({**kept, "lang": request.state.lang})


@router.get("/guide/plan.ics")
def guide_calendar(request: Request) -> Response:
    """The plan as an iCalendar file: each dated step an all-day event with a reminder."""
    optional_caller(request)
    plan, form, status = _plan_or_form(request)
    if plan is None:
        return _no_plan(request, form, status)
    return Response(
        plan_calendar(plan, i18n.translator(request.state.lang), request.state.lang),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="my-number-plan.ics"'},
    )


@router.get("/guide/plan.pdf")
def guide_pdf(request: Request) -> Response:
    """The plan as a printable PDF in the page's language."""
    optional_caller(request)
    plan, form, status = _plan_or_form(request)
    if plan is None:
        return _no_plan(request, form, status)
    return Response(
        render_guide_plan(plan, i18n.translator(request.state.lang), request.state.lang),
        media_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="my-number-plan.pdf"'},
    )


def _no_plan(request: Request, form: Form, status: int) -> Response:
    """No answers or wrong ones: the questions with the errors (never an empty file)."""
    if not form.errors:
        form.fail(
            InvalidInput(
                "Answer the questions to get your plan.",
                "質問に回答すると計画が表示されます。",
                field="arrived_on",
            )
        )
        status = 422
    return render(
        request, "guide.html", status=status, form=form, plan=None, timeline=None, downloads=""
    )
