"""カードの窓口 — the ward office's card counter: collection, PIN reset, validity, loss, return.

Rules (the guide; RULES.md "The card"; ``domain.cards``, ``domain.pins``, ``domain.validity``):

- **Collection** (交付): the pickup notice (or the office holds it after a failed delivery),
  a photo ID that is the holder's own, and the notification letter (or the old notification
  card, which is then collected); a renewal brings the old card, which is collected and
  erased. The resident sets the PINs: three 4-digit PINs and, from age 15, the 6–16
  character signature PIN; trivial PINs are refused (``domain.pins`` policy). Under 15 the
  legal representative comes with the child and sets them (``domain.representation``); a
  face-authentication card has none (``domain.card_kinds``). The certificates are issued
  then, and the card becomes active.
- **By a proxy** (代理人): for a holder who cannot come (illness, disability, 75+, pregnancy,
  study, hospital stay), with the holder's reply form (照会書兼回答書, the PINs sealed in it)
  and both persons' photo IDs (``domain.proxies``).
- **PIN reset** (暗証番号の初期化): any PIN, at the ward office, in person, identity checked;
  never online (a kiosk resets the user-authentication PIN: ``services.kiosk``).
- **Validity change** (有効期間変更) after a residence card renewal, and the one-off 2-month
  extension while a stay renewal is pending (特例期間): ``domain.validity``.
- **Certificate renewal**: from 3 months before they expire; new keys, new certificates.
- **Loss or theft**: suspended at once, certificates revoked; a reissue is applied for
  (``card_applications``) and the lost card is never usable again.
- **Found** (一時停止の解除): a card reported lost and found is lifted against ID unless a
  reissued card replaced it; the revoked certificates stay revoked, new ones are issued
  (``domain.found_card``).
- **Return** (返納): in person, the holder's identity checked as at every counter action
  (a photo ID that is the holder's own — the card itself counts, being one); invalidated,
  chip erased, certificates revoked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import MailItem, Person, Registration
from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.card import Chip, KeySlot
from mynumber.domain.access import Purpose, Role
from mynumber.domain.card_kinds import check_face_card_request, no_signature_cause
from mynumber.domain.cards import (
    ApplicationKind,
    ApplicationStatus,
    CardStatus,
    IdentityShown,
    InvalidReason,
)
from mynumber.domain.endorsements import EndorsementKind
from mynumber.domain.errors import CardError, Conflict, Forbidden, invalid
from mynumber.domain.found_card import lift_refusal
from mynumber.domain.mail import MailKind, MailStatus
from mynumber.domain.pins import FOUR_DIGIT_KINDS, PinKind, check_pin
from mynumber.domain.policy import Action
from mynumber.domain.proxies import ProxyShown, check_proxy
from mynumber.domain.registration import IdDocument
from mynumber.domain.representation import LegalRepresentative, check_representation
from mynumber.domain.special_residence import check_ward_office_validity_change
from mynumber.domain.validity import (
    StayPermit,
    can_renew,
    is_expired,
    renewal_window_opens,
    validity_after_residence_renewal,
    validity_while_renewal_pending,
)
from mynumber.services.cards import endorsements
from mynumber.services.cards import records as card_records
from mynumber.services.cards import use as card_use
from mynumber.services.core import audit
from mynumber.services.core.access import check_own_municipality
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import (
    Subject,
    authorise,
    refusals_audited,
    require_role,
    role_refused,
)
from mynumber.services.core.records import (
    active_registration,
    get_person,
    require_active_registration,
)
from mynumber.services.jpki.certificates import issue_card_certificates, revoke_card_certificates
from mynumber.services.registry import residence_cards


@dataclass(frozen=True)
class InitialPins:
    """The PINs the resident chooses at collection (never stored: they go to the chip)."""

    user_authentication: str
    resident_registry: str
    card_info_input: str
    signature: str | None = None

    def __repr__(self) -> str:
        return "InitialPins(****)"


@dataclass(frozen=True)
class Collection:
    card_serial: str
    expires_on: dt.date | None
    certificates_expire_on: dt.date | None
    signature_certificate: bool
    notification_card_collected: bool
    old_card_collected: str | None
    face_authentication: bool = False
    no_signature: str | None = None  # why no signature certificate: ``NoSignature``
    legal_representative: str | None = None  # the relation of who acted for an under-15


@refusals_audited
def collect_card(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    application_id: str,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
    pins: InitialPins | None,
    pickup_notice_shown: bool = True,
    proxy: ProxyShown | None = None,
    representative: LegalRepresentative | None = None,
    face_authentication: bool = False,
) -> Collection:
    """交付: hand the card to its owner, who sets the PINs; the card becomes active.

    ``identity`` and ``id_documents`` are always the holder's. With ``proxy`` a 代理人
    collects for a holder who cannot come (``domain.proxies``): the reply form, a reason that
    qualifies and the proxy's own photo ID; the PINs are those the holder sealed in the form.

    Under 15 the legal representative comes with the child, shows their own photo ID and
    sets the PINs (``representative``; the child's name and date of birth are still matched,
    but the child need not have a photo ID of their own); a collection without them (or a
    proxy) is refused. ``face_authentication``: the holder asks for the face-authentication
    card (顔認証マイナンバーカード): no PINs are set (``pins`` is ``None``) and no signature
    certificate is issued (RULES.md "children", "face-authentication card")."""
    require_role(caller, Role.WARD_OFFICE)
    # Locked: a second collection of this card waits, then finds it collected (409).
    application = card_records.application_by_id(session, application_id, lock=True)
    # The policy before the application's state: another office learns nothing of it.
    authorise(session, svc, caller, Action.HANDLE_CARD, Subject(application.person_id))
    card = card_records.get_card(session, _ready_card(session, application).serial, lock=True)
    check_own_municipality(caller, card.municipality_code)
    person = get_person(session, card.person_id)
    reg = require_active_registration(session, person.id)
    from mynumber.services.cards import express  # it builds on this module

    if express.is_mailed(session, application):  # an express card the post brought back
        return express.hand_over_returned_card(
            session,
            svc,
            caller=caller,
            application=application,
            card=card,
            person=person,
            registration=reg,
            identity=identity,
            id_documents=id_documents,
            pins=pins,
            representative=representative,
            by_proxy=proxy is not None,
            face_authentication=face_authentication,
        )
    today = svc.clock.today()
    # A proxy collects for a child who cannot come with the reply form the representative
    # filled in (domain.proxies); otherwise the representative comes with an under-15.
    acting = (
        None
        if proxy is not None and representative is None
        else check_representation(
            representative, child_date_of_birth=person.date_of_birth, on=today
        )
    )
    card_records.check_holder(
        person,
        reg,
        identity=identity,
        id_documents=id_documents,
        photo_id_required=acting is None,
    )
    _check_papers(session, application, id_documents, pickup_notice_shown)
    by_proxy = (
        check_proxy(
            proxy,
            holder_name_latin=person.name_latin,
            holder_born=person.date_of_birth,
            today=today,
        )
        if proxy is not None
        else None
    )
    if face_authentication:
        check_face_card_request(today)
    signature = check_initial_pins(pins, person, today, face_authentication=face_authentication)
    _check_not_expired(card, today)
    old = retire_replaced_card(session, svc, application)
    card.status, card.collected_at = CardStatus.ACTIVE, svc.clock.now()
    card.face_authentication = face_authentication
    application.status = ApplicationStatus.COLLECTED
    session.flush()
    chip = card_records.chip_of(svc, card)
    issue_card_certificates(
        session, svc, card=card, chip=chip, person=person, address=reg.address, on=today
    )
    returned_card = IdDocument.NOTIFICATION_CARD in id_documents
    audit.record(
        session,
        caller=caller,
        action="collect_card",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}"
        + ("; notification card collected" if returned_card else "")
        + (f"; by a proxy ({by_proxy.value})" if by_proxy else "")
        + (f"; with the legal representative ({acting.relation.value})" if acting else "")
        + ("; face-authentication card, no PINs" if face_authentication else ""),
    )
    if pins is not None:
        chip.set_initial_pins(
            user_authentication=pins.user_authentication,
            resident_registry=pins.resident_registry,
            card_info_input=pins.card_info_input,
            signature=signature,
        )
    return Collection(
        card.serial,
        card.expires_on,
        card.certificates_expire_on,
        card.no_signature is None,
        returned_card,
        old,
        face_authentication=face_authentication,
        no_signature=card.no_signature,
        legal_representative=acting.relation.value if acting else None,
    )


def _ready_card(session: Session, application: CardApplication) -> Card:
    messages = {
        ApplicationStatus.RECEIVED: (
            "The card is still being made: wait for the pickup notice.",
            "カードはまだ作成中です。交付通知書をお待ちください。",
        ),
        ApplicationStatus.COLLECTED: (
            "This card has already been collected.",
            "このカードは既に交付済みです。",
        ),
        ApplicationStatus.CANCELLED: (
            "This application was cancelled; apply again.",
            "この申請は取り消されています。再度申請してください。",
        ),
    }
    if application.status in messages:
        en, ja = messages[ApplicationStatus(application.status)]
        raise Conflict(en, ja, reason=f"application_{application.status}")
    from mynumber.services.cards.applications import card_of_application

    return card_of_application(session, application)


def _check_not_expired(card: Card, today: dt.date) -> None:
    if card.expires_on is not None and is_expired(card.expires_on, today):
        raise CardError(
            f"This card expired on {card.expires_on} before it was collected (the "
            "period of stay ended). Apply for a new card.",
            f"このカードは交付前の{card.expires_on}に有効期限が切れました（在留期間の満了）。"
            "新しいカードを申請してください。",
            reason="expired",
        )


def _check_papers(
    session: Session, application: CardApplication, docs: tuple[IdDocument, ...], notice_shown: bool
) -> None:
    if not notice_shown and _notice_status(session, application) != MailStatus.HELD_AT_OFFICE:
        raise invalid(
            "pickup_notice",
            "Bring the pickup notice (交付通知書) that was mailed to you.",
            "郵送された交付通知書をお持ちください。",
        )
    kind = ApplicationKind(application.kind)
    if kind is ApplicationKind.NEW and not {
        IdDocument.NOTIFICATION_LETTER,
        IdDocument.NOTIFICATION_CARD,
    } & set(docs):
        raise invalid(
            "id_documents",
            "Bring your My Number notification letter (個人番号通知書) "
            "or the old notification card.",
            "個人番号通知書（または通知カード）をお持ちください。",
        )
    if kind is ApplicationKind.RENEWAL and IdDocument.MY_NUMBER_CARD not in docs:
        raise invalid(
            "id_documents",
            "Bring your current My Number Card: it is collected when the new one is handed over.",
            "現在お持ちのマイナンバーカードをお持ちください"
            "（新しいカードと引き換えに回収します）。",
        )


def _notice_status(session: Session, application: CardApplication) -> str | None:
    item = session.scalars(
        select(MailItem)
        .where(MailItem.kind == MailKind.PICKUP_NOTICE.value, MailItem.ref_id == application.id)
        .order_by(MailItem.id.desc())
    ).first()
    return item.status if item else None


def check_initial_pins(
    pins: InitialPins | None, person: Person, today: dt.date, *, face_authentication: bool
) -> str | None:
    """The PINs chosen for a new card (at collection, or at an express application), checked;
    the signature PIN to set, or ``None`` when the card has no signature certificate."""
    born = person.date_of_birth
    if face_authentication:
        if pins is not None:
            raise invalid(
                "pins",
                "A face-authentication card has no PINs: leave them empty.",
                "顔認証マイナンバーカードには暗証番号を設定しません。",
            )
        return None
    if pins is None:
        raise invalid(
            PinKind.USER_AUTHENTICATION.field,
            "Choose the card's PINs (or ask for a face-authentication card, which has none).",
            "カードの暗証番号を設定してください（暗証番号のない顔認証マイナンバーカードも選べます）。",
        )
    for kind, pin in zip(
        FOUR_DIGIT_KINDS,
        (pins.user_authentication, pins.resident_registry, pins.card_info_input),
        strict=True,
    ):
        check_pin(kind, pin, date_of_birth=born)
    if no_signature_cause(date_of_birth=born, issued_on=today, face_authentication=False):
        return None  # no signature certificate under 15: no signature PIN either
    if pins.signature is None:
        raise invalid(
            PinKind.SIGNATURE.field,
            "Choose the signature certificate PIN (6–16 uppercase letters and digits).",
            "署名用電子証明書の暗証番号（英大文字と数字の6〜16文字）を設定してください。",
        )
    return check_pin(PinKind.SIGNATURE, pins.signature, date_of_birth=born)


def retire_replaced_card(
    session: Session, svc: Services, application: CardApplication
) -> str | None:
    """The card a new one replaces, invalidated once the new one is in the holder's hands."""
    serial = application.replaces_card_serial
    if serial is None:
        return None
    old = card_records.get_card(session, serial)
    if old.status != CardStatus.INVALID:
        renewed = application.kind == ApplicationKind.RENEWAL
        in_hand = renewed or application.reissue_reason is not None
        reason = InvalidReason.RENEWED if renewed else InvalidReason.LOST
        if application.reissue_reason is not None:
            reason = InvalidReason.REPLACED
        card_records.invalidate_card(
            session, svc, card=old, reason=reason, destroy_chip=in_hand
        )  # a card in hand (renewed, its 追記欄 full) is handed back; a lost one is not
    return serial


