"""The My Number Card over HTTP: applications, the card centre's jobs, the counter, the kiosk,
and the one question every terminal asks — can this card be used now?"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from mynumber.api.deps import CallerDep, ServicesDep, UowDep
from mynumber.api.openapi import LETTER_IS_CREDENTIAL, file_response
from mynumber.api.routers.card_auth import decode
from mynumber.domain.access import Role
from mynumber.domain.cards import Channel, IdentityShown
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.endorsements import EndorsementField, ReissueReason, full_field_notice
from mynumber.domain.errors import invalid
from mynumber.domain.kiosk import KioskStep
from mynumber.domain.photo_rules import PhotoDeclaration
from mynumber.domain.pins import FOUR_DIGIT_KINDS, PinKind
from mynumber.domain.proxies import ProxyShown
from mynumber.domain.registration import NAME_LENGTH, IdDocument, parse_id_documents
from mynumber.domain.representation import LegalRepresentative, Relation, representative_shown
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import endorsements as card_endorsements
from mynumber.services.cards import fees as card_fees
from mynumber.services.cards import kiosk
from mynumber.services.cards import moving as card_moving
from mynumber.services.cards import use as card_use
from mynumber.services.core.context import Caller
from mynumber.services.core.refs import PersonRef

router = APIRouter(tags=["My Number Card"])


def _bytes(field: str, text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(
            field, "Send the image as base64.", "画像はbase64で送ってください。"
        ) from None


class RepresentativeRequest(BaseModel):
    """The legal representative (法定代理人) of a child under 15, as read from their own ID."""

    name_latin: str = Field(max_length=NAME_LENGTH)
    date_of_birth: dt.date
    relation: Relation = Field(examples=["parent"])
    id_documents: list[IdDocument] = Field(
        max_length=len(IdDocument),
        examples=[["driving_licence"]],
        description="The representative's own documents (a photo ID among them)",
    )

    def domain(self) -> LegalRepresentative:
        return representative_shown(
            name_latin=self.name_latin,
            date_of_birth=self.date_of_birth,
            relation=self.relation,
            id_documents=parse_id_documents(self.id_documents),
        )


def _representative(body: RepresentativeRequest | None) -> LegalRepresentative | None:
    return body.domain() if body is not None else None


class ApplicationRequest(BaseModel):
    channel: Channel = Field(examples=["smartphone"])
    photo_base64: str | None = Field(
        default=None, description="JPEG or PNG, base64 (none for an infant under 1)"
    )
    taken_within_six_months: bool
    no_headwear: bool
    plain_background: bool
    application_id: str | None = Field(default=None, description="23 digits, from the letter")
    person_id: PersonRef | None = Field(default=None, description="At the counter")
    express_reason: ExpressReason | None = None
    reissue_reason: ReissueReason | None = Field(
        default=None,
        description="endorsement_field_full: reissue a card in hand whose endorsement field "
        "(追記欄) is full (free; refused while a line is left)",
    )
    legal_representative: RepresentativeRequest | None = Field(
        default=None, description="Who applies for a child under 15"
    )
    user_authentication_pin: str | None = Field(
        default=None,
        description="Express only: the card is mailed by registered post, so its PINs are "
        "chosen now (4 digits each; the signature PIN from 15)",
    )
    resident_registry_pin: str | None = None
    card_info_input_pin: str | None = None
    signature_pin: str | None = None

    def pins(self) -> card_counter.InitialPins | None:
        return _initial_pins(
            self.user_authentication_pin,
            self.resident_registry_pin,
            self.card_info_input_pin,
            self.signature_pin,
        )


def _photo(photo_base64: str | None) -> bytes | None:
    return _bytes("photo", photo_base64) if photo_base64 is not None else None


def _declaration(body: ApplicationRequest | OnlineApplicationRequest) -> PhotoDeclaration:
    return PhotoDeclaration(body.taken_within_six_months, body.no_headwear, body.plain_background)


@router.post("/cards/applications", status_code=201)
def apply_for_card(
    body: ApplicationRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> card_applications.ApplicationView:
    """交付申請 — apply for the card (smartphone, PC, counter or photo booth)."""
    view = card_applications.apply_for_card(
        uow.session,
        svc,
        caller=caller,
        channel=body.channel,
        photo=_photo(body.photo_base64),
        declaration=_declaration(body),
        application_id=body.application_id,
        person_id=body.person_id,
        express_reason=body.express_reason,
        representative=_representative(body.legal_representative),
        pins=body.pins(),
        reissue_reason=body.reissue_reason,
    )
    uow.commit()
    return view


class OnlineApplicationRequest(BaseModel):
    channel: Channel = Field(examples=["smartphone"], description="smartphone or pc")
    application_id: str = Field(max_length=30, description="23 digits, from the letter")
    photo_base64: str | None = Field(
        default=None, description="JPEG or PNG, base64 (none for an infant under 1)"
    )
    taken_within_six_months: bool
    no_headwear: bool
    plain_background: bool
    express_reason: ExpressReason | None = None
    legal_representative: RepresentativeRequest | None = Field(
        default=None, description="Who applies for a child under 15"
    )


ONLINE = Caller(name="Online card application (API)", role=Role.RESIDENT)
"""The online application, as the `/apply` page is: no one signed in, the letter's application
ID relates it to its person (whoever holds the letter)."""


@router.post(
    "/cards/applications/online",
    status_code=201,
    response_model=card_applications.ApplicationView,
    openapi_extra=LETTER_IS_CREDENTIAL,
)
def apply_online(
    body: OnlineApplicationRequest, uow: UowDep, svc: ServicesDep
) -> card_applications.ApplicationView:
    """交付申請 by smartphone or PC with the letter's application ID (no token: a resident has
    none before the card), as the online form does."""
    if body.channel not in (Channel.SMARTPHONE, Channel.PC):
        raise invalid(
            "channel",
            "Online, apply by smartphone or PC.",
            "オンライン申請はスマートフォンまたはパソコンから行います。",
        )
    view = card_applications.apply_for_card(
        uow.session,
        svc,
        caller=ONLINE,
        channel=body.channel,
        photo=_photo(body.photo_base64),
        declaration=_declaration(body),
        application_id=body.application_id,
        express_reason=body.express_reason,
        representative=_representative(body.legal_representative),
    )
    uow.commit()
    return view


@router.get("/cards/applications/{application_id}")
def ask_after_application(
    application_id: str, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> card_applications.ApplicationView:
    """Where an application stands, by its 23-digit application ID."""
    view = card_applications.ask_after_application(
        uow.session, svc, caller=caller, application_id=application_id
    )
    uow.commit()
    return view


@router.get(
    "/cards/applications/{application_id}/pickup-notice.pdf",
    response_class=Response,
    responses=file_response("application/pdf", "The pickup notice, PDF"),
)
def pickup_notice(
    application_id: str, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> Response:
    """The pickup notice (交付通知書) as a PDF postcard."""
    pdf = card_centre.pickup_notice_pdf(
        uow.session, svc, caller=caller, application_id=application_id
    )
    uow.commit()
    return Response(pdf, media_type="application/pdf")


@router.get(
    "/cards/applications/{application_id}/receipt.pdf",
    response_class=Response,
    responses=file_response("application/pdf", "The fee receipt, PDF"),
)
def fee_receipt(application_id: str, caller: CallerDep, uow: UowDep, svc: ServicesDep) -> Response:
    """領収書 — the receipt of a reissue fee paid at the counter (``domain.fees``)."""
    pdf = card_fees.fee_receipt_pdf(uow.session, svc, caller=caller, application_id=application_id)
    uow.commit()
    return Response(pdf, media_type="application/pdf")


@router.post("/card-centre/jobs")
def run_jobs(caller: CallerDep, uow: UowDep, svc: ServicesDep) -> card_centre.JobReport:
    """Run what is due: manufacture, the post, expiry notices, lapsed cards."""
    from mynumber.domain.access import Role
    from mynumber.services.core.policy import require_role

    require_role(caller, Role.CARD_CENTRE)
    report = card_centre.run_daily_jobs(uow.session, svc)
    uow.commit()
    return report


class IdentityRequest(BaseModel):
    name_latin: str = Field(max_length=NAME_LENGTH)
    date_of_birth: dt.date
    residence_card_number: str | None = Field(default=None, max_length=12)
    id_documents: list[IdDocument] = Field(
        max_length=len(IdDocument), examples=[["residence_card", "notification_letter"]]
    )

    def shown(self) -> IdentityShown:
        return IdentityShown(self.name_latin, self.date_of_birth, self.residence_card_number)


class ProxyRequest(BaseModel):
    """代理人: the proxy's own ID as read by staff, the holder's reply form and the reason."""

    name_latin: str = Field(max_length=NAME_LENGTH)
    date_of_birth: dt.date
    id_documents: list[IdDocument] = Field(max_length=len(IdDocument), examples=[["passport"]])
    reason: str = Field(
        max_length=40,
        description="Why the holder cannot come: illness, disability, aged_75_or_over, "
        "pregnancy, study or hospital_stay (any other is refused)",
    )
    reply_form_shown: bool = Field(
        description="The 照会書兼回答書 filled in by the holder (the PINs sealed in it)"
    )

    def shown(self) -> ProxyShown:
        return ProxyShown(
            IdentityShown(self.name_latin, self.date_of_birth),
            parse_id_documents(self.id_documents),
            self.reason,
            self.reply_form_shown,
        )


class CollectRequest(IdentityRequest):
    """The holder's identity and papers; with ``proxy``, brought by a 代理人 (the PINs are
    then the ones the holder sealed in the reply form)."""

    proxy: ProxyRequest | None = None
    pickup_notice_shown: bool = True
    user_authentication_pin: str | None = Field(default=None, description="Not for a face card")
    resident_registry_pin: str | None = None
    card_info_input_pin: str | None = None
    signature_pin: str | None = Field(default=None, description="From 15, not for a face card")
    face_authentication: bool = Field(
        default=False, description="顔認証マイナンバーカード: no PINs, no signature certificate"
    )
    legal_representative: RepresentativeRequest | None = Field(
        default=None, description="Comes with a child under 15 and sets the PINs"
    )

    def pins(self) -> card_counter.InitialPins | None:
        return _initial_pins(
            self.user_authentication_pin,
            self.resident_registry_pin,
            self.card_info_input_pin,
            self.signature_pin,
        )


def _initial_pins(
    user_authentication: str | None,
    resident_registry: str | None,
    card_info_input: str | None,
    signature: str | None,
) -> card_counter.InitialPins | None:
    """The PINs chosen (none sent: ``None``; some of the 4-digit ones only: named)."""
    four = (user_authentication, resident_registry, card_info_input)
    if all(pin is None for pin in (*four, signature)):
        return None
    for kind, pin in zip(FOUR_DIGIT_KINDS, four, strict=True):
        if pin is None:
            raise invalid(kind.field, "Choose this PIN.", "この暗証番号を設定してください。")
    return card_counter.InitialPins(four[0] or "", four[1] or "", four[2] or "", signature)


@router.post("/cards/applications/{application_id}/collect")
def collect_card(
    application_id: str, body: CollectRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> card_counter.Collection:
    """交付 — hand the card to its owner, who sets the PINs (under 15: with the legal
    representative, who sets them; a face-authentication card: none)."""
    done = card_counter.collect_card(
        uow.session,
        svc,
        caller=caller,
        application_id=application_id,
        identity=body.shown(),
        id_documents=parse_id_documents(body.id_documents),
        pickup_notice_shown=body.pickup_notice_shown,
        proxy=body.proxy.shown() if body.proxy else None,
        pins=body.pins(),
        representative=_representative(body.legal_representative),
        face_authentication=body.face_authentication,
    )
    uow.commit()
    return done


@router.get("/cards/{serial}")
def card_status(
    serial: str, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> card_use.CardStatusView:
    """The card's status, dates, tries left and the first problem a use would meet."""
    view = card_use.card_status(uow.session, svc, caller=caller, card_serial=serial)
    uow.commit()
    return view


