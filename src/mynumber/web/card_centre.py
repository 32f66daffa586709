"""カードセンター — the card centre's pages (J-LIS): the applications queue, the manufacture
job, and looking an application up by its 23-digit ID.

The job is ``services.card_centre.run_daily_jobs`` (the same as ``POST /card-centre/jobs``);
an application is shown through ``card_applications.view``. The queue itself is a read-only
listing (no service offers one yet): ``_queue`` below, audited as one listing.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_card import CardApplication
from mynumber.domain.access import Role
from mynumber.domain.cards import ApplicationStatus
from mynumber.domain.errors import MyNumberError, invalid
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.cards import records as card_records
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.web.auth import staff
from mynumber.web.core import Form, NavItem, WebRoute, flash, form_values, redirect, render
from mynumber.web.ward_office import run

BASE = "/staff/card-centre"
router = APIRouter(prefix=BASE, route_class=WebRoute, include_in_schema=False)
NAV = (NavItem(BASE, "Card centre", "カードセンター", frozenset({Role.CARD_CENTRE})),)
CentreStaff = Annotated[Caller, Depends(staff(Role.CARD_CENTRE))]
Values = Annotated[dict[str, Any], Depends(form_values)]
QUEUE_LIMIT = 50
SHOWN = {"received": (ApplicationStatus.RECEIVED,),
         "rejected": (ApplicationStatus.CANCELLED,),
         "manufactured": (ApplicationStatus.MANUFACTURED, ApplicationStatus.COLLECTED)}


def _queue(session: Session, svc: Services, caller: Caller, status: str,
           ) -> list[tuple[card_applications.ApplicationView, CardApplication]]:
    """The newest applications in one part of the queue (no names, no numbers)."""
    rows = session.scalars(select(CardApplication).where(
        CardApplication.status.in_([s.value for s in SHOWN[status]]))
        .order_by(CardApplication.id.desc()).limit(QUEUE_LIMIT)).all()
    audit.record(session, caller=caller, action="list_card_applications", at=svc.clock.now(),
                 detail=f"{status}: {len(rows)}")
    return [(card_applications.view(session, row), row) for row in rows]


@router.get("", response_class=HTMLResponse)
def queue(request: Request, caller: CentreStaff, status: str = "received",
          application_id: str = "") -> Response:
    """The queue (received, rejected with the reason, manufactured) and the look-up."""
    status = status if status in SHOWN else "received"
    form = Form(values={"application_id": application_id})
    found = None
    if application_id.strip():
        try:
            found = run(request, lambda s, svc: _look_up(s, svc, caller, application_id))
        except MyNumberError as exc:
            form.fail(exc)
    rows = run(request, lambda s, svc: _queue(s, svc, caller, status))
    return render(request, "card_centre/queue.html", status=form.problem.status
                  if form.problem else 200, rows=rows, shown=status, form=form, found=found,
                  base=BASE, tabs=list(SHOWN))


def _look_up(session: Session, svc: Services, caller: Caller,
             application_id: str) -> card_applications.ApplicationView:
    text = "".join(application_id.split())
    if not (len(text) == 23 and text.isdigit()):
        raise invalid("application_id", "Enter the 23-digit application ID.",
                      "23桁の申請書IDを入力してください。")
    row = card_records.application_by_id(session, text)
    audit.record(session, caller=caller, action="ask_after_card_application",
                 person_id=row.person_id, at=svc.clock.now(), detail=f"application {row.id}")
    return card_applications.view(session, row)


@router.post("/jobs", response_class=HTMLResponse)
def run_jobs(request: Request, caller: CentreStaff, values: Values) -> Response:
    """Run the manufacture job (and the rest of what is due today)."""
    report = run(request, lambda s, svc: card_centre.run_daily_jobs(s, svc))
    made, cancelled = len(report.cards_made), len(report.applications_cancelled)
    flash(request, f"Job done: {made} card(s) made and their pickup notices posted; "
          f"{cancelled} application(s) cancelled; {report.mail_settled} mail item(s) settled; "
          f"{len(report.renewal_notices)} expiry notice(s) sent.",
          f"処理しました：カード作成 {made} 件（交付通知書を郵送）、申請取消 {cancelled} 件、"
          f"郵便の配達処理 {report.mail_settled} 件、"
          f"有効期限通知書 {len(report.renewal_notices)} 件。")
    return redirect(f"{BASE}?status=manufactured" if made else BASE)