# --- PINs ----------------------------------------------------------------------------------


def reset_pin(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    pin: PinKind,
    new_pin: str,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
) -> None:
    """暗証番号の初期化: any PIN, at the ward office, in person, after the identity check."""
    if caller.role is not Role.WARD_OFFICE:
        raise role_refused(
            caller,
            Forbidden(
                "PINs cannot be reset online. Go to the ward office in person (the "
                "4-digit user-authentication PIN can also be reset at a "
                "convenience-store kiosk).",
                "暗証番号はオンラインでは初期化できません。市区町村の窓口へご本人がお越しください"
                "（利用者証明用の4桁の暗証番号はコンビニのキオスク端末でも初期化できます）。",
                reason="in_person_only",
            ),
            [Role.WARD_OFFICE],
        )
    card, person = _holder_at_counter(session, svc, caller, card_serial, identity, id_documents)
    check_pin(pin, new_pin, date_of_birth=person.date_of_birth)
    audit.record(
        session,
        caller=caller,
        action="reset_pin",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}: {pin.value}",
    )
    card_records.chip_of(svc, card).reset_pin(pin, new_pin)


@refusals_audited
def _holder_at_counter(
    session: Session,
    svc: Services,
    caller: Caller,
    card_serial: str,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
    *,
    holder_card_number: str | None = None,
) -> tuple[Card, Person]:
    card_records.get_card(session, card_serial, lock=True)  # requests on one card take turns
    card = card_use.check_card(session, svc, card_serial=card_serial)
    authorise(session, svc, caller, Action.HANDLE_CARD, Subject(card.person_id))
    person = get_person(session, card.person_id)
    reg = require_active_registration(session, person.id)
    check_own_municipality(caller, reg.municipality_code)
    card_records.check_holder(
        person,
        reg,
        identity=identity,
        id_documents=id_documents,
        holder_card_number=holder_card_number,
    )
    return card, person