class UseRequest(BaseModel):
    pin_kind: PinKind = PinKind.USER_AUTHENTICATION
    pin: str
    checks_address: bool = False


class CardUsable(BaseModel):
    serial: str
    usable: bool = Field(description="Always true: a card that cannot be used is refused")


@router.post("/cards/{serial}/use", response_model=CardUsable)
def use_card(
    serial: str, body: UseRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> CardUsable:
    """A terminal checks the card, then the PIN on the chip."""
    card = card_use.use_card(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        pin_kind=body.pin_kind,
        pin=body.pin,
        checks_address=body.checks_address,
    )
    uow.commit()
    return CardUsable(serial=card.serial, usable=True)


class ResetRequest(IdentityRequest):
    new_pin: str


class PinReset(BaseModel):
    serial: str
    pin: str = Field(description="Which PIN was reset")
    reset: bool = Field(description="Always true: a reset that fails is refused")


@router.post("/cards/{serial}/pins/{pin_kind}/reset", response_model=PinReset)
def reset_pin(
    serial: str,
    pin_kind: PinKind,
    body: ResetRequest,
    caller: CallerDep,
    uow: UowDep,
    svc: ServicesDep,
) -> PinReset:
    """暗証番号の初期化 — at the ward office, in person."""
    card_counter.reset_pin(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        pin=pin_kind,
        new_pin=body.new_pin,
        identity=body.shown(),
        id_documents=parse_id_documents(body.id_documents),
    )
    uow.commit()
    return PinReset(serial=serial, pin=pin_kind.value, reset=True)


class KioskChallengeResponse(BaseModel):
    nonce: str = Field(description="32 random bytes, base64, issued to this terminal")
    expires_at: dt.datetime
    step: KioskStep = Field(description="The step the card's signature will prove")
    to_sign: str = Field(
        description="What the card signs after the step's PIN, base64: "
        "domain.terminal.kiosk_message(nonce, terminal, serial, "
        "step)"
    )


class CardProofRequest(BaseModel):
    nonce: str = Field(description="The nonce, base64, as received from the challenge")
    certificate: str = Field(
        description="The card's certificate of the step's PIN (signature "
        "PIN: the signature certificate; 4-digit PIN: the "
        "user-authentication certificate), DER, base64"
    )
    signature: str = Field(description="The card's signature over to_sign, base64")

    def proof(self) -> kiosk.CardProof:
        return kiosk.CardProof(
            nonce=decode("nonce", self.nonce),
            certificate_der=decode("certificate", self.certificate),
            signature=decode("signature", self.signature),
        )


class KioskResetRequest(BaseModel):
    nonce: str | None = Field(default=None, description="The nonce, base64, from the challenge")
    certificate: str | None = Field(
        default=None,
        description="The card's certificate of the step's PIN, DER, base64 (as in the challenge)",
    )
    signature: str | None = Field(
        default=None,
        description="The card's signature over "
        "to_sign, base64. Without the three: refused, no try spent",
    )
    live_image_base64: str | None = Field(
        default=None, description="The kiosk camera's image (user-authentication PIN reset), base64"
    )
    new_pin: str

    def proof(self) -> kiosk.CardProof | None:
        if self.nonce is None or self.certificate is None or self.signature is None:
            return None
        return CardProofRequest(
            nonce=self.nonce, certificate=self.certificate, signature=self.signature
        ).proof()


def _challenge(made: kiosk.KioskChallenge) -> KioskChallengeResponse:
    return KioskChallengeResponse(
        nonce=base64.b64encode(made.nonce).decode(),
        expires_at=made.expires_at,
        step=made.step,
        to_sign=base64.b64encode(made.to_sign).decode(),
    )


@router.post(
    "/kiosk/cards/{serial}/pins/{pin_kind}/challenge",
    status_code=201,
    response_model=KioskChallengeResponse,
)
def kiosk_challenge(
    serial: str, pin_kind: PinKind, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> KioskChallengeResponse:
    """A fresh nonce for resetting ``pin_kind`` on the card in this kiosk's reader (5
    minutes, once): the card signs ``to_sign`` after the other credential's PIN."""
    made = kiosk.challenge(uow.session, svc, caller=caller, card_serial=serial, pin=pin_kind)
    uow.commit()
    return _challenge(made)


@router.post("/kiosk/cards/{serial}/pins/{pin_kind}/reset", response_model=PinReset)
def kiosk_reset(
    serial: str,
    pin_kind: PinKind,
    body: KioskResetRequest,
    caller: CallerDep,
    uow: UowDep,
    svc: ServicesDep,
) -> PinReset:
    """コンビニでの初期化 — the kiosk resets a PIN on the card in its own reader
    (``kiosk.reset_pin_at_kiosk``): the card proves it is there, and that the other
    credential's PIN was entered on it, by signing the challenge's ``to_sign`` with that PIN's
    key (the signature key to reset the user-authentication PIN, with a face match against
    the chip's photo; the user-authentication key to reset the signature PIN, after a
    smartphone pre-application). Without that proof — another card's, another kiosk's,
    another step's, a spent nonce — it is refused before any PIN (403
    ``card-not-in-terminal``, audited): no try is spent."""
    image = (
        _bytes("live_image", body.live_image_base64) if body.live_image_base64 is not None else None
    )
    kiosk.reset_pin_at_kiosk(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        pin=pin_kind,
        new_pin=body.new_pin,
        live_image=image,
        proof=body.proof(),
    )
    uow.commit()
    return PinReset(serial=serial, pin=pin_kind.value, reset=True)


class PreApplicationRequest(CardProofRequest):
    live_image_base64: str = Field(description="The smartphone camera's face photo, base64")


class PreApplied(BaseModel):
    serial: str
    pin: PinKind
    usable_until: dt.datetime = Field(description="Reset at a kiosk before this moment")


@router.post(
    "/cards/{serial}/pins/{pin_kind}/pre-application/challenge",
    status_code=201,
    response_model=KioskChallengeResponse,
)
def pre_application_challenge(
    serial: str, pin_kind: PinKind, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> KioskChallengeResponse:
    """The smartphone's nonce for a pre-application (the holder's own token)."""
    made = kiosk.challenge(
        uow.session, svc, caller=caller, card_serial=serial, pin=pin_kind, pre_application=True
    )
    uow.commit()
    return _challenge(made)


@router.post(
    "/cards/{serial}/pins/{pin_kind}/pre-application", status_code=201, response_model=PreApplied
)
def pre_apply(
    serial: str,
    pin_kind: PinKind,
    body: PreApplicationRequest,
    caller: CallerDep,
    uow: UowDep,
    svc: ServicesDep,
) -> PreApplied:
    """事前申請 — with the smartphone and the card: the card signs ``to_sign`` after the
    4-digit PIN and the face photo matches the chip's; then the signature PIN can be reset at
    a kiosk within 24 hours."""
    until = kiosk.pre_apply(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        pin=pin_kind,
        proof=body.proof(),
        live_image=_bytes("live_image", body.live_image_base64),
    )
    uow.commit()
    return PreApplied(serial=serial, pin=pin_kind, usable_until=until)


class ValidityRequest(IdentityRequest):
    status_of_residence: str = Field(max_length=60)
    period_of_stay_ends: dt.date | None = None
    renewed_residence_card_number: str | None = Field(
        default=None,
        max_length=14,
        examples=["CD87654321EF"],
        description="The renewed residence card's new number (the card shown); recorded in "
        "the register with the new stay",
    )


class EndorsementFieldView(BaseModel):
    """The card face's endorsement field (追記欄) after a change written on it."""

    endorsement_lines_used: int
    endorsement_lines_left: int
    endorsement_field_full: bool
    notice_en: str = Field(description="When full: the card should be reissued (free)")
    notice_ja: str


def _field_view(field: EndorsementField) -> dict[str, Any]:
    en, ja = full_field_notice(field) or ("", "")
    return EndorsementFieldView(
        endorsement_lines_used=field.lines_used,
        endorsement_lines_left=max(field.lines_left, 0),
        endorsement_field_full=field.full,
        notice_en=en,
        notice_ja=ja,
    ).model_dump()


class ValidityChanged(EndorsementFieldView):
    serial: str
    expires_on: dt.date | None
    certificates_expire_on: dt.date | None


@router.post("/cards/{serial}/validity", response_model=ValidityChanged)
def change_validity(
    serial: str, body: ValidityRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> ValidityChanged:
    """有効期間変更 — after the residence card was renewed."""
    card = card_counter.change_validity(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        status_of_residence=body.status_of_residence,
        period_of_stay_ends=body.period_of_stay_ends,
        identity=body.shown(),
        id_documents=parse_id_documents(body.id_documents),
        renewed_residence_card_number=body.renewed_residence_card_number,
    )
    uow.commit()
    return ValidityChanged(
        serial=serial,
        expires_on=card.expires_on,
        certificates_expire_on=card.certificates_expire_on,
        **_field_view(card_endorsements.field(uow.session, serial)),
    )


class ValidityExtended(BaseModel):
    serial: str
    expires_on: dt.date | None


@router.post("/cards/{serial}/validity/extension", response_model=ValidityExtended)
def extend_validity(
    serial: str, body: IdentityRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> ValidityExtended:
    """特例期間 — the one-off 2-month extension while a stay renewal is pending."""
    card = card_counter.extend_validity_while_renewal_pending(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        identity=body.shown(),
        id_documents=parse_id_documents(body.id_documents),
    )
    uow.commit()
    return ValidityExtended(serial=serial, expires_on=card.expires_on)


@router.get(
    "/cards/{serial}/renewal-notice.pdf",
    response_class=Response,
    responses=file_response("application/pdf", "The expiry notice, PDF"),
)
def renewal_notice(serial: str, caller: CallerDep, uow: UowDep, svc: ServicesDep) -> Response:
    """The expiry notice (有効期限通知書) as a PDF."""
    pdf = card_centre.renewal_notice_pdf(uow.session, svc, caller=caller, card_serial=serial)
    uow.commit()
    return Response(pdf, media_type="application/pdf")


class CertificatesRenewed(BaseModel):
    serial: str
    certificates_expire_on: dt.date | None


@router.post("/cards/{serial}/certificates/renew", response_model=CertificatesRenewed)
def renew_certificates(
    serial: str, body: IdentityRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> CertificatesRenewed:
    """電子証明書の更新 — from 3 months before they expire."""
    card = card_counter.renew_certificates(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        identity=body.shown(),
        id_documents=parse_id_documents(body.id_documents),
    )
    uow.commit()
    return CertificatesRenewed(serial=serial, certificates_expire_on=card.certificates_expire_on)


class ChipUpdated(EndorsementFieldView):
    serial: str
    chip_address: str = Field(description="The address now written on the chip")


@router.post("/cards/{serial}/chip-update", response_model=ChipUpdated)
def update_chip(
    serial: str, body: IdentityRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> ChipUpdated:
    """継続利用 / 券面事項変更 — write the registered address on the chip."""
    card = card_moving.update_chip_after_move(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        identity=body.shown(),
        id_documents=parse_id_documents(body.id_documents),
    )
    field = card_endorsements.field(uow.session, serial)
    uow.commit()
    return ChipUpdated(serial=serial, chip_address=card.chip_address, **_field_view(field))


class CardStatusChanged(BaseModel):
    serial: str
    status: str = Field(description="The card's status now")


@router.post("/cards/{serial}/lost", response_model=CardStatusChanged)
def report_lost(serial: str, caller: CallerDep, uow: UowDep, svc: ServicesDep) -> CardStatusChanged:
    """紛失・盗難 — the card is suspended at once."""
    card = card_counter.report_lost(uow.session, svc, caller=caller, card_serial=serial)
    uow.commit()
    return CardStatusChanged(serial=serial, status=card.status)


class SuspensionLifted(BaseModel):
    serial: str
    status: str = Field(description="The card's status now (active)")
    certificates_expire_on: dt.date | None = Field(
        description="The new certificates' expiry (the revoked ones stay revoked)"
    )


@router.post("/cards/{serial}/lift-suspension", response_model=SuspensionLifted)
def lift_suspension(
    serial: str, body: IdentityRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> SuspensionLifted:
    """一時停止の解除 — the lost card was found: the holder brings it with ID; new
    certificates are issued (unless a reissued card already replaced it: 409)."""
    card = card_counter.lift_suspension(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        identity=body.shown(),
        id_documents=parse_id_documents(body.id_documents),
    )
    uow.commit()
    return SuspensionLifted(
        serial=serial, status=card.status, certificates_expire_on=card.certificates_expire_on
    )


@router.post("/cards/{serial}/return", response_model=CardStatusChanged)
def return_card(
    serial: str, body: IdentityRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> CardStatusChanged:
    """返納 — the holder hands the card back in person, identity checked (a photo ID that is
    theirs; the card itself counts): it is invalidated and its chip erased."""
    card = card_counter.return_card(
        uow.session,
        svc,
        caller=caller,
        card_serial=serial,
        identity=body.shown(),
        id_documents=parse_id_documents(body.id_documents),
    )
    uow.commit()
    return CardStatusChanged(serial=serial, status=card.status)
