"""カードの窓口 — the ward office's My Number Card counter: apply at the counter (staff take
the photo), collect a card and set its PINs, and the card's life afterwards: reset a PIN,
report it lost, change its validity after a residence card renewal, renew the certificates,
update the chip after a move, take it back.

Thin handlers over ``services.card_applications``, ``card_counter``, ``card_moving`` and
``card_use``: parse, call the use case in one unit of work, flash and redirect, or re-render
the form with the error beside its field. PINs are never echoed back into a form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from mynumber.domain import pins as pin_rules
from mynumber.domain.access import Role
from mynumber.domain.cards import ApplicationKind, Channel, IdentityShown
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.endorsements import ReissueReason
from mynumber.domain.errors import MyNumberError, invalid
from mynumber.domain.fees import card_fee, yen
from mynumber.domain.photo_rules import MAX_FILE_BYTES, PhotoDeclaration
from mynumber.domain.proxies import ProxyReason, ProxyShown
from mynumber.domain.registration import IdDocument, parse_id_documents
from mynumber.domain.representation import Relation
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import fees as card_fees
from mynumber.services.cards import moving as card_moving
from mynumber.services.cards import use as card_use
from mynumber.services.core import refs
from mynumber.services.core.context import Caller, DbSession, Services
from mynumber.web.auth import staff
from mynumber.web.core import (
    Form,
    NavItem,
    WebRoute,
    as_list,
    flash,
    form_values,
    http_status,
    parse_date,
    read_upload,
    redirect,
    render,
    representative_of,
    require_date,
    run,
)

BASE = "/staff/card-counter"
router = APIRouter(prefix=BASE, route_class=WebRoute, include_in_schema=False)
NAV = (NavItem(BASE, "Card counter", "カード窓口", frozenset({Role.WARD_OFFICE})),)
WardStaff = Annotated[Caller, Depends(staff(Role.WARD_OFFICE))]
Values = Annotated[dict[str, Any], Depends(form_values)]
DECLARATIONS = ("taken_within_six_months", "no_headwear", "plain_background")
IDENTITY_FIELDS = ("name_latin", "date_of_birth", "residence_card_number", "id_documents")
PIN_FIELDS = tuple(kind.field for kind in pin_rules.PinKind)
ACTIONS: dict[str, tuple[str, str]] = {
    "reset-pin": ("Reset a PIN", "暗証番号の初期化"),
    "validity": (
        "Validity change after a residence card renewal",
        "有効期間の変更（在留期間更新後）",
    ),
    "extension": (
        "Extension while a stay renewal is pending",
        "在留期間更新申請中の延長（特例期間）",
    ),
    "certificates": ("Renew the certificates", "電子証明書の更新"),
    "chip-update": ("Update the chip after a move", "転入・転居後の券面事項変更"),
    "return": ("Take the card back (返納)", "カードの返納"),
    "lift-suspension": ("Card found: lift the suspension", "一時停止の解除（発見）"),
}


# --- Parsing ----------------------------------------------------------------------------------


def identity_of(values: dict[str, Any]) -> tuple[IdentityShown, tuple[IdDocument, ...]]:
    """The identity document shown at the counter, as staff read it, and the papers ticked."""
    name = str(values.get("name_latin", "")).strip()
    if not name:
        raise invalid(
            "name_latin",
            "Enter the name as printed on the identity document.",
            "本人確認書類に記載の氏名を入力してください。",
        )
    born = require_date(values, "date_of_birth")
    card = str(values.get("residence_card_number", "")).strip() or None
    return IdentityShown(name, born, card), parse_id_documents(as_list(values, "id_documents"))


def pins_of(values: dict[str, Any]) -> card_counter.InitialPins | None:
    """The PINs keyed in by the resident; ``None`` when none was (a card the post brought
    back has its PINs already; otherwise the service names the missing PIN)."""
    chosen = {kind.field: str(values.get(kind.field, "")) for kind in pin_rules.PinKind}
    if not any(chosen.values()):
        return None
    return card_counter.InitialPins(
        user_authentication=chosen[pin_rules.PinKind.USER_AUTHENTICATION.field],
        resident_registry=chosen[pin_rules.PinKind.RESIDENT_REGISTRY.field],
        card_info_input=chosen[pin_rules.PinKind.CARD_INFO_INPUT.field],
        signature=chosen[pin_rules.PinKind.SIGNATURE.field] or None,
    )


def _kept(values: dict[str, Any]) -> dict[str, Any]:
    """The answers to show again after a refusal: never a PIN."""
    kept = {k: v for k, v in values.items() if k not in PIN_FIELDS and k != "new_pin"}
    kept["id_documents"] = as_list(values, "id_documents")
    kept["proxy_id_documents"] = as_list(values, "proxy_id_documents")
    kept["representative_id_documents"] = as_list(values, "representative_id_documents")
    kept["face_authentication"] = as_list(values, "face_authentication")
    return kept


def _page(
    request: Request, template: str, *, status: int = 200, path: str = "", **context: Any
) -> Response:
    return render(
        request,
        f"card_counter/{template}",
        status=status,
        page_path=BASE + path,
        base=BASE,
        id_documents=list(IdDocument),
        relations=list(Relation),
        pin_kinds=list(pin_rules.PinKind),
        pin_rules=pin_rules,
        yen=yen,
        **context,
    )


# --- Home: look an application or a card up ----------------------------------------------


@router.get("", response_class=HTMLResponse)
def home(
    request: Request, caller: WardStaff, application_id: str = "", card_serial: str = ""
) -> Response:
    """Find an application (collection) or a card (PINs, loss, validity, moves)."""
    form = Form(values={"application_id": application_id, "card_serial": card_serial})
    try:
        if application_id.strip():
            view = run(
                request,
                lambda s, svc: card_applications.ask_after_application(
                    s, svc, caller=caller, application_id="".join(application_id.split())
                ),
            )
            return redirect(f"{BASE}/applications/{view.application_id}")
        if card_serial.strip():
            serial = card_serial.strip().upper()
            run(
                request,
                lambda s, svc: _require_field(
                    lambda: card_use.card_status(s, svc, caller=caller, card_serial=serial),
                    "card_serial",
                ),
            )
            return redirect(f"{BASE}/cards/{serial}")
    except MyNumberError as exc:
        return _page(request, "home.html", status=http_status(exc), form=form.fail(exc))
    return _page(request, "home.html", form=form)


def _require_field(action: Callable[[], Any], name: str) -> Any:
    """Run ``action``; an error naming no field is shown beside ``name``."""
    try:
        return action()
    except MyNumberError as exc:
        exc.details.setdefault("field", name)
        raise


# --- Applying at the counter (窓口申請) ----------------------------------------------------


@router.get("/apply", response_class=HTMLResponse)
def apply_page(
    request: Request,
    caller: WardStaff,
    person_id: str = "",
    express_reason: str = "",
    reissue_reason: str = "",
) -> Response:
    """The counter application: whose, the photo staff took, the declaration, express."""
    form = Form(
        values={
            "person_id": person_id,
            "express_reason": express_reason,
            "reissue_reason": reissue_reason,
        }
    )
    return _apply_form(request, form)


def _apply_form(request: Request, form: Form, status: int = 200) -> Response:
    return _page(
        request,
        "apply.html",
        status=status,
        path="/apply",
        form=form,
        express_reasons=list(ExpressReason),
        max_mb=MAX_FILE_BYTES // 1_000_000,
        fees=[
            (kind, express, card_fee(kind, express=express))
            for kind in ApplicationKind
            for express in (False, True)
        ],
    )


@router.post("/apply", response_class=HTMLResponse)
async def apply(request: Request, caller: WardStaff, values: Values) -> Response:
    """Accept the application (the photo is checked on arrival) or say why not."""
    form = Form(values=_kept(values) | {"declaration": as_list(values, "declaration")})
    try:
        person_id = _record_number(values)
        upload = (await request.form()).get("photo")
        # No photo for an infant under 1 (the service decides whether one was needed).
        photo = (
            await read_upload(
                request,
                "photo",
                "Upload the photo taken at the counter.",
                "窓口で撮影した写真をアップロードしてください。",
            )
            if isinstance(upload, UploadFile) and upload.filename
            else None
        )
        ticked = as_list(values, "declaration")
        declaration = PhotoDeclaration(*(name in ticked for name in DECLARATIONS))
        express = _express(str(values.get("express_reason", "")))
        reissue = _reissue(str(values.get("reissue_reason", "")))
        representative = representative_of(values)
        pins = pins_of(values)  # express only: the card is mailed, its PINs chosen now

        def use_case(s: DbSession, svc: Services) -> card_applications.ApplicationView:
            return card_applications.apply_for_card(
                s,
                svc,
                caller=caller,
                channel=Channel.COUNTER,
                photo=photo,
                declaration=declaration,
                person_id=person_id,
                express_reason=express,
                representative=representative,
                pins=pins,
                reissue_reason=reissue,
            )

        view = await run_in_threadpool(run, request, use_case)
    except MyNumberError as exc:
        if exc.details.get("field") == "photo_declaration":
            exc.details["field"] = "declaration"
        return _apply_form(request, form.fail(exc), http_status(exc))
    flash(
        request,
        f"Application accepted (application ID {view.application_id}).",
        f"申請を受け付けました（申請書ID {view.application_id}）。",
    )
    return redirect(f"{BASE}/applications/{view.application_id}")


def _record_number(values: dict[str, Any]) -> int:
    text = str(values.get("person_id", "")).strip()
    try:
        return refs.resolve(refs.Kind.PERSON, text)
    except MyNumberError:
        raise invalid(
            "person_id",
            "Enter the resident's record reference (per_…, from the ward office record).",
            "住民の記録参照番号（per_…）を入力してください。",
        ) from None


def _express(text: str) -> ExpressReason | None:
    if not text:
        return None
    try:
        return ExpressReason(text)
    except ValueError:
        raise invalid(
            "express_reason",
            "Choose a reason for express issuance, or none.",
            "特急発行の理由を選んでください。",
        ) from None


def _reissue(text: str) -> ReissueReason | None:
    if not text:
        return None
    try:
        return ReissueReason(text)
    except ValueError:
        raise invalid(
            "reissue_reason",
            "Choose a reason for the reissue of a card in hand, or none.",
            "再交付の理由を選んでください。",
        ) from None


# --- An application: its state, the pickup notice, collection (交付) ---------------------


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def application_page(request: Request, caller: WardStaff, application_id: str) -> Response:
    """Where the application stands; the collection form once the card is made."""
    return _application(
        request,
        caller,
        application_id,
        Form(
            values={
                "pickup_notice": "shown",
                "collected_by": "holder",
                "id_documents": ["residence_card", "notification_letter"],
            }
        ),
    )


def _application(
    request: Request, caller: Caller, application_id: str, form: Form, status: int = 200
) -> Response:
    view = run(
        request,
        lambda s, svc: card_applications.ask_after_application(
            s, svc, caller=caller, application_id=application_id
        ),
    )
    return _page(
        request,
        "application.html",
        status=status,
        path=f"/applications/{application_id}",
        view=view,
        fee=card_fee(
            ApplicationKind(view.kind),
            express=view.express,
            endorsement_field_full=view.reissue_reason == ReissueReason.ENDORSEMENT_FIELD_FULL,
        ),
        proxy_reasons=list(ProxyReason),
        form=form,
    )


@router.get("/applications/{application_id}/pickup-notice.pdf")
def pickup_notice(request: Request, caller: WardStaff, application_id: str) -> Response:
    """The pickup notice (交付通知書), e.g. to reprint one that came back."""
    pdf = run(
        request,
        lambda s, svc: card_centre.pickup_notice_pdf(
            s, svc, caller=caller, application_id=application_id
        ),
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="pickup-notice-{application_id}.pdf"'
        },
    )


@router.get("/applications/{application_id}/receipt.pdf")
def fee_receipt(request: Request, caller: WardStaff, application_id: str) -> Response:
    """The receipt (領収書) of the reissue fee paid for this application."""
    pdf = run(
        request,
        lambda s, svc: card_fees.fee_receipt_pdf(
            s, svc, caller=caller, application_id=application_id
        ),
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="receipt-{application_id}.pdf"'},
    )


@router.post("/applications/{application_id}/collect", response_class=HTMLResponse)
def collect(request: Request, caller: WardStaff, application_id: str, values: Values) -> Response:
    """交付: papers and identity checked, the resident sets the PINs, the card is active."""
    form = Form(values=_kept(values))
    try:
        identity, docs = identity_of(values)
        proxy = _proxy_of(values)
        representative = representative_of(values)
        face_card = bool(as_list(values, "face_authentication"))
        pins = None if face_card else pins_of(values)
        done = run(
            request,
            lambda s, svc: card_counter.collect_card(
                s,
                svc,
                caller=caller,
                application_id=application_id,
                identity=identity,
                id_documents=docs,
                pins=pins,
                pickup_notice_shown=values.get("pickup_notice") == "shown",
                proxy=proxy,
                representative=representative,
                face_authentication=face_card,
            ),
        )
    except MyNumberError as exc:
        return _application(request, caller, application_id, form.fail(exc), http_status(exc))
    _flash_collected(request, done)
    return redirect(f"{BASE}/cards/{done.card_serial}")


def _flash_collected(request: Request, done: card_counter.Collection) -> None:
    if done.face_authentication:
        what_en = "a face-authentication card: no PINs, the user-authentication certificate only"
        what_ja = "顔認証マイナンバーカード（暗証番号なし、利用者証明用電子証明書のみ）"
    elif done.no_signature:
        what_en = "PINs set; no signature certificate (under 15)"
        what_ja = "暗証番号を設定しました。署名用電子証明書はありません（15歳未満）"
    else:
        what_en, what_ja = (
            "PINs set, certificates issued",
            "暗証番号を設定し、電子証明書を発行しました",
        )
    by_en, by_ja = (
        (" with the legal representative", "（法定代理人が同席）")
        if done.legal_representative
        else ("", "")
    )
    flash(
        request,
        f"Card {done.card_serial} handed over{by_en}: {what_en}. The card is valid until "
        f"{done.expires_on}.",
        f"カード {done.card_serial} を交付しました{by_ja}。{what_ja}。"
        f"有効期限は {done.expires_on} です。",
    )


def _proxy_of(values: dict[str, Any]) -> ProxyShown | None:
    """The proxy's part of the collection form, when a 代理人 came instead of the holder."""
    if values.get("collected_by") != "proxy":
        return None
    name = str(values.get("proxy_name_latin", "")).strip()
    born = require_date(values, "proxy_date_of_birth")
    return ProxyShown(
        IdentityShown(name, born),
        parse_id_documents(as_list(values, "proxy_id_documents")),
        str(values.get("proxy_reason", "")),
        values.get("reply_form") == "shown",
    )


