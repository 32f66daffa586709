"""引越しワンストップサービス — the 転出届 filed online with the card, the visit announced to the
new municipality, and the 転入届 completed at its counter (``domain.moving_online``).

The resident's side (``file_moving_out_online``): the portal plays the card reader, as for
e-Tax: the card signs the filing (``domain.terminal.moving_out_message``: a fresh nonce, the
card, where to, when, the visit) with its signature key after the signature PIN; the
signature, the certificate (the card centre's, valid, not revoked, a signature certificate,
this card's) and the nonce (fresh, spent once) are checked before the register changes. The
old municipality's office then receives the 転出届 exactly as at its counter
(``flows.moving.register_moving_out``: deadline, late record, the signature certificate
revoked), under the name of its online reception; the arrival is announced.

The new office's side: the announced arrivals (``announced_arrivals``), and the 転入届 at the
counter with the card brought along (``complete_announced_arrival``), which runs the card's
moving rules (lapsed after the deadline; chip updated when still valid).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Registration
from mynumber.adapters.db.models_register import AnnouncedArrival
from mynumber.adapters.pcsc import CardSignature, JpkiTerminal, reader_for
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Forbidden, MyNumberError, NotFound, Unauthenticated, invalid
from mynumber.domain.moving_online import check_online_moving_out
from mynumber.domain.pins import PinKind, check_pin_format
from mynumber.domain.policy import Action
from mynumber.domain.registration import build_moving_in
from mynumber.domain.terminal import moving_out_message
from mynumber.pki.challenge import verify_challenge_signature
from mynumber.pki.errors import CertificateWrongPurpose
from mynumber.pki.profiles import is_signature_certificate
from mynumber.pki.verify import verify_certificate
from mynumber.services.cards import records as card_records
from mynumber.services.cards import use as card_use
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, refusals_audited, require_role
from mynumber.services.core.records import (
    get_municipality,
    get_person,
    require_active_registration,
)
from mynumber.services.core.refs import PersonId
from mynumber.services.flows import moving
from mynumber.services.jpki import card_auth
from mynumber.services.jpki.certificates import certificate_record, revocation_lookup
from mynumber.services.portal.resident import portal_terminal
from mynumber.services.registry.ward_office import MovingInResult

ONLINE_RECEPTION = "online reception (マイナポータル)"


@dataclass(frozen=True)
class OnlineMovingOut:
    destination: str
    planned_move_on: dt.date
    visit_on: dt.date
    visit_deadline: dt.date
    """Come to the new office with the card by this day, or the card lapses."""
    late: bool


def _own(caller: Caller) -> int:
    require_role(caller, Role.RESIDENT)
    if caller.scope_id is None:
        raise Unauthenticated(
            "Log in to the portal with your card first.",
            "先にマイナンバーカードでマイナポータルにログインしてください。",
        )
    return caller.scope_id


def _on_field(exc: MyNumberError, name: str) -> MyNumberError:
    exc.details.setdefault("field", name)
    return exc


@refusals_audited
def file_moving_out_online(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    card_serial: str,
    destination: str,
    planned_move_on: dt.date,
    visit_on: dt.date,
    signature_pin: str,
) -> OnlineMovingOut:
    """The holder's 転出届 and visit announcement, signed on their card. Every field is
    checked before the card is touched (no PIN try is lost on a typing error)."""
    person_id = _own(caller)
    reg = require_active_registration(session, person_id)
    today, now = svc.clock.today(), svc.clock.now()
    latest = check_online_moving_out(
        filed_on=today,
        destination=destination,
        from_municipality=reg.municipality_code,
        planned_move_on=planned_move_on,
        visit_on=visit_on,
    )
    get_municipality(session, destination)
    if planned_move_on < get_person(session, person_id).date_of_birth:
        raise invalid(
            "planned_move_on",
            "The moving date is before the date of birth.",
            "転出日が生年月日より前です。",
        )
    kind = PinKind.SIGNATURE
    check_pin_format(kind, signature_pin)
    # Whose card first: another person's card is refused before its state is told (lost,
    # cancelled, no signature certificate…).
    if card_records.get_card(session, card_serial).person_id != person_id:
        raise Forbidden("This is not your card.", "ご本人のカードではありません。")
    card = card_use.check_card(session, svc, card_serial=card_serial, pin=kind)

    terminal = portal_terminal()
    challenge = card_auth.issue_challenge(session, svc, caller=terminal)
    message = moving_out_message(
        challenge.nonce,
        card.serial,
        destination,
        planned_move_on.isoformat(),
        visit_on.isoformat(),
    )
    try:
        with reader_for(card_records.chip_of(svc, card)) as reader:
            signed = JpkiTerminal(reader).sign(message, signature_pin)
    except MyNumberError as exc:
        raise _on_field(exc, kind.field) from None
    _check_filing_signature(
        session, svc, card_serial=card.serial, nonce=challenge.nonce, message=message, signed=signed
    )

    office = Caller(
        name=f"ward office {reg.municipality_code}, {ONLINE_RECEPTION}",
        role=Role.WARD_OFFICE,
        municipality_code=reg.municipality_code,
    )
    ended = moving.register_moving_out(
        session,
        svc,
        caller=office,
        person_id=person_id,
        destination=destination,
        planned_move_on=planned_move_on,
    )
    session.add(
        AnnouncedArrival(
            person_id=person_id,
            from_municipality=reg.municipality_code,
            to_municipality=destination,
            card_serial=card.serial,
            planned_move_on=planned_move_on,
            visit_on=visit_on,
            visit_deadline=latest,
            filed_at=now,
        )
    )
    audit.record(
        session,
        caller=caller,
        action="online_moving_out",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=now,
        detail=f"card {card.serial}; to {destination}; visit {visit_on}",
    )
    return OnlineMovingOut(destination, planned_move_on, visit_on, latest, ended.moving_out_late)


def _check_filing_signature(
    session: Session,
    svc: Services,
    *,
    card_serial: str,
    nonce: bytes,
    message: bytes,
    signed: CardSignature,
) -> None:
    """The nonce fresh and spent once; the signature certificate valid, this card's; the
    signature over the filing."""
    now = svc.clock.now()
    terminal = portal_terminal()
    if not card_auth.spend_challenges(session, [(terminal, nonce)], now):
        raise card_auth.challenge_refusal(session, terminal, nonce, now)
    certificate = card_auth.load_certificate(signed.certificate_der)
    verify_certificate(certificate, svc.ca, at=now, is_revoked=revocation_lookup(session))
    if not is_signature_certificate(certificate):
        raise CertificateWrongPurpose(
            "A filing is signed with the signature certificate.",
            "届出は署名用電子証明書で署名します。",
        )
    record = certificate_record(session, certificate)
    if record is None or record.card_serial != card_serial:
        raise card_auth.CertificateUnknown(
            "The card centre has no record of this certificate for this card.",
            "このカードの電子証明書として記録がありません。",
        )
    verify_challenge_signature(certificate, message, signed.signature)


# --- The new municipality's office ----------------------------------------------------------


@dataclass(frozen=True)
class ArrivalView:
    """An announced arrival as the new office's counter sees it."""

    person_id: PersonId
    name_latin: str
    date_of_birth: dt.date
    from_municipality: str
    planned_move_on: dt.date
    visit_on: dt.date
    visit_deadline: dt.date
    overdue: bool
    """The deadline has passed: the card lapses at the 転入届 (which is still accepted)."""


