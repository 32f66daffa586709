"""The ward office counter (市区町村窓口): the register side of moving in and out, and moving
within (転居届). Moving in and out touch the card too, so their use cases live in
``services.flows.moving``; this module keeps the register's row builders and checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person, Registration
from mynumber.domain import deadlines
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Conflict, invalid
from mynumber.domain.numbers import IndividualNumber, ResidentRegistryCode
from mynumber.domain.policy import Action
from mynumber.domain.registration import ABROAD, MovingIn, RegistrationStatus, check_address
from mynumber.services.core import audit
from mynumber.services.core.access import check_own_municipality
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import (
    active_registration,
    require_active_registration,
)
from mynumber.services.core.writes import flush_or_conflict
from mynumber.services.jpki.certificates import revoke_signature_certificates_of
from mynumber.services.registry.numbers import allocate_registry_codes, number_of, sealing_context


@dataclass(frozen=True)
class MovingInResult:
    person_id: int
    registration_id: int
    masked_number: str
    late: bool
    returning: bool
    letter_id: int | None
    application_id: str | None
    mail_id: int | None = None
    """The mail item carrying the letter (to record it returned)."""


def identity_key(svc: Services, form: MovingIn) -> str:
    """Who this is, as far as the register can tell: name, date of birth and nationality."""
    return svc.vault.keyed_hash(f"{form.nationality}|{form.name_latin}|{form.date_of_birth}")


def registry_code_of(person: Person) -> ResidentRegistryCode:
    return ResidentRegistryCode(person.registry_code)


def arrives_from_abroad(session: Session, person: Person | None) -> bool:
    """Whether a 転入届 is a first registration in Japan or a return from abroad (a new
    person, or one whose last registration ended with moving abroad), as opposed to a move
    from another municipality."""
    if person is None:
        return True
    last = session.scalars(
        select(Registration)
        .where(Registration.person_id == person.id)
        .order_by(Registration.id.desc())
    ).first()
    return last is None or last.moved_to == ABROAD


def refuse_if_registered(session: Session, person: Person) -> None:
    current = active_registration(session, person.id)
    if current is not None:
        raise Conflict(
            f"This person is still registered in municipality {current.municipality_code}: "
            "they must file a moving-out notification (転出届) there first.",
            f"この方は {current.municipality_code} に住民登録されています。"
            "先に転出届を提出してください。",
            municipality_code=current.municipality_code,
        )


def person_fields(
    svc: Services,
    form: MovingIn,
    *,
    key: str,
    code: ResidentRegistryCode,
    number: IndividualNumber,
) -> dict[str, Any]:
    """The columns of a new person (number sealed, never in clear)."""
    context = sealing_context(code.digits)
    return dict(
        registry_code=code.digits,
        identity_key=key,
        name_latin=form.name_latin,
        name_kana=form.name_kana,
        name_kanji=form.name_kanji,
        date_of_birth=form.date_of_birth,
        sex=form.sex.value,
        nationality=form.nationality,
        created_at=svc.clock.now(),
        number_sealed=svc.vault.seal(number, context=context),
        number_lookup=svc.vault.lookup_hash(number),
    )


def registration_fields(person_id: int, municipality_code: str, form: MovingIn) -> dict[str, Any]:
    """The columns of a new active registration; late when filed after 14 days."""
    foreign = form.foreign
    return dict(
        person_id=person_id,
        municipality_code=municipality_code,
        address=form.address,
        started_living_on=form.started_living_on,
        filed_on=form.filed_on,
        late=deadlines.is_late_moving_in(form.started_living_on, form.filed_on),
        status=RegistrationStatus.ACTIVE,
        id_documents=[d.value for d in form.id_documents],
        residence_card_number=foreign.residence_card_number.value if foreign else None,
        status_of_residence=foreign.status_of_residence if foreign else None,
        period_of_stay_ends=foreign.period_of_stay_ends if foreign else None,
    )


def new_person(
    session: Session, svc: Services, form: MovingIn, key: str
) -> tuple[Person, IndividualNumber]:
    """The new person's row, and their number (derived once: the caller shows it masked)."""
    code = allocate_registry_codes(session)[0]
    number = number_of(svc, code)
    person = Person(**person_fields(svc, form, key=key, code=code, number=number))
    session.add(person)
    flush_or_conflict(session)
    return person, number


def add_registration(
    session: Session,
    person: Person,
    municipality_code: str,
    form: MovingIn,
) -> Registration:
    reg = Registration(**registration_fields(person.id, municipality_code, form))
    session.add(reg)
    flush_or_conflict(session)
    return reg


def register_moving_within(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    new_address: str,
    moved_on: dt.date,
) -> Registration:
    """転居届: a new address in the same municipality (within 14 days, ``deadlines``; late is
    recorded). The signature certificate is revoked at once; the chip is updated when the
    holder brings the card (``cards.moving.update_chip_after_move``)."""
    require_role(caller, Role.WARD_OFFICE)
    authorise(session, svc, caller, Action.CHANGE_REGISTRATION, Subject(person_id))
    reg = require_active_registration(session, person_id)
    check_own_municipality(caller, reg.municipality_code)
    today = svc.clock.today()
    if moved_on > today:
        raise invalid(
            "moved_on",
            "The moving date cannot be in the future for a 転居届.",
            "転居日が未来の日付です。",
        )
    reg.address = check_address(new_address)
    reg.started_living_on = moved_on
    reg.late = deadlines.is_late_moving_within(moved_on, today)
    audit.record(
        session,
        caller=caller,
        action="register_moving_within",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail="late" if reg.late else "",
    )
    # The register changed: the signature certificate, which carries the old address, lapses
    # now, not when the card is brought in (公的個人認証法; issue 17.3).
    revoke_signature_certificates_of(session, svc, person_id=person_id, reason="address_changed")
    return reg