# --- A card: status, loss, return, and the actions with an identity check ----------------


@router.get("/cards/{serial}", response_class=HTMLResponse)
def card_page(request: Request, caller: WardStaff, serial: str) -> Response:
    """The card's status, tries left, dates, and what can be done with it here."""
    return _card(request, caller, serial, Form())


def _card(request: Request, caller: Caller, serial: str, form: Form, status: int = 200) -> Response:
    view = run(
        request, lambda s, svc: card_use.card_status(s, svc, caller=caller, card_serial=serial)
    )
    return _page(
        request,
        "card.html",
        status=status,
        path=f"/cards/{serial}",
        card=view,
        form=form,
        actions=ACTIONS,
    )


@router.post("/cards/{serial}/lost", response_class=HTMLResponse)
def report_lost(request: Request, caller: WardStaff, serial: str, values: Values) -> Response:
    """紛失・盗難: suspended at once, certificates revoked; then apply for a reissue."""
    try:
        card = run(
            request,
            lambda s, svc: card_counter.report_lost(s, svc, caller=caller, card_serial=serial),
        )
    except MyNumberError as exc:
        return _card(request, caller, serial, Form().fail(exc), http_status(exc))
    flash(
        request,
        "The card is suspended and its certificates revoked. Apply for a reissue "
        "now (express issuance is possible within 30 days).",
        "カードを一時停止し、電子証明書を失効させました。続けて再交付を申請してください"
        "（30日以内なら特急発行が可能です）。",
    )
    holder = refs.reference(refs.Kind.PERSON, card.person_id)
    return redirect(f"{BASE}/apply?person_id={holder}&express_reason=lost_card")