# --- Validity and certificates -------------------------------------------------------------


def change_validity(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    status_of_residence: str,
    period_of_stay_ends: dt.date | None,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
    renewed_residence_card_number: str | None = None,
) -> Card:
    """有効期間変更: after a residence card renewal, the card follows the new period of stay
    (never past its birthday limit); the certificates are reissued to match.

    ``renewed_residence_card_number``: the number of the renewed residence card the holder
    shows (a renewed card has a new number; immigration keeps the old card). The holder is
    checked against it, and the register records it with the new stay in the same
    transaction (``registry.residence_cards``)."""
    require_role(caller, Role.WARD_OFFICE)
    card, person = _holder_at_counter(
        session,
        svc,
        caller,
        card_serial,
        identity,
        id_documents,
        holder_card_number=renewed_residence_card_number,
    )
    check_ward_office_validity_change(card.kind)
    if renewed_residence_card_number is not None:
        reg = residence_cards.record_residence_card_renewal(
            session,
            svc,
            caller=caller,
            person_id=person.id,
            residence_card_number=renewed_residence_card_number,
            status_of_residence=status_of_residence,
            period_of_stay_ends=period_of_stay_ends,
        )
    else:
        reg = require_active_registration(session, person.id)
    assert card.issued_on is not None and card.expires_on is not None
    renewed = StayPermit(status_of_residence, period_of_stay_ends)
    card.expires_on = validity_after_residence_renewal(
        date_of_birth=person.date_of_birth,
        card_issued_on=card.issued_on,
        current_expiry=card.expires_on,
        renewed=renewed,
        filed_on=svc.clock.today(),
    )
    reg.status_of_residence, reg.period_of_stay_ends = status_of_residence, period_of_stay_ends
    card.card_notice_sent_on = None
    _reissue_certificates(session, svc, card, person, reg, renew_keys=False)
    endorsements.endorse(
        session, card_serial=card.serial, kind=EndorsementKind.VALIDITY, on=svc.clock.today()
    )
    audit.record(
        session,
        caller=caller,
        action="change_card_validity",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}: until {card.expires_on}",
    )
    return card


