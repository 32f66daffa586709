"""カードセンター — the card centre's pages (J-LIS): the applications queue, the manufacture
job, and looking an application up by its 23-digit ID.

The job is ``services.card_centre.run_daily_jobs`` (the same as ``POST /card-centre/jobs``);
the queue and the look-up are ``services.cards.queue``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from mynumber.domain.access import Role
from mynumber.domain.errors import MyNumberError
from mynumber.services.cards import centre as card_centre
from mynumber.services.cards import queue as centre_queue
from mynumber.services.core.context import Caller
from mynumber.web.auth import staff
from mynumber.web.core import (
    Form,
    NavItem,
    WebRoute,
    flash,
    form_values,
    http_status,
    redirect,
    render,
    run,
)

BASE = "/staff/card-centre"
router = APIRouter(prefix=BASE, route_class=WebRoute, include_in_schema=False)
NAV = (NavItem(BASE, "Card centre", "カードセンター", frozenset({Role.CARD_CENTRE})),)
CentreStaff = Annotated[Caller, Depends(staff(Role.CARD_CENTRE))]
Values = Annotated[dict[str, Any], Depends(form_values)]


@router.get("", response_class=HTMLResponse)
def queue(
    request: Request, caller: CentreStaff, status: str = "received", application_id: str = ""
) -> Response:
    """The queue (received, rejected with the reason, manufactured) and the look-up."""
    status = status if status in centre_queue.SHOWN else "received"
    form = Form(values={"application_id": application_id})
    found = None
    if application_id.strip():
        try:
            found = run(
                request,
                lambda s, svc: centre_queue.look_up_application(
                    s, svc, caller=caller, application_id=application_id
                ),
            )
        except MyNumberError as exc:
            form.fail(exc)
    rows = run(
        request, lambda s, svc: centre_queue.list_applications(s, svc, caller=caller, shown=status)
    )
    return render(
        request,
        "card_centre/queue.html",
        status=http_status(form.problem) if form.problem else 200,
        rows=rows,
        shown=status,
        form=form,
        found=found,
        base=BASE,
        tabs=list(centre_queue.SHOWN),
    )


@router.post("/jobs", response_class=HTMLResponse)
def run_jobs(request: Request, caller: CentreStaff, values: Values) -> Response:
    """Run the manufacture job (and the rest of what is due today)."""
    report = run(request, lambda s, svc: card_centre.run_daily_jobs(s, svc))
    made, cancelled = len(report.cards_made), len(report.applications_cancelled)
    flash(
        request,
        f"Job done: {made} card(s) made and their pickup notices posted; "
        f"{cancelled} application(s) cancelled; {report.mail_settled} mail item(s) settled; "
        f"{len(report.renewal_notices)} expiry notice(s) sent.",
        f"処理しました：カード作成 {made} 件（交付通知書を郵送）、申請取消 {cancelled} 件、"
        f"郵便の配達処理 {report.mail_settled} 件、"
        f"有効期限通知書 {len(report.renewal_notices)} 件。",
    )
    return redirect(f"{BASE}?status=manufactured" if made else BASE)
