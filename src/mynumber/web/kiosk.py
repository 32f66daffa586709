"""コンビニのキオスク端末 — the convenience-store kiosk's screen (``services.cards.kiosk``,
rules in ``domain.kiosk``): reset the 4-digit user-authentication PIN after the signature PIN
verifies on the chip and the camera's face matches the chip photo; reset the signature PIN
after a smartphone pre-application (within 24 hours) and the 4-digit PIN on the chip. The
other PINs can only be reset at the ward office, in person: the page says so, and the service
refuses them with the same words.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from mynumber.card import Chip
from mynumber.domain import kiosk as kiosk_rules
from mynumber.domain import pins as pin_rules
from mynumber.domain.access import Role
from mynumber.domain.errors import MyNumberError, invalid
from mynumber.domain.pins import PinKind
from mynumber.services.cards import kiosk
from mynumber.services.core.context import Caller
from mynumber.web.auth import staff
from mynumber.web.core import (
    Form,
    NavItem,
    WebRoute,
    flash,
    form_values,
    http_status,
    read_upload,
    redirect,
    render,
    run,
)

BASE = "/staff/kiosk"
router = APIRouter(prefix=BASE, route_class=WebRoute, include_in_schema=False)
NAV = (NavItem(BASE, "Kiosk", "キオスク端末", frozenset({Role.KIOSK})),)
Kiosk = Annotated[Caller, Depends(staff(Role.KIOSK))]
Values = Annotated[dict[str, Any], Depends(form_values)]
NEW_PIN = "new_pin"
SIGNATURE_PIN = PinKind.SIGNATURE.field
USER_AUTHENTICATION_PIN = PinKind.USER_AUTHENTICATION.field


def _screen(request: Request, form: Form, status: int = 200) -> Response:
    return render(
        request,
        "kiosk/reset.html",
        status=status,
        form=form,
        base=BASE,
        page_path=BASE,
        pin_rules=pin_rules,
    )


@router.get("", response_class=HTMLResponse)
def screen(request: Request, caller: Kiosk) -> Response:
    """Place the card, choose the PIN, the other PIN, camera, new PIN."""
    return _screen(request, Form(values={"pin": PinKind.USER_AUTHENTICATION.value}))


@router.post("", response_class=HTMLResponse)
async def reset(request: Request, caller: Kiosk, values: Values) -> Response:
    """Reset the chosen PIN, or say why not beside the field."""
    serial = "".join(str(values.get("card_serial", "")).split()).upper()
    form = Form(values={"card_serial": serial, "pin": values.get("pin", "")})
    try:
        if not serial:
            raise invalid(
                "card_serial",
                "Place the card on the reader (enter its serial).",
                "カードを読取機に置いてください（シリアル番号を入力）。",
            )
        kind = _kind(str(values.get("pin", "")))
        image = None
        if kiosk_rules.kiosk_reset(kind).face_at_kiosk:
            image = await read_upload(
                request,
                "live_image",
                "Look at the camera (upload the camera image).",
                "カメラを見てください（画像をアップロード）。",
            )
        await run_in_threadpool(
            _reset_in_reader,
            request,
            caller,
            serial,
            kind,
            str(values.get(SIGNATURE_PIN, "")),
            str(values.get(USER_AUTHENTICATION_PIN, "")),
            image,
            str(values.get(NEW_PIN, "")),
        )
    except MyNumberError as exc:
        if exc.details.get("field") == _new_pin_field(form):
            exc.details["field"] = NEW_PIN  # the new PIN's rules name the PIN's own field
        exc.details.setdefault("field", _field_of(exc))
        return _screen(request, form.fail(exc), http_status(exc))
    flash(
        request,
        f"Your {kind.name_en} is reset. Take your card.",
        f"{kind.name_ja}を初期化しました。カードをお取りください。",
    )
    return redirect(BASE)


def _new_pin_field(form: Form) -> str:
    """The field a rule of the new PIN names (``PinKind.field`` of the PIN being reset)."""
    try:
        return PinKind(str(form.values.get("pin", ""))).field
    except ValueError:
        return NEW_PIN


def _reset_in_reader(
    request: Request,
    caller: Caller,
    serial: str,
    kind: PinKind,
    signature_pin: str,
    user_authentication_pin: str,
    image: bytes | None,
    new_pin: str,
) -> None:
    """The server plays the kiosk's reader (a browser has none): the card placed is opened
    in a reader session, and every PIN and face step happens on that session only."""
    svc = request.app.state.system.services
    with Chip(svc.chips, serial, chip_key=svc.keys.chip_key).open_session() as reader:
        run(
            request,
            lambda s, svc: kiosk.reset_pin_at_kiosk(
                s,
                svc,
                caller=caller,
                card_serial=serial,
                pin=kind,
                signature_pin=signature_pin,
                user_authentication_pin=user_authentication_pin,
                live_image=image,
                new_pin=new_pin,
                reader=reader,
            ),
        )


def _kind(text: str) -> PinKind:
    try:
        return PinKind(text)
    except ValueError:
        raise invalid(
            "pin", "Choose the PIN to reset.", "初期化する暗証番号を選んでください。"
        ) from None


def _field_of(exc: MyNumberError) -> str:
    """Where a refusal naming no field belongs on this screen."""
    reason = exc.details.get("reason")
    if reason in ("ward_office_only", "no_pre_application"):
        return "pin"
    if reason == "face_mismatch" or exc.code == "face-not-found":
        return "live_image"
    entered = exc.details.get("pin")  # wrong or locked, from the chip
    if entered in (PinKind.SIGNATURE.value, PinKind.USER_AUTHENTICATION.value):
        return PinKind(str(entered)).field
    return "card_serial"
