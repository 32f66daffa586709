"""オンライン申請 — the online card application the notification letter's QR code leads to.

``/apply?application_id=<23 digits>`` (``services.letters.application_url``): no login, the
application ID identifies the letter and so the person. The resident uploads a photo and
declares what no machine can check; ``services.card_applications.apply_for_card`` (smartphone
or PC channel, told by the browser) accepts it or names the problem, which is shown beside its
field in the reader's language.

A child under 15 applies through the legal representative (法定代理人,
``domain.representation``): the form has the representative's fields (name and date of birth
as on their own photo ID, relation, which photo ID), as the API's ``legal_representative``
asks. The page cannot know the applicant's age before the ID is sent (the letter's ID is the
only key, and the page tells nobody whose letter it is), so the fields are offered to anyone
and become required — opened, marked and named beside the fields — when the service refuses
an under-15 without them (``legal_representative_required``).
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
from mynumber.domain.registration import PHOTO_IDS, IdDocument
from mynumber.domain.representation import Relation
from mynumber.services.cards import applications as card_applications
from mynumber.services.core.context import Caller, DbSession, Services
from mynumber.web.core import (
    Form,
    NavItem,
    ResidentRoute,
    as_list,
    form_values,
    http_status,
    render,
    representative_of,
    run,
)

router = APIRouter(prefix="/apply", route_class=ResidentRoute, include_in_schema=False)
NAV: tuple[NavItem, ...] = ()
Values = Annotated[dict[str, Any], Depends(form_values)]
ONLINE = Caller(name="Online card application", role=Role.RESIDENT)
DECLARATIONS = ("taken_within_six_months", "no_headwear", "plain_background")
REPRESENTATIVE_FIELDS = (
    "representative_name",
    "representative_date_of_birth",
    "representative_relation",
    "representative_id_documents",
)
#: The photo IDs a representative may name, in the order the form lists them.
PHOTO_ID_CHOICES = tuple(doc.value for doc in IdDocument if doc in PHOTO_IDS)
#: Refusals about the representative as a whole (an under-15 alone, a representative for
#: someone of 15 or over): shown beside the representative's name.
_ABOUT_REPRESENTATIVE = ("legal_representative_required", "not_represented")
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
        photo_ids=PHOTO_ID_CHOICES,
        relations=[relation.value for relation in Relation],
        representative_required=_needs_representative(form),
        representative_open=_representative_open(form),
    )


def _needs_representative(form: Form) -> bool:
    return bool(form.problem and form.problem.details.get("reason") == _ABOUT_REPRESENTATIVE[0])


def _representative_open(form: Form) -> bool:
    """The representative's fields unfolded: needed, answered or refused."""
    return (
        _about_representative(form)
        or any(form.value(name) for name in REPRESENTATIVE_FIELDS)
        or any(form.error(name) for name in REPRESENTATIVE_FIELDS)
    )


def _about_representative(form: Form) -> bool:
    return bool(form.problem and form.problem.details.get("reason") in _ABOUT_REPRESENTATIVE)


def _failed(form: Form, exc: MyNumberError) -> Form:
    """The refused form; an under-15's missing representative beside the representative's
    fields (the rule's refusal names no field: it is about the person, not one answer)."""
    form.fail(exc)
    if _about_representative(form):
        form.errors["representative_name"] = (exc.message_en, exc.message_ja)
    return form


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
    kept = {name: values.get(name, "") for name in REPRESENTATIVE_FIELDS}
    kept["representative_id_documents"] = as_list(values, "representative_id_documents")
    form = Form(values={"application_id": application_id, "photo_declaration": ticked, **kept})
    try:
        representative = representative_of(values)
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
                representative=representative,
            )

        view = await run_in_threadpool(run, request, use_case)
    except MyNumberError as exc:
        return _form_page(request, _failed(form, exc), http_status(exc))
    return render(request, "apply/done.html", view=view, page_path="/")