def extend_validity_while_renewal_pending(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
) -> Card:
    """The one-off 2-month extension while a stay renewal is pending (特例期間). *Policy:* the
    certificates keep their dates; they follow at the validity change after the renewal."""
    require_role(caller, Role.WARD_OFFICE)
    card, person = _holder_at_counter(session, svc, caller, card_serial, identity, id_documents)
    assert card.issued_on is not None and card.expires_on is not None
    card.expires_on = validity_while_renewal_pending(
        date_of_birth=person.date_of_birth,
        card_issued_on=card.issued_on,
        current_expiry=card.expires_on,
        filed_on=svc.clock.today(),
        already_extended=card.validity_extended,
    )
    card.validity_extended = True
    audit.record(
        session,
        caller=caller,
        action="extend_card_validity",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}: until {card.expires_on}",
    )
    return card


def renew_certificates(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
) -> Card:
    """電子証明書の更新: from 3 months before they expire, new key pairs and certificates."""
    require_role(caller, Role.WARD_OFFICE)
    card, person = _holder_at_counter(session, svc, caller, card_serial, identity, id_documents)
    expires = card.certificates_expire_on
    today = svc.clock.today()
    if expires is not None and not can_renew(expires, today):
        opens = renewal_window_opens(expires)
        raise Conflict(
            f"The certificates are valid until {expires}; they can be renewed from {opens}.",
            f"電子証明書は{expires}まで有効です。更新は{opens}からできます。",
            reason="too_early",
        )
    reg = require_active_registration(session, person.id)
    _reissue_certificates(session, svc, card, person, reg, renew_keys=True)
    card.certificate_notice_sent_on = None
    audit.record(
        session,
        caller=caller,
        action="renew_certificates",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}",
    )
    return card


