"""The ward office counter (市区町村窓口): moving in, moving within, moving out.

Each function is one use case; the caller's unit of work owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person, Registration
from mynumber.domain import deadlines
from mynumber.domain.access import Role, require_role
from mynumber.domain.errors import Conflict, invalid
from mynumber.domain.numbers import IndividualNumber, ResidentRegistryCode
from mynumber.domain.registration import MovingIn, check_address
from mynumber.services import audit, card_moving, letters
from mynumber.services.context import Caller, Services
from mynumber.services.numbers import allocate_registry_codes, number_of, sealing_context
from mynumber.services.records import (
    active_registration,
    get_municipality,
    get_person,
    require_active_registration,
)

ABROAD = "abroad"


@dataclass(frozen=True)
class MovingInResult:
    person_id: int
    registration_id: int
    masked_number: str
    late: bool
    returning: bool
    letter_id: int | None
    application_id: str | None


def identity_key(svc: Services, form: MovingIn) -> str:
    """Who this is, as far as the register can tell: name, date of birth and nationality."""
    return svc.vault.keyed_hash(f"{form.nationality}|{form.name_latin}|{form.date_of_birth}")


def register_moving_in(
    session: Session, svc: Services, *, caller: Caller, municipality_code: str, form: MovingIn,
    card_serial: str | None = None,
) -> MovingInResult:
    """転入届: register a person at an address; a new person gets a number and a letter.

    A person still registered elsewhere must move out first. A person who left and comes
    back keeps their registry code, so they get the same number (番号法 第7条). A person who
    moved with their My Number Card has its moving deadlines checked; ``card_serial`` (the
    card brought along, 継続利用) has its chip updated at once (``card_moving``).
    """
    require_role(caller.role, Role.WARD_OFFICE)
    get_municipality(session, municipality_code)
    check_own_municipality(caller, municipality_code)
    key = identity_key(svc, form)
    person = session.scalars(select(Person).where(Person.identity_key == key)).first()
    returning = person is not None
    if person is not None:
        _refuse_if_registered(session, person)
    else:
        person = _new_person(session, svc, form, key)
    reg = _add_registration(session, person, municipality_code, form)
    letter = None if returning else letters.issue_letter(session, svc, person=person,
                                                         registration=reg)
    if returning:
        card_moving.on_moving_in(session, svc, caller=caller, registration=reg,
                                 card_serial=card_serial)
    audit.record(session, caller=caller, action="register_moving_in", person_id=person.id,
                 purpose="resident_registry", at=svc.clock.now(),
                 detail=f"municipality {municipality_code}" + (" (late)" if reg.late else ""))
    return MovingInResult(
        person_id=person.id, registration_id=reg.id,
        masked_number=number_of(svc, _code(person)).masked, late=reg.late,
        returning=returning, letter_id=letter.id if letter else None,
        application_id=letter.application_id if letter else None,
    )


def _code(person: Person) -> ResidentRegistryCode:
    return ResidentRegistryCode(person.registry_code)


def check_own_municipality(caller: Caller, code: str) -> None:
    if caller.municipality_code and caller.municipality_code != code:
        raise Conflict(
            f"This counter belongs to municipality {caller.municipality_code}, not {code}.",
            f"この窓口は {caller.municipality_code} の窓口です（{code} ではありません）。",
            municipality_code=code,
        )


def _refuse_if_registered(session: Session, person: Person) -> None:
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
    svc: Services, form: MovingIn, *, key: str, code: ResidentRegistryCode,
    number: IndividualNumber,
) -> dict[str, Any]:
    """The columns of a new person (number sealed, never in clear)."""
    context = sealing_context(code.digits)
    return dict(
        registry_code=code.digits, identity_key=key, name_latin=form.name_latin,
        name_kana=form.name_kana, name_kanji=form.name_kanji,
        date_of_birth=form.date_of_birth, sex=form.sex.value, nationality=form.nationality,
        created_at=svc.clock.now(), number_sealed=svc.vault.seal(number, context=context),
        number_lookup=svc.vault.lookup_hash(number),
    )


def registration_fields(person_id: int, municipality_code: str, form: MovingIn) -> dict[str, Any]:
    """The columns of a new active registration; late when filed after 14 days."""
    foreign = form.foreign
    return dict(
        person_id=person_id, municipality_code=municipality_code, address=form.address,
        started_living_on=form.started_living_on, filed_on=form.filed_on,
        late=deadlines.is_late_moving_in(form.started_living_on, form.filed_on),
        status="active", id_documents=[d.value for d in form.id_documents],
        residence_card_number=foreign.residence_card_number.value if foreign else None,
        status_of_residence=foreign.status_of_residence if foreign else None,
        period_of_stay_ends=foreign.period_of_stay_ends if foreign else None,
    )


def _new_person(session: Session, svc: Services, form: MovingIn, key: str) -> Person:
    code = allocate_registry_codes(session)[0]
    person = Person(**person_fields(svc, form, key=key, code=code, number=number_of(svc, code)))
    session.add(person)
    flush_or_conflict(session)
    return person


def _add_registration(
    session: Session, person: Person, municipality_code: str, form: MovingIn,
) -> Registration:
    reg = Registration(**registration_fields(person.id, municipality_code, form))
    session.add(reg)
    flush_or_conflict(session)
    return reg


def flush_or_conflict(session: Session) -> None:
    """Flush, turning a lost race on a unique key into a clear conflict."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise Conflict(
            "Someone registered this person at the same moment; nothing was changed. "
            "Look the person up and try again.",
            "同時に同じ方の登録が行われました。変更はありません。確認して再度お試しください。",
        ) from None


def register_moving_within(
    session: Session, svc: Services, *, caller: Caller, person_id: int, new_address: str,
    moved_on: dt.date,
) -> Registration:
    """転居届: a new address in the same municipality (within 14 days)."""
    require_role(caller.role, Role.WARD_OFFICE)
    reg = require_active_registration(session, person_id)
    check_own_municipality(caller, reg.municipality_code)
    today = svc.clock.today()
    if moved_on > today:
        raise invalid("moved_on", "The moving date cannot be in the future for a 転居届.",
                      "転居日が未来の日付です。")
    reg.address = check_address(new_address)
    reg.started_living_on = moved_on
    reg.late = deadlines.is_late_moving_in(moved_on, today)
    audit.record(session, caller=caller, action="register_moving_within", person_id=person_id,
                 purpose="resident_registry", at=svc.clock.now())
    return reg


def register_moving_out(
    session: Session, svc: Services, *, caller: Caller, person_id: int, destination: str,
    planned_move_on: dt.date,
) -> Registration:
    """転出届: to another municipality (its code) or ``abroad``."""
    require_role(caller.role, Role.WARD_OFFICE)
    reg = require_active_registration(session, person_id)
    check_own_municipality(caller, reg.municipality_code)
    if destination != ABROAD:
        get_municipality(session, destination)
        if destination == reg.municipality_code:
            raise invalid("destination",
                          "Moving within the municipality is a 転居届, not a 転出届.",
                          "同じ市区町村内の移動は転居届です。")
    reg.status = "moved_out"
    reg.ended_on = planned_move_on
    reg.moved_to = destination
    reg.planned_move_on = planned_move_on
    get_person(session, person_id)
    session.flush()
    card_moving.on_moving_out(session, svc, person_id=person_id, destination=destination,
                              planned_move_on=planned_move_on)
    audit.record(session, caller=caller, action="register_moving_out", person_id=person_id,
                 purpose="resident_registry", at=svc.clock.now(), detail=f"to {destination}")
    return reg
