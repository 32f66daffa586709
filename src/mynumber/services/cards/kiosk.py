"""コンビニのキオスク端末 — the convenience-store kiosk: resetting a PIN on the card in its reader.

Rules (``domain.kiosk``; RULES.md "unlock / reset"; J-LIS JPKI暗証番号リセット; Naha, Toda and
Niigata city guidance):

- the **4-digit user-authentication PIN**: after the resident authenticates with the *other*
  credential — the signature PIN, verified on the chip (a wrong one costs one of its 5 tries)
  — and a face match between the camera and the chip photo;
- the **signature PIN**: after a smartphone pre-application (``pre_apply``: the card signs
  after its 4-digit PIN, and the face photo matches the chip's), within 24 hours, with the
  4-digit PIN entered on the card at the kiosk;
- the other 4-digit PINs are reset at the ward office in person; nothing is reset online
  without the card.

The kiosk does only its job (issue 15, "terminals do only their job"): every step happens on
the card in the kiosk's own reader, checked by the access policy (``Action.USE_CARD``, audited
either way) **before** any PIN or face step — a kiosk never names a card by serial and spends
its PIN tries — and the only PIN it enters is the step's other credential
(``domain.policy.terminal_may_verify``). The reader is either

- ``reader``, its ``CardSession`` with the card the resident placed (the kiosk's page and the
  CLI, where the server plays the reader): the PIN is verified on that session; or
- ``proof`` (the API, a real kiosk): the card, in the kiosk's reader, signed
  ``domain.terminal.kiosk_message`` — a fresh nonce issued to this kiosk (``challenge``), the
  card's serial and the step — with the key of the step's PIN after that PIN. The PIN never
  leaves the kiosk; the signature proves both the card and the PIN.

Photo-booth card applications go through ``card_applications`` (channel
``photo_booth``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_card import Card
from mynumber.adapters.db.models_pki import PinResetPreApplication
from mynumber.adapters.face import FaceMatcher
from mynumber.card import CardFile
from mynumber.card.session import CardSession
from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden, invalid
from mynumber.domain.kiosk import (
    PRE_APPLICATION_VALIDITY,
    KioskStep,
    kiosk_reset,
    no_pre_application,
    pre_application_usable,
)
from mynumber.domain.pins import PinKind, check_pin, check_pin_format
from mynumber.domain.policy import Action, terminal_may_verify
from mynumber.domain.terminal import kiosk_message
from mynumber.pki.challenge import verify_challenge_signature
from mynumber.pki.errors import CertificateWrongPurpose, SignatureInvalid
from mynumber.pki.profiles import is_signature_certificate
from mynumber.pki.verify import verify_certificate
from mynumber.services.cards import records as card_records
from mynumber.services.cards import use as card_use
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, refusals_audited, require_role
from mynumber.services.core.records import get_person
from mynumber.services.jpki import card_auth
from mynumber.services.jpki.certificates import certificate_record, revocation_lookup


@dataclass(frozen=True)
class CardProof:
    """The card's proof that it is in the terminal's reader and its PIN was entered: its
    certificate (of the PIN's key) and its signature over ``domain.terminal.kiosk_message``
    for ``nonce``, fresh from ``challenge``."""

    nonce: bytes
    certificate_der: bytes
    signature: bytes


@dataclass(frozen=True)
class KioskChallenge:
    """A nonce for one step on one card at this terminal, and the 32 bytes the card signs."""

    nonce: bytes
    expires_at: dt.datetime
    step: KioskStep
    to_sign: bytes


def challenge(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    pin: PinKind,
    pre_application: bool = False,
) -> KioskChallenge:
    """A fresh nonce for resetting ``pin`` on the card placed at this kiosk (or, for the
    ``pre_application``, read by this resident's smartphone), bound by the message to the
    terminal, the card and the step.
    Nothing about the card is looked up: a nonce tells no one whether a serial exists."""
    require_role(caller, Role.RESIDENT if pre_application else Role.KIOSK)
    rule = kiosk_reset(pin)
    step = KioskStep.PRE_APPLICATION if pre_application else rule.step
    issued = card_auth.issue_challenge(session, svc, caller=caller)
    return KioskChallenge(
        issued.nonce,
        issued.expires_at,
        step,
        kiosk_message(issued.nonce, caller.name, card_serial, step),
    )


# --- the smartphone's pre-application (事前申請) ----------------------------------------------


@refusals_audited
def pre_apply(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    pin: PinKind,
    proof: CardProof,
    live_image: bytes,
    matcher: FaceMatcher | None = None,
) -> dt.datetime:
    """事前申請: the resident's smartphone reads the card, the card signs the pre-application
    step after the 4-digit PIN, and the selfie matches the chip's photo; the kiosk may then
    reset ``pin`` on that card until the returned moment (``PRE_APPLICATION_VALIDITY``)."""
    require_role(caller, Role.RESIDENT)
    rule = kiosk_reset(pin)
    if not rule.needs_pre_application:
        raise invalid(
            "pin",
            f"The {pin.name_en} is reset at the kiosk without a pre-application.",
            f"{pin.name_ja}は事前申請なしでキオスク端末で初期化できます。",
        )
    proved = _proved_card(
        session,
        svc,
        caller,
        proof,
        rule.proved_by,
        KioskStep.PRE_APPLICATION,
        card_serial=card_serial,
    )
    card = card_records.get_card(session, card_serial)
    authorise(
        session,
        svc,
        caller,
        Action.USE_CARD,
        Subject(card.person_id, card_in_terminal=proved is not None),
    )
    if proved is None:  # the holder's own card, but not the one that signed this step
        raise Forbidden(
            "This card did not sign the pre-application: read the card applied "
            "for with the phone, and enter its 4-digit PIN.",
            "このカードによる事前申請の署名ではありません。申請するカードをスマートフォンで"
            "読み取り、利用者証明用暗証番号を入力してください。",
            reason="card-not-in-terminal",
        )
    card_use.require_usable(session, svc, card=card, pin=rule.proved_by)
    _match_face(card_records.chip_photo_of(svc, card), live_image, matcher)
    now = svc.clock.now()
    session.add(PinResetPreApplication(card_serial=card.serial, pin_kind=pin.value, made_at=now))
    session.flush()
    audit.record(
        session,
        caller=caller,
        action="pre_apply_pin_reset",
        person_id=card.person_id,
        at=now,
        detail=f"card {card.serial}: {pin.value}",
    )
    return now + PRE_APPLICATION_VALIDITY


# --- the kiosk ----------------------------------------------------------------------------


@refusals_audited
def reset_pin_at_kiosk(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    pin: PinKind,
    new_pin: str,
    signature_pin: str = "",
    user_authentication_pin: str = "",
    live_image: bytes | None = None,
    matcher: FaceMatcher | None = None,
    reader: CardSession | None = None,
    proof: CardProof | None = None,
) -> None:
    """Reset ``pin`` at a kiosk on the card in its reader: the other credential's PIN on that
    card (``signature_pin`` or ``user_authentication_pin`` in ``reader``; or ``proof``), the
    face match or the pre-application ``domain.kiosk`` asks for, then the new PIN on it.

    Without ``reader`` holding the card of ``card_serial`` or a ``proof`` signed by that card
    for this kiosk and step, the reset is refused before any PIN is entered
    (``card-not-in-terminal``, audited): no try is spent."""
    require_role(caller, Role.KIOSK)
    rule = kiosk_reset(pin)
    card = card_records.get_card(session, card_serial, lock=True)
    if reader is not None:
        in_reader = reader.chip.card_id == card.serial
    elif proof is not None:
        proved = _proved_card(
            session, svc, caller, proof, rule.proved_by, rule.step, card_serial=card.serial
        )
        in_reader = proved is not None and proved.serial == card.serial
    else:
        in_reader = False
    authorise(
        session, svc, caller, Action.USE_CARD, Subject(card.person_id, card_in_terminal=in_reader)
    )
    job = terminal_may_verify(caller.role, rule.proved_by)
    if not job.allowed:  # kept here so a change to the table shows
        raise Forbidden(job.message_en, job.message_ja, reason=job.reason)
    entered = signature_pin if rule.proved_by is PinKind.SIGNATURE else user_authentication_pin
    if reader is not None:
        check_pin_format(rule.proved_by, entered)
    card = card_use.require_usable(session, svc, card=card, pin=rule.proved_by)
    person = get_person(session, card.person_id)
    check_pin(pin, new_pin, date_of_birth=person.date_of_birth)
    now = svc.clock.now()
    pre_application = (
        _pre_application(session, card.serial, pin, now) if rule.needs_pre_application else None
    )
    if rule.needs_pre_application and pre_application is None:
        raise no_pre_application()
    if reader is not None:
        reader.verify(rule.proved_by, entered)  # counted on the chip in the reader
    if rule.face_at_kiosk:
        if live_image is None:
            raise invalid(
                "live_image",
                "Look at the camera: the face is matched with the card's photo.",
                "カメラを見てください。カードの顔写真と照合します。",
            )
        chip_photo = (
            reader.read(CardFile.PHOTO)
            if reader is not None
            else card_records.chip_photo_of(svc, card)
        )
        _match_face(chip_photo, live_image, matcher)
    if pre_application is not None:
        pre_application.used_at = now
    audit.record(
        session,
        caller=caller,
        action="reset_pin_at_kiosk",
        person_id=person.id,
        at=now,
        detail=f"card {card.serial}: {pin.value}",
    )
    chip = reader.chip if reader is not None else card_records.chip_of(svc, card)
    chip.reset_pin(pin, new_pin)


def _pre_application(
    session: Session, card_serial: str, pin: PinKind, now: dt.datetime
) -> PinResetPreApplication | None:
    """The card's latest unused pre-application for ``pin`` if still usable
    (``domain.kiosk.pre_application_usable``), locked so that two kiosks cannot both use it."""
    latest = session.scalars(
        select(PinResetPreApplication)
        .where(
            PinResetPreApplication.card_serial == card_serial,
            PinResetPreApplication.pin_kind == pin.value,
            PinResetPreApplication.used_at.is_(None),
        )
        .order_by(PinResetPreApplication.made_at.desc())
        .limit(1)
        .with_for_update()
    ).first()
    if latest is None or not pre_application_usable(latest.made_at, latest.used_at, now):
        return None
    return latest


def _match_face(chip_photo: bytes, live_image: bytes, matcher: FaceMatcher | None) -> None:
    if not (matcher or FaceMatcher()).match(chip_photo, live_image).matched:
        raise Forbidden(
            "The face in the camera does not match the card's photo. Try again "
            "facing the camera, or have the PIN reset at the ward office.",
            "カメラの顔がカードの顔写真と一致しません。正面を向いてもう一度お試しいただくか、"
            "市区町村の窓口で初期化してください。",
            reason="face_mismatch",
        )


def _proved_card(
    session: Session,
    svc: Services,
    caller: Caller,
    proof: CardProof,
    pin: PinKind,
    step: KioskStep,
    *,
    card_serial: str | None = None,
) -> Card | None:
    """The card that signed ``step`` for ``caller`` over a fresh nonce issued to it, with the
    key of ``pin`` (so after that PIN); ``None`` when the signature or the certificate's card
    is not the one the step names. The nonce is spent whatever the verdict."""
    now = svc.clock.now()
    card_auth.check_nonce_format(proof.nonce)
    if not card_auth.spend_challenges(session, [(caller, proof.nonce)], now):
        raise card_auth.challenge_refusal(session, caller, proof.nonce, now)
    certificate, card = _card_of_certificate(session, svc, proof.certificate_der, pin)
    if card_serial is not None and card.serial != card_serial:
        return None
    try:
        verify_challenge_signature(
            certificate, kiosk_message(proof.nonce, caller.name, card.serial, step), proof.signature
        )
    except SignatureInvalid:
        return None
    return card


def _card_of_certificate(
    session: Session, svc: Services, der: bytes, pin: PinKind
) -> tuple[x509.Certificate, Card]:
    """The active card of a certificate of ``pin``'s key: the user-authentication one as
    ``card_auth`` checks it; the signature one by the same checks (chain, validity, not
    revoked, the authority's record) but of the signature kind."""
    if pin is PinKind.USER_AUTHENTICATION:
        return card_auth.identify_card(session, svc, certificate_der=der)
    certificate = card_auth.load_certificate(der)
    verify_certificate(
        certificate, svc.ca, at=svc.clock.now(), is_revoked=revocation_lookup(session)
    )
    if not is_signature_certificate(certificate):
        raise CertificateWrongPurpose(
            "This step is signed with the signature certificate's key (after the signature "
            "PIN), not the user-authentication one.",
            "この手続きは署名用電子証明書の鍵（署名用暗証番号の入力後）で署名してください。",
            serial=certificate.serial_number,
        )
    record = certificate_record(session, certificate)
    card = (
        None
        if record is None
        else session.scalars(select(Card).where(Card.serial == record.card_serial)).first()
    )
    return certificate, card_auth.active_card(card, certificate)