def _reissue_certificates(
    session: Session,
    svc: Services,
    card: Card,
    person: Person,
    reg: Registration,
    *,
    renew_keys: bool,
) -> None:
    revoke_card_certificates(
        session,
        svc,
        card_serial=card.serial,
        kinds={"signature", "authentication"},
        reason="renewed",
    )
    session.flush()
    chip: Chip = card_records.chip_of(svc, card)
    if renew_keys:
        for slot in KeySlot:
            chip.renew_key(slot, key_source=svc.key_source)
    issue_card_certificates(
        session, svc, card=card, chip=chip, person=person, address=reg.address, on=svc.clock.today()
    )


# --- Loss and return -----------------------------------------------------------------------


def report_lost(session: Session, svc: Services, *, caller: Caller, card_serial: str) -> Card:
    """紛失・盗難の届出: the card is suspended at once and its certificates revoked."""
    require_role(caller, Role.WARD_OFFICE, Role.RESIDENT)
    card = card_records.get_card(session, card_serial, lock=True)
    authorise(session, svc, caller, Action.HANDLE_CARD, Subject(card.person_id))
    if card.status != CardStatus.ACTIVE:
        raise Conflict(
            f"Only a card in use can be reported lost (this one is {card.status}).",
            f"利用中のカードのみ紛失の届出ができます（このカードの状態: {card.status}）。",
            reason="not_active",
        )
    card.status, card.suspended_at = CardStatus.SUSPENDED, svc.clock.now()
    session.flush()
    revoke_card_certificates(
        session, svc, card_serial=card.serial, kinds={"signature", "authentication"}, reason="lost"
    )
    audit.record(
        session,
        caller=caller,
        action="report_card_lost",
        person_id=card.person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}",
    )
    return card


