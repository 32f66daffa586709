"""マイナ受付 — the clinic's reception terminal as a page: "insert the card" (its serial, as
the reader reads it), identify the patient by PIN, face, or — after a failed face match —
a staff visual check by the clerk logged in, with the card in the reader, and show the
real-time answer (insurer, numbers, co-pay, validity); the patient's consent, given at the
terminal with the visit's card in the reader (``clinic.give_consent``), opens the medication
and check-up history. Also the numbers of a 資格確認書.

There is no card reader in a browser: the server plays the reader in-process — it reads the
user-authentication certificate and the chip photo (no PIN needed) and, for the PIN, has the
card sign the server's nonce (``clinic.answer_at_terminal``, i.e. ``card_auth``). The checks
themselves are ``services.clinic``'s; their refusals name the cause and the fix.
"""

from __future__ import annotations

from typing import Annotated, Any

from cryptography.hazmat.primitives import serialization
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from mynumber.card import CardFile, Chip, KeySlot
from mynumber.domain.access import Role
from mynumber.domain.errors import MyNumberError, invalid
from mynumber.domain.insurance import Consent
from mynumber.domain.pins import PinKind, check_pin_format
from mynumber.services.cards import use as card_use
from mynumber.services.core.context import Caller, Services
from mynumber.services.insurance import clinic
from mynumber.services.insurance.clinic import EligibilityAnswer
from mynumber.web.auth import staff
from mynumber.web.core import (
    Form,
    NavItem,
    VisitPath,
    WebRoute,
    as_list,
    flash,
    form_values,
    http_status,
    read_upload,
    redirect,
    render,
    require_date,
    run,
)

BASE = "/staff/clinic"
router = APIRouter(prefix=BASE, route_class=WebRoute, include_in_schema=False)
NAV = (NavItem(BASE, "Reception terminal", "マイナ受付", frozenset({Role.CLINIC})),)
ClinicStaff = Annotated[Caller, Depends(staff(Role.CLINIC))]
Values = Annotated[dict[str, Any], Depends(form_values)]
PIN_FIELD = PinKind.USER_AUTHENTICATION.field
METHOD_FIELD = {"pin": PIN_FIELD, "face": "live_image", "visual": "visual_check"}
LETTER_FIELDS = ("insurer_number", "symbol", "number", "branch", "date_of_birth")


# --- The reader (played in-process) ------------------------------------------------------


def _chip(svc: Services, serial: str) -> Chip:
    return Chip(svc.chips, serial, chip_key=svc.keys.chip_key)


def read_card(svc: Services, serial: str) -> tuple[bytes, bytes]:
    """What a reader reads without a PIN: the user-authentication certificate (DER) and the
    face photo. ``NotFound`` when no such card is in the reader."""
    with _chip(svc, serial).open_session() as reader:
        certificate = reader.read_certificate(KeySlot.USER_AUTH)
        photo = reader.read(CardFile.PHOTO)
    return certificate.public_bytes(serialization.Encoding.DER), photo


def _cause(request: Request, serial: str, refused: MyNumberError) -> MyNumberError:
    """What the terminal shows: a cancelled or suspended card named as the register knows it
    ("it was returned to the ward office"), not by what the chip answers."""
    return run(
        request,
        lambda s, svc: card_use.cause_in_register(s, svc, card_serial=serial, refused=refused),
    )


# --- Insert the card ------------------------------------------------------------------------


@router.get("", response_class=HTMLResponse)
def terminal_home(request: Request, caller: ClinicStaff, card_serial: str = "") -> Response:
    """ "Insert the card": its serial, as the reader would read it."""
    form = Form(values={"card_serial": card_serial})
    serial = "".join(card_serial.split()).upper()
    if serial:
        try:
            read_card(request.app.state.system.services, serial)
            return redirect(f"{BASE}/cards/{serial}")
        except MyNumberError as refused:
            exc = _cause(request, serial, refused)
            exc.details["field"] = "card_serial"
            return render(
                request, "clinic/home.html", status=http_status(exc), form=form.fail(exc), base=BASE
            )
    return render(request, "clinic/home.html", form=form, base=BASE)


@router.get("/cards/{serial}", response_class=HTMLResponse)
def terminal(request: Request, caller: ClinicStaff, serial: str) -> Response:
    """The card is in: the consent question, then PIN, face or staff visual check."""
    return _terminal(request, serial, Form(values={"consent": [], "method": "pin"}))