@router.post("/cards/{serial}/return", response_class=HTMLResponse)
def return_card(request: Request, caller: WardStaff, serial: str, values: Values) -> Response:
    """返納: the holder hands the card back in person, identity checked (as every counter
    action; ``card_counter.return_card``); it is invalidated and its chip erased."""
    form = Form(values=_kept(values))
    try:
        identity, docs = identity_of(values)
        run(
            request,
            lambda s, svc: card_counter.return_card(
                s, svc, caller=caller, card_serial=serial, identity=identity, id_documents=docs
            ),
        )
    except MyNumberError as exc:
        return _action_form(request, serial, "return", form.fail(exc), http_status(exc))
    flash(
        request,
        "The card was returned: it is invalid and its chip erased.",
        "カードを返納しました。カードは廃止され、ICチップの情報は消去されました。",
    )
    return redirect(f"{BASE}/cards/{serial}")


@router.get("/cards/{serial}/{action}", response_class=HTMLResponse)
def action_page(request: Request, caller: WardStaff, serial: str, action: str) -> Response:
    """An action that needs the holder in person with a photo ID."""
    return _action_form(request, serial, action, Form(values={"id_documents": ["residence_card"]}))


def _action_form(
    request: Request, serial: str, action: str, form: Form, status: int = 200
) -> Response:
    if action not in ACTIONS:
        from mynumber.domain.errors import NotFound

        raise NotFound("No such card counter action.", "該当する手続きはありません。")
    return _page(
        request,
        "action.html",
        status=status,
        path=f"/cards/{serial}/{action}",
        serial=serial,
        action=action,
        title=ACTIONS[action],
        form=form,
    )


