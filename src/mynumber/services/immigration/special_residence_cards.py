"""特定在留カード — the bureau issues the special residence card with a stay, and renews it
with the stay renewal (``domain.special_residence``; docs/cards.md).

- **Issue**: with a stay application (a new status or a renewal) the foreign resident asks
  for the special residence card. The bureau names the applicant by the residence card they
  hold now, their name, date of birth and nationality (never the My Number); the register
  records the new card's number, the status and the end of stay; the card centre writes the
  chip; the holder sets the PINs at the bureau; the certificates are issued. A My Number
  Card in use is replaced (invalidated, its certificates revoked) and an open application
  for one is cancelled: the new card is both. The bureau now holds the person's stay case.
- **Renewal with the stay**: only at a bureau holding the case. A **new** card, valid until
  the new end of stay capped by the birthday rule from the new issue; the old card is handed
  back and invalidated, its certificates revoked (CRL, OCSP); new certificates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person, Registration
from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.adapters.db.models_immigration import StayCase
from mynumber.card import Chip
from mynumber.domain import special_residence
from mynumber.domain.access import Purpose
from mynumber.domain.card_kinds import CardKind
from mynumber.domain.cards import (
    ApplicationKind,
    ApplicationStatus,
    CardStatus,
    IdentityShown,
    InvalidReason,
    same_person,
)
from mynumber.domain.errors import NotFound
from mynumber.domain.numbers import ResidenceCardNumber
from mynumber.domain.policy import Action
from mynumber.domain.registration import RegistrationStatus
from mynumber.domain.special_residence import Refusal
from mynumber.domain.validity import StayPermit
from mynumber.services.cards import records as card_records
from mynumber.services.cards.counter import InitialPins, check_initial_pins
from mynumber.services.cards.records import CARD_CENTRE
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, refusals_audited
from mynumber.services.core.records import get_person
from mynumber.services.immigration.bureaus import bureau_of
from mynumber.services.jpki.certificates import issue_card_certificates
from mynumber.services.registry.residence_cards import record_stay_granted

CHANNEL = "immigration"
"""The application's channel: with the stay application, at the bureau."""


@dataclass(frozen=True)
class GrantedStay:
    """What the bureau grants with the card: the new residence card's number, the status of
    residence and the end of the period of stay (``None`` for a status without one)."""

    residence_card_number: str
    status_of_residence: str
    period_of_stay_ends: dt.date | None


@dataclass(frozen=True)
class SpecialResidenceCard:
    card_serial: str
    residence_card_number: str
    status_of_residence: str
    period_of_stay_ends: dt.date | None
    expires_on: dt.date
    certificates_expire_on: dt.date | None
    signature_certificate: bool
    replaced_card_serial: str | None


@refusals_audited
def issue_special_residence_card(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    applicant: IdentityShown,
    nationality: str,
    granted: GrantedStay,
    pins: InitialPins,
) -> SpecialResidenceCard:
    """Issue the special residence card with the stay ``granted`` (from 2026-06-14)."""
    bureau = bureau_of(session, caller)
    today = svc.clock.today()
    if nationality.strip().upper() == special_residence.JAPAN:
        raise special_residence.refused(Refusal.JAPANESE_NATIONAL)
    person, reg = _applicant(session, applicant, nationality=nationality)
    authorise(session, svc, caller, Action.ISSUE_SPECIAL_RESIDENCE_CARD, Subject(person.id))
    if not special_residence.available(today):
        raise special_residence.refused(Refusal.NOT_YET)
    stay = StayPermit(granted.status_of_residence, granted.period_of_stay_ends)
    special_residence.check_request(
        on=today,
        nationality=person.nationality,
        registered_status=reg.status_of_residence,
        granted=stay,
    )
    current = _card_in_use(session, person.id)
    if current is not None and current.kind == CardKind.SPECIAL_RESIDENCE_CARD:
        return renew_with_stay(
            session, svc, caller=caller, applicant=applicant, granted=granted, pins=pins
        )
    cancelled = card_records.cancel_open_application(
        session, svc, person_id=person.id, reason="special_residence_card"
    )
    issued = _grant(
        session,
        svc,
        caller=caller,
        person=person,
        reg=reg,
        granted=granted,
        pins=pins,
        replaced=current,
        kind=ApplicationKind.NEW,
    )
    _open_case(session, svc, bureau_id=bureau.id, person_id=person.id, card=issued)
    audit.record(
        session,
        caller=caller,
        action="issue_special_residence_card",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {issued.card_serial}, valid until {issued.expires_on}"
        + (f"; replaces card {current.serial}" if current else "")
        + ("; open application cancelled" if cancelled else ""),
    )
    return issued


@refusals_audited
def renew_with_stay(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    applicant: IdentityShown,
    granted: GrantedStay,
    pins: InitialPins,
) -> SpecialResidenceCard:
    """Renew the special residence card with the stay renewal, at the bureau of the case."""
    bureau = bureau_of(session, caller)
    today = svc.clock.today()
    person, reg = _applicant(session, applicant, nationality=None)
    authorise(session, svc, caller, Action.RENEW_SPECIAL_RESIDENCE_CARD, Subject(person.id))
    current = _card_in_use(session, person.id)
    if current is None or current.kind != CardKind.SPECIAL_RESIDENCE_CARD:
        raise special_residence.refused(Refusal.NOT_A_SPECIAL_RESIDENCE_CARD)
    stay = StayPermit(granted.status_of_residence, granted.period_of_stay_ends)
    special_residence.check_request(
        on=today,
        nationality=person.nationality,
        registered_status=reg.status_of_residence,
        granted=stay,
    )
    special_residence.check_renewal(current_stay_ends=reg.period_of_stay_ends, renewed=stay)
    renewed = _grant(
        session,
        svc,
        caller=caller,
        person=person,
        reg=reg,
        granted=granted,
        pins=pins,
        replaced=current,
        kind=ApplicationKind.RENEWAL,
    )
    _open_case(session, svc, bureau_id=bureau.id, person_id=person.id, card=renewed)
    audit.record(
        session,
        caller=caller,
        action="renew_special_residence_card",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"card {renewed.card_serial}, valid until {renewed.expires_on}; "
        f"replaces card {current.serial}",
    )
    return renewed