@refusals_audited
def lift_suspension(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
) -> Card:
    """一時停止の解除: the card reported lost was found; the holder brings it with ID.

    Lifted unless a reissued card already replaced it (``domain.found_card``, RULES.md "lost
    card found"). The certificates the loss revoked stay revoked; the card gets new key
    pairs and new certificates now. An open reissue application is cancelled (*policy*)."""
    require_role(caller, Role.WARD_OFFICE)
    card = card_records.get_card(session, card_serial, lock=True)
    authorise(session, svc, caller, Action.HANDLE_CARD, Subject(card.person_id))
    person = get_person(session, card.person_id)
    reg = require_active_registration(session, person.id)
    check_own_municipality(caller, reg.municipality_code)
    card_records.check_holder(person, reg, identity=identity, id_documents=id_documents)
    today = svc.clock.today()
    refusal = lift_refusal(
        status=CardStatus(card.status),
        invalid_reason=InvalidReason(card.invalid_reason) if card.invalid_reason else None,
        expires_on=card.expires_on,
        today=today,
    )
    if refusal is not None:
        raise Conflict(refusal.message_en, refusal.message_ja, reason=refusal.reason).with_values(
            expires_on=card.expires_on
        )
    reissue = card_records.open_application(session, person.id)
    cancelled = reissue is not None and reissue.replaces_card_serial == card.serial
    if cancelled:
        card_records.cancel_open_application(
            session, svc, person_id=person.id, reason="lost_card_found"
        )
    card.status, card.suspended_at = CardStatus.ACTIVE, None
    session.flush()
    _reissue_certificates(session, svc, card, person, reg, renew_keys=True)
    card.certificate_notice_sent_on = None
    audit.record(
        session,
        caller=caller,
        action="lift_card_suspension",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}: found; new certificates"
        + ("; reissue cancelled" if cancelled else ""),
    )
    return card


@refusals_audited
def return_card(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    identity: IdentityShown,
    id_documents: tuple[IdDocument, ...],
) -> Card:
    """返納: the card is handed back; it is invalidated and its chip erased.

    As every card action at the counter (collection, PIN reset, validity, certificates), only
    for the holder in person, identity checked (身元確認: RULES.md "Using the number" — identity
    check, 番号法 第16条; "The card" — the counter acts for the owner, a found card's
    suspension is lifted "against ID"): a photo ID that is the holder's own
    (``card_records.check_holder``). The My Number Card is itself a photo ID, so the card
    handed back counts, read by staff as any ID (``IdDocument.MY_NUMBER_CARD`` with the
    holder's name and date of birth). It may be done after the holder moved out (their last
    office), so no active registration is needed and the card need not be usable.
    """
    require_role(caller, Role.WARD_OFFICE)
    card = card_records.get_card(session, card_serial, lock=True)
    authorise(session, svc, caller, Action.HANDLE_CARD, Subject(card.person_id))
    card_records.check_holder(
        get_person(session, card.person_id),
        active_registration(session, card.person_id),
        identity=identity,
        id_documents=id_documents,
    )
    if card.status == CardStatus.INVALID:
        raise Conflict(
            "This card is already invalid.",
            "このカードは既に廃止されています。",
            reason="already_invalid",
        )
    card_records.invalidate_card(
        session, svc, card=card, reason=InvalidReason.RETURNED, destroy_chip=True
    )
    audit.record(
        session,
        caller=caller,
        action="return_card",
        person_id=card.person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {card.serial}",
    )
    return card
