"""Moving (転入届・転出届) as one use case: the register and the card change together.

The register side is ``registry.ward_office``; the card side ``cards.moving``. This module
is the only place the two meet, so neither feature imports the other.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person, Registration
from mynumber.domain import deadlines
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import invalid
from mynumber.domain.policy import Action
from mynumber.domain.registration import (
    ABROAD,
    MovingIn,
    RegistrationStatus,
    check_stay_length,
)
from mynumber.services.cards import moving as card_moving
from mynumber.services.core import audit
from mynumber.services.core.access import check_own_municipality
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import get_municipality, get_person, require_active_registration
from mynumber.services.registry import letters, ward_office
from mynumber.services.registry.numbers import number_of


def register_moving_in(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    municipality_code: str,
    form: MovingIn,
    card_serial: str | None = None,
) -> ward_office.MovingInResult:
    """転入届: register a person at an address; a new person gets a number and a letter.

    A temporary visitor is refused before anything is written: the status in
    ``build_moving_in``, a stay of 3 months or less here for a person arriving from abroad
    (``registration.check_stay_length``). A person still registered elsewhere must move out
    first. A person who left and comes
    back keeps their registry code, so they get the same number (番号法 第7条). A person who
    moved with their My Number Card has its moving deadlines checked; ``card_serial`` (the
    card brought along, 継続利用) has its chip updated at once (``card_moving``).
    """
    require_role(caller, Role.WARD_OFFICE)
    get_municipality(session, municipality_code)
    # The policy first: a moving-in belongs to the office of the municipality moved in to,
    # so another office learns nothing of the person (registered elsewhere, returning…).
    authorise(
        session,
        svc,
        caller,
        Action.CHANGE_REGISTRATION,
        Subject(None, moving_in_to=municipality_code),
    )
    key = ward_office.identity_key(svc, form)
    person = session.scalars(select(Person).where(Person.identity_key == key)).first()
    returning = person is not None
    if person is not None:
        ward_office.refuse_if_registered(session, person)
    if form.foreign is not None and ward_office.arrives_from_abroad(session, person):
        check_stay_length(form.foreign.period_of_stay_ends, arrived_on=form.started_living_on)
    if person is None:
        person, number = ward_office.new_person(session, svc, form, key)
    else:
        number = number_of(svc, ward_office.registry_code_of(person))
    reg = ward_office.add_registration(session, person, municipality_code, form)
    # The letter's mail item is the one just posted: no need to look it up again.
    posted = (
        None if returning else letters.issue_letter(session, svc, person=person, registration=reg)
    )
    if returning:
        card_moving.on_moving_in(
            session, svc, caller=caller, registration=reg, card_serial=card_serial
        )
    audit.record(
        session,
        caller=caller,
        action="register_moving_in",
        person_id=person.id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"municipality {municipality_code}" + (" (late)" if reg.late else ""),
    )
    return ward_office.MovingInResult(
        person_id=person.id,
        registration_id=reg.id,
        masked_number=number.masked,
        late=reg.late,
        returning=returning,
        letter_id=posted.letter.id if posted else None,
        application_id=posted.letter.application_id if posted else None,
        mail_id=posted.mail.id if posted else None,
    )


def register_moving_out(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    destination: str,
    planned_move_on: dt.date,
) -> Registration:
    """転出届: to another municipality (its code) or ``abroad``.

    Filed today; late (recorded, accepted) when after the 14 days of ``planned_move_on`` or,
    abroad, after the day of leaving (``deadlines.is_late_moving_out``, 住民基本台帳法
    第24条). The card side (``cards.moving.on_moving_out``) revokes the signature
    certificate at once.
    """
    require_role(caller, Role.WARD_OFFICE)
    authorise(session, svc, caller, Action.CHANGE_REGISTRATION, Subject(person_id))
    reg = require_active_registration(session, person_id)
    check_own_municipality(caller, reg.municipality_code)
    if destination != ABROAD:
        get_municipality(session, destination)
        if destination == reg.municipality_code:
            raise invalid(
                "destination",
                "Moving within the municipality is a 転居届, not a 転出届.",
                "同じ市区町村内の移動は転居届です。",
            )
    today = svc.clock.today()
    person = get_person(session, person_id)
    if planned_move_on < person.date_of_birth:
        raise invalid(
            "planned_move_on",
            "The moving date is before the date of birth.",
            "転出日が生年月日より前です。",
        )
    reg.status = RegistrationStatus.MOVED_OUT
    reg.ended_on = planned_move_on
    reg.moved_to = destination
    reg.planned_move_on = planned_move_on
    reg.moving_out_filed_on = today
    reg.moving_out_late = deadlines.is_late_moving_out(
        planned_move_on, today, abroad=destination == ABROAD
    )
    session.flush()
    card_moving.on_moving_out(
        session,
        svc,
        person_id=person_id,
        destination=destination,
        planned_move_on=planned_move_on,
        nationality=person.nationality,
    )
    audit.record(
        session,
        caller=caller,
        action="register_moving_out",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"to {destination}" + (" (late)" if reg.moving_out_late else ""),
    )
    return reg