def _terminal(request: Request, serial: str, form: Form, status: int = 200) -> Response:
    return render(
        request,
        "clinic/terminal.html",
        status=status,
        form=form,
        serial=serial,
        base=BASE,
        page_path=f"{BASE}/cards/{serial}",
        visual_minutes=int(clinic.VISUAL_CHECK_WINDOW.total_seconds() // 60),
    )


@router.post("/cards/{serial}", response_class=HTMLResponse)
async def check(request: Request, caller: ClinicStaff, serial: str, values: Values) -> Response:
    """Identify the patient the chosen way and answer: insurer, numbers, co-pay, validity."""
    method = str(values.get("method", ""))
    consent_items = as_list(values, "consent")
    form = Form(
        values={
            "consent": consent_items,
            "method": method,
            "register_insurance_use": values.get("register_insurance_use", ""),
        }
    )
    consent = Consent(
        medication="medication" in consent_items,
        checkups="checkups" in consent_items,
        limit_amount="limit_amount" in consent_items,
    )
    register = values.get("register_insurance_use") == "yes"
    system = request.app.state.system
    try:
        if method == "pin":
            answer = await run_in_threadpool(
                _by_pin, request, caller, serial, str(values.get(PIN_FIELD, "")), register
            )
        elif method == "face":
            image = await read_upload(
                request,
                "live_image",
                "Take the patient's picture with the terminal's camera (upload an image).",
                "端末のカメラで顔を撮影してください（画像をアップロード）。",
            )
            answer = await run_in_threadpool(_by_face, system, caller, serial, image, register)
        elif method == "visual":
            answer = await run_in_threadpool(_by_visual, request, caller, serial, register)
        else:
            raise invalid(
                "method",
                "Choose how the patient is identified.",
                "本人確認の方法を選んでください。",
            )
    except MyNumberError as refused:
        exc = await run_in_threadpool(_cause, request, serial, refused)
        exc.details.setdefault("field", METHOD_FIELD.get(method, "method"))
        return _terminal(request, serial, form.fail(exc), http_status(exc))
    if consent != Consent():
        # The patient's choice on this screen, with the visit's card still in the reader.
        answer = await run_in_threadpool(_consent, request, caller, serial, answer, consent)
    return _answer_page(request, answer)


def _consent(
    request: Request, caller: Caller, serial: str, answer: EligibilityAnswer, consent: Consent
) -> EligibilityAnswer:
    with _chip(request.app.state.system.services, serial).open_session() as reader:
        return run(
            request,
            lambda s, svc: clinic.give_consent(
                s, svc, caller=caller, visit_id=answer.visit_id, consent=consent, reader=reader
            ),
        )


def _by_pin(
    request: Request, caller: Caller, serial: str, pin: str, register: bool
) -> EligibilityAnswer:
    check_pin_format(PinKind.USER_AUTHENTICATION, pin)
    svc = request.app.state.system.services
    challenge = run(request, lambda s, svc: clinic.new_challenge(s, svc, caller=caller))
    signed = clinic.answer_at_terminal(_chip(svc, serial), pin=pin, nonce=challenge.nonce)
    return run(
        request,
        lambda s, svc: clinic.check_with_pin(
            s,
            svc,
            caller=caller,
            nonce=challenge.nonce,
            certificate_der=signed.certificate_der,
            signature=signed.signature,
            register_insurance_use=register,
        ),
    )


def _by_face(
    system: Any, caller: Caller, serial: str, image: bytes, register: bool
) -> EligibilityAnswer:
    certificate, _ = read_card(system.services, serial)
    with system.uow() as uow:
        return clinic.check_with_face_kept(
            uow,
            system.services,
            caller=caller,
            certificate_der=certificate,
            live_image=image,
            register_insurance_use=register,
        )


def _by_visual(request: Request, caller: Caller, serial: str, register: bool) -> EligibilityAnswer:
    """The clerk logged in compared the face with the card in the reader (the audit names
    them); the service reads the certificate from the reader."""
    with _chip(request.app.state.system.services, serial).open_session() as reader:
        return run(
            request,
            lambda s, svc: clinic.check_with_visual(
                s, svc, caller=caller, reader=reader, register_insurance_use=register
            ),
        )


def _answer_page(request: Request, answer: EligibilityAnswer) -> Response:
    return render(request, "clinic/answer.html", answer=answer, base=BASE, page_path=BASE)


# --- The visit: history with consent, closing --------------------------------------------


@router.get("/visits/{visit_id}/history", response_class=HTMLResponse)
def history(request: Request, caller: ClinicStaff, visit_id: VisitPath) -> Response:
    """Past medication and check-ups, only as far as the patient consented at this visit."""
    try:
        view = run(
            request, lambda s, svc: clinic.view_history(s, svc, caller=caller, visit_id=visit_id)
        )
    except MyNumberError as exc:
        if http_status(exc) == 404:
            raise
        return render(
            request,
            "clinic/history.html",
            status=http_status(exc),
            view=None,
            refusal=exc,
            visit_id=visit_id,
            base=BASE,
        )
    return render(
        request, "clinic/history.html", view=view, refusal=None, visit_id=visit_id, base=BASE
    )


@router.post("/visits/{visit_id}/close", response_class=HTMLResponse)
def close(request: Request, caller: ClinicStaff, visit_id: VisitPath, values: Values) -> Response:
    """The visit is over: its consent no longer opens anything."""
    run(request, lambda s, svc: clinic.close_visit(s, svc, caller=caller, visit_id=visit_id))
    flash(
        request,
        "The visit is closed. Next patient: insert the card.",
        "受付を終了しました。次の方はカードを置いてください。",
    )
    return redirect(BASE)


# --- A 資格確認書's numbers ----------------------------------------------------------------


@router.get("/letter", response_class=HTMLResponse)
def letter_page(request: Request, caller: ClinicStaff) -> Response:
    """The numbers printed on a 資格確認書 and the patient's date of birth."""
    return render(request, "clinic/letter.html", form=Form(), base=BASE)


@router.post("/letter", response_class=HTMLResponse)
def letter_check(request: Request, caller: ClinicStaff, values: Values) -> Response:
    """Check the letter's numbers online: the same answer, without consent (no card)."""
    form = Form(values={k: values.get(k, "") for k in LETTER_FIELDS})
    try:
        born = require_date(values, "date_of_birth")
        text = {k: str(values.get(k, "")).strip() for k in LETTER_FIELDS[:4]}
        for name, value in text.items():
            if not value and name != "branch":
                raise invalid(
                    name, "Copy this from the 資格確認書.", "資格確認書の記載を入力してください。"
                )
        answer = run(
            request,
            lambda s, svc: clinic.check_letter(s, svc, caller=caller, date_of_birth=born, **text),
        )
    except MyNumberError as exc:
        return render(
            request,
            "clinic/letter.html",
            status=http_status(exc),
            form=form.fail(exc),
            base=BASE,
            page_path=f"{BASE}/letter",
        )
    return _answer_page(request, answer)