@router.post("/cards/{serial}/{action}", response_class=HTMLResponse)
def act(request: Request, caller: WardStaff, serial: str, action: str, values: Values) -> Response:
    """Check the identity and run the action."""
    form = Form(values=_kept(values))
    try:
        identity, docs = identity_of(values) if action in ACTIONS else (None, ())
        done = run(request, _use_case(caller, serial, action, values, identity, docs))
    except MyNumberError as exc:
        if exc.details.get("field") in PIN_FIELDS:  # the reset form has one new-PIN field
            exc.details["field"] = "new_pin"
        return _action_form(request, serial, action, form.fail(exc), http_status(exc))
    flash(request, *done)
    return redirect(f"{BASE}/cards/{serial}")


def _use_case(
    caller: Caller,
    serial: str,
    action: str,
    values: dict[str, Any],
    identity: Any,
    docs: tuple[IdDocument, ...],
) -> Callable[[DbSession, Services], tuple[str, str]]:
    who = {"caller": caller, "card_serial": serial, "identity": identity, "id_documents": docs}

    def use_case(s: DbSession, svc: Services) -> tuple[str, str]:
        if action == "reset-pin":
            kind = _pin_kind(str(values.get("pin", "")))
            card_counter.reset_pin(s, svc, pin=kind, new_pin=str(values.get("new_pin", "")), **who)
            return (
                f"The {kind.name_en} is reset; all its tries are back.",
                f"{kind.name_ja}を初期化しました（試行回数も元に戻りました）。",
            )
        if action == "validity":
            ends = parse_date(values, "period_of_stay_ends", required=False)
            card = card_counter.change_validity(
                s,
                svc,
                status_of_residence=str(values.get("status_of_residence", "")).strip(),
                period_of_stay_ends=ends,
                renewed_residence_card_number=str(
                    values.get("renewed_residence_card_number", "")
                ).strip()
                or None,
                **who,
            )
            return (
                f"The card is now valid until {card.expires_on}; the certificates were "
                "reissued to match.",
                f"カードの有効期限を {card.expires_on} に変更し、電子証明書を再発行しました。",
            )
        if action == "extension":
            card = card_counter.extend_validity_while_renewal_pending(s, svc, **who)
            return (
                f"Extended once, until {card.expires_on}.",
                f"有効期限を {card.expires_on} まで延長しました（1回限り）。",
            )
        if action == "certificates":
            card = card_counter.renew_certificates(s, svc, **who)
            return (
                f"New certificates, valid until {card.certificates_expire_on}.",
                f"電子証明書を更新しました（有効期限 {card.certificates_expire_on}）。",
            )
        if action == "lift-suspension":
            card = card_counter.lift_suspension(s, svc, **who)
            return (
                "The suspension is lifted; the revoked certificates stay revoked and new ones "
                f"were issued (valid until {card.certificates_expire_on}).",
                "一時停止を解除しました。失効した電子証明書は元に戻らないため、新しい電子証明書を"
                f"発行しました（有効期限 {card.certificates_expire_on}）。",
            )
        card_moving.update_chip_after_move(s, svc, **who)
        return (
            "The chip now shows the registered address; the signature certificate was reissued.",
            "ICチップの住所を更新し、署名用電子証明書を再発行しました。",
        )

    return use_case


def _pin_kind(text: str) -> pin_rules.PinKind:
    try:
        return pin_rules.PinKind(text)
    except ValueError:
        raise invalid(
            "pin", "Choose the PIN to reset.", "初期化する暗証番号を選んでください。"
        ) from None