def announced_arrivals(session: Session, svc: Services, *, caller: Caller) -> list[ArrivalView]:
    """The arrivals announced to the caller's municipality and not yet completed, by the
    announced visit day; each one shown is a read of the person (policy, audited)."""
    require_role(caller, Role.WARD_OFFICE)
    if caller.municipality_code is None:
        return []
    today = svc.clock.today()
    rows = session.scalars(
        select(AnnouncedArrival)
        .where(
            AnnouncedArrival.to_municipality == caller.municipality_code,
            AnnouncedArrival.completed_at.is_(None),
        )
        .order_by(AnnouncedArrival.visit_on, AnnouncedArrival.id)
    ).all()
    views = []
    for row in rows:
        authorise(session, svc, caller, Action.VIEW_PERSON, Subject(row.person_id))
        person = get_person(session, row.person_id)
        views.append(
            ArrivalView(
                person_id=row.person_id,
                name_latin=person.name_latin,
                date_of_birth=person.date_of_birth,
                from_municipality=row.from_municipality,
                planned_move_on=row.planned_move_on,
                visit_on=row.visit_on,
                visit_deadline=row.visit_deadline,
                overdue=today > row.visit_deadline,
            )
        )
    return views


@refusals_audited
def complete_announced_arrival(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    address: str,
    started_living_on: dt.date,
) -> MovingInResult:
    """The 転入届 at the new office's counter, in person, with the card the 転出届 was signed
    with (継続利用): the person's particulars come from the register, the address and the day
    they started living there from the counter; the card's moving rules apply."""
    require_role(caller, Role.WARD_OFFICE)
    authorise(session, svc, caller, Action.CHANGE_REGISTRATION, Subject(person_id))
    arrival = session.scalars(
        select(AnnouncedArrival)
        .where(
            AnnouncedArrival.person_id == person_id,
            AnnouncedArrival.to_municipality == (caller.municipality_code or ""),
            AnnouncedArrival.completed_at.is_(None),
        )
        .order_by(AnnouncedArrival.id.desc())
        .with_for_update()
    ).first()
    if arrival is None:
        raise NotFound(
            "No arrival was announced to this municipality for this person: file the 転入届 "
            "as a moving-in at the counter.",
            "この方の来庁予定の連絡は当市区町村に届いていません。通常の転入届として受け付けてください。",
        )
    person = get_person(session, person_id)
    last = session.scalars(
        select(Registration)
        .where(Registration.person_id == person_id)
        .order_by(Registration.id.desc())
    ).first()
    form = build_moving_in(
        name_latin=person.name_latin,
        name_kana=person.name_kana,
        name_kanji=person.name_kanji,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        nationality=person.nationality,
        address=address,
        started_living_on=started_living_on,
        filed_on=svc.clock.today(),
        # The card the 転出届 was signed with, and a foreign resident's residence card.
        id_documents=["my_number_card"]
        + (["residence_card"] if person.nationality != "JP" else []),
        residence_card_number=last.residence_card_number if last else None,
        status_of_residence=last.status_of_residence if last else None,
        period_of_stay_ends=last.period_of_stay_ends if last else None,
    )
    result = moving.register_moving_in(
        session,
        svc,
        caller=caller,
        municipality_code=arrival.to_municipality,
        form=form,
        card_serial=arrival.card_serial,
    )
    arrival.completed_at = svc.clock.now()
    return result