def _applicant(
    session: Session, shown: IdentityShown, *, nationality: str | None
) -> tuple[Person, Registration]:
    """The foreign resident holding the residence card shown, whose name and date of birth
    (and nationality, when given) match it; anyone else gets the same ``NotFound``."""
    number = ResidenceCardNumber.parse(shown.residence_card_number or "").value
    reg = session.scalars(
        select(Registration).where(
            Registration.residence_card_number == number,
            Registration.status == RegistrationStatus.ACTIVE,
        )
    ).first()
    person = get_person(session, reg.person_id) if reg is not None else None
    if (
        reg is None
        or person is None
        or not same_person(
            shown,
            name_latin=person.name_latin,
            date_of_birth=person.date_of_birth,
            residence_card_number=reg.residence_card_number,
        )
        or (nationality is not None and nationality.strip().upper() != person.nationality)
    ):
        raise NotFound(
            "No foreign resident is registered with this residence card, name, date of birth "
            "and nationality.",
            "この在留カード・氏名・生年月日・国籍の外国人住民は住民登録されていません。",
            field="residence_card_number",
        )
    return person, reg


def _card_in_use(session: Session, person_id: int) -> Card | None:
    """The person's card in use or suspended (the one a new card replaces)."""
    return session.scalars(
        select(Card)
        .where(
            Card.person_id == person_id,
            Card.status.in_([CardStatus.ACTIVE.value, CardStatus.SUSPENDED.value]),
        )
        .order_by(Card.id.desc())
        .with_for_update()
    ).first()


def _grant(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person: Person,
    reg: Registration,
    granted: GrantedStay,
    pins: InitialPins,
    replaced: Card | None,
    kind: ApplicationKind,
) -> SpecialResidenceCard:
    """Record the stay, make the card (chip, certificates, PINs) and retire the old one."""
    today, now = svc.clock.today(), svc.clock.now()
    signature_pin = check_initial_pins(pins, person, today, face_authentication=False)
    record_stay_granted(
        session,
        svc,
        caller=caller,
        reg=reg,
        residence_card_number=granted.residence_card_number,
        status_of_residence=granted.status_of_residence,
        period_of_stay_ends=granted.period_of_stay_ends,
    )
    expires_on = special_residence.card_expiry_with_stay(
        date_of_birth=person.date_of_birth,
        issued_on=today,
        stay=StayPermit(reg.status_of_residence or "", reg.period_of_stay_ends),
    )
    if replaced is not None:
        card_records.invalidate_card(
            session, svc, card=replaced, reason=InvalidReason.RENEWED, destroy_chip=True
        )  # handed back at the bureau
    application = CardApplication(
        person_id=person.id,
        channel=CHANNEL,
        status=ApplicationStatus.COLLECTED,
        express=False,
        received_at=now,
        ready_at=now,
        due_at=now,
        kind=kind.value,
        replaces_card_serial=replaced.serial if replaced else None,
    )
    session.add(application)
    session.flush()
    card = Card(
        serial=card_records.new_serial(),
        person_id=person.id,
        application_id=application.id,
        status=CardStatus.ACTIVE,
        municipality_code=reg.municipality_code,
        chip_address=reg.address,
        manufactured_at=now,
        issued_on=today,
        expires_on=expires_on,
        collected_at=now,
        kind=CardKind.SPECIAL_RESIDENCE_CARD.value,
    )
    session.add(card)
    application.card_serial = card.serial
    session.flush()
    data = card_records.chip_data(
        session, svc, caller=CARD_CENTRE, person=person, address=reg.address, photo=None
    )
    Chip.manufacture(
        svc.chips,
        card_id=card.serial,
        data=data,
        key_source=svc.key_source,
        chip_key=svc.keys.chip_key,
    )
    chip = card_records.chip_of(svc, card)
    issue_card_certificates(
        session, svc, card=card, chip=chip, person=person, address=reg.address, on=today
    )
    chip.set_initial_pins(
        user_authentication=pins.user_authentication,
        resident_registry=pins.resident_registry,
        card_info_input=pins.card_info_input,
        signature=signature_pin,
    )
    return SpecialResidenceCard(
        card_serial=card.serial,
        residence_card_number=reg.residence_card_number or "",
        status_of_residence=reg.status_of_residence or "",
        period_of_stay_ends=reg.period_of_stay_ends,
        expires_on=expires_on,
        certificates_expire_on=card.certificates_expire_on,
        signature_certificate=card.no_signature is None,
        replaced_card_serial=replaced.serial if replaced else None,
    )


def _open_case(
    session: Session, svc: Services, *, bureau_id: int, person_id: int, card: SpecialResidenceCard
) -> None:
    case = session.scalars(
        select(StayCase).where(StayCase.bureau_id == bureau_id, StayCase.person_id == person_id)
    ).first()
    now = svc.clock.now()
    if case is None:
        session.add(
            StayCase(
                bureau_id=bureau_id,
                person_id=person_id,
                card_serial=card.card_serial,
                opened_at=now,
                updated_at=now,
            )
        )
    else:
        case.card_serial, case.updated_at = card.card_serial, now
    session.flush()
