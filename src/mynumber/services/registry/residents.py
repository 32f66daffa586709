"""Looking at a resident's record (number masked), audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mynumber.domain.access import Purpose, Role
from mynumber.domain.numbers import mask_digits
from mynumber.domain.policy import Action
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import active_registration, get_person
from mynumber.services.core.refs import PersonId
from mynumber.services.registry.numbers import open_number


@dataclass(frozen=True)
class ResidentView:
    person_id: PersonId
    name_latin: str
    name_kana: str
    name_kanji: str
    date_of_birth: dt.date
    sex: str
    nationality: str
    my_number: str
    registered: bool
    municipality_code: str | None
    address: str | None
    late: bool
    residence_card_number: str | None
    status_of_residence: str | None
    period_of_stay_ends: dt.date | None


def view_resident(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
) -> ResidentView:
    """The record as staff or the owner see it; the My Number is masked."""
    require_role(caller, Role.WARD_OFFICE, Role.CARD_CENTRE, Role.RESIDENT)
    authorise(session, svc, caller, Action.VIEW_PERSON, Subject(person_id))
    person = get_person(session, person_id)
    reg = active_registration(session, person_id)
    audit.record(
        session,
        caller=caller,
        action="view_resident",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
    )
    number = open_number(svc, person)
    return ResidentView(
        person_id=person.id,
        name_latin=person.name_latin,
        name_kana=person.name_kana,
        name_kanji=person.name_kanji,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        nationality=person.nationality,
        my_number=mask_digits(number.digits),
        registered=reg is not None,
        municipality_code=reg.municipality_code if reg else None,
        address=reg.address if reg else None,
        late=reg.late if reg else False,
        residence_card_number=reg.residence_card_number if reg else None,
        status_of_residence=reg.status_of_residence if reg else None,
        period_of_stay_ends=reg.period_of_stay_ends if reg else None,
    )
