"""オンライン申請 — the online card application the notification letter's QR code leads to.

``/apply?application_id=<23 digits>`` (``services.letters.application_url``): no login, the
application ID identifies the letter and so the person. The resident uploads a photo and
declares what no machine can check; ``services.card_applications.apply_for_card`` (smartphone
or PC channel, told by the browser) accepts it or names the problem, which is shown beside the
photo field in English and Japanese.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from mynumber.domain.access import Role
from mynumber.domain.cards import Channel
from mynumber.domain.errors import MyNumberError, invalid
from mynumber.domain.photo_rules import MAX_FILE_BYTES, MAX_SIDE_PX, MIN_SIDE_PX, PhotoDeclaration
from mynumber.services.cards import applications as card_applications
from mynumber.services.core.context import Caller, DbSession, Services
from mynumber.web.core import Form, NavItem, ResidentRoute, form_values, http_status, render, run

router = APIRouter(prefix="/apply", route_class=ResidentRoute, include_in_schema=False)
NAV: tuple[NavItem, ...] = ()
Values = Annotated[dict[str, Any], Depends(form_values)]
ONLINE = Caller(name="Online card application", role=Role.RESIDENT)
DECLARATIONS = ("taken_within_six_months", "no_headwear", "plain_background")
_PHONES = ("iphone", "android", "mobile")
# Read at most this much of an upload: a little over the limit, so "too large" can be told.
_READ_LIMIT = MAX_FILE_BYTES + 1


def channel_of(request: Request) -> Channel:
    """Smartphone (the QR code) or PC (the website), as the browser says it is."""
    agent = request.headers.get("user-agent", "").lower()
    return Channel.SMARTPHONE if any(word in agent for word in _PHONES) else Channel.PC


def _form_page(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request,
        "apply/form.html",
        status=status,
        form=form,
        page_path=f"/apply?application_id={form.value('application_id')}",
        limits={"min": MIN_SIDE_PX, "max": MAX_SIDE_PX, "mb": MAX_FILE_BYTES // 1_000_000},
    )


@router.get("", response_class=HTMLResponse)
def application_form(request: Request, application_id: str = "") -> Response:
    """The form: application ID (from the QR code), the photo, the declaration."""
    return _form_page(request, Form(values={"application_id": application_id}))


async def _photo(request: Request) -> bytes:
    upload = (await request.form()).get("photo")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise invalid(
            "photo",
            "Choose your photo to upload (JPEG).",
            "アップロードする写真（JPEG）を選んでください。",
        )
    data = await upload.read(_READ_LIMIT)
    if not data:
        raise invalid(
            "photo",
            "The photo file is empty. Choose the photo again.",
            "写真のファイルが空です。もう一度選んでください。",
        )
    return data


@router.post("", response_class=HTMLResponse)
async def submit_application(request: Request, values: Values) -> Response:
    """Check the photo and accept the application, or show why not beside the field."""
    application_id = "".join(str(values.get("application_id", "")).split())
    ticked = values.get("photo_declaration", [])
    ticked = ticked if isinstance(ticked, list) else [ticked]
    form = Form(values={"application_id": application_id, "photo_declaration": ticked})
    try:
        photo = await _photo(request)
        declaration = PhotoDeclaration(*(name in ticked for name in DECLARATIONS))
        channel = channel_of(request)

        # The photo checks are CPU work: off the event loop.
        def use_case(s: DbSession, svc: Services) -> card_applications.ApplicationView:
            return card_applications.apply_for_card(
                s,
                svc,
                caller=ONLINE,
                channel=channel,
                photo=photo,
                declaration=declaration,
                application_id=application_id,
            )

        view = await run_in_threadpool(run, request, use_case)
    except MyNumberError as exc:
        return _form_page(request, form.fail(exc), http_status(exc))
    return render(request, "apply/done.html", view=view, page_path="/")
