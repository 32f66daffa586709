"""在留カードの更新 — the ward office records a foreign resident's renewed residence card.

A stay renewal or a change of status at immigration gives the resident a new residence card
with a new number; the register keeps the card's number, the status of residence and the end
of the period of stay (住基法 第30条の45). The My Number Card does not follow by itself: its
validity change (``services.cards.counter.change_validity``) records the renewed card through
this use case in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Registration
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Conflict
from mynumber.domain.policy import Action
from mynumber.domain.registration import RegistrationStatus, check_residence_card_renewal
from mynumber.services.core import audit
from mynumber.services.core.access import check_own_municipality
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import require_active_registration


def record_residence_card_renewal(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    residence_card_number: str,
    status_of_residence: str,
    period_of_stay_ends: dt.date | None,
) -> Registration:
    """Record the renewed residence card (number, status, end of stay) on the active
    registration, at the office of the municipality the resident is registered in.

    A card number already on another resident's active registration is refused: a card is one
    person's, and taking another's number would let its holder pass as them at the counter."""
    require_role(caller, Role.WARD_OFFICE)
    authorise(session, svc, caller, Action.CHANGE_REGISTRATION, Subject(person_id))
    reg = require_active_registration(session, person_id)
    check_own_municipality(caller, reg.municipality_code)
    return _record(
        session,
        svc,
        caller=caller,
        reg=reg,
        residence_card_number=residence_card_number,
        status_of_residence=status_of_residence,
        period_of_stay_ends=period_of_stay_ends,
    )


def record_stay_granted(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    reg: Registration,
    residence_card_number: str,
    status_of_residence: str,
    period_of_stay_ends: dt.date | None,
) -> Registration:
    """The register follows a stay the immigration bureau granted with a special residence
    card (the card's new number, the status, the new end of stay): the bureau's use case has
    asked the access policy (``services.immigration``)."""
    require_role(caller, Role.IMMIGRATION)
    return _record(
        session,
        svc,
        caller=caller,
        reg=reg,
        residence_card_number=residence_card_number,
        status_of_residence=status_of_residence,
        period_of_stay_ends=period_of_stay_ends,
    )


def _record(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    reg: Registration,
    residence_card_number: str,
    status_of_residence: str,
    period_of_stay_ends: dt.date | None,
) -> Registration:
    person_id = reg.person_id
    renewed = check_residence_card_renewal(
        recorded_number=reg.residence_card_number,
        new_number=residence_card_number,
        status=status_of_residence,
        stay_ends=period_of_stay_ends,
        filed_on=svc.clock.today(),
    )
    number = renewed.residence_card_number.value
    taken = session.scalars(
        select(Registration.id).where(
            Registration.residence_card_number == number,
            Registration.status == RegistrationStatus.ACTIVE.value,
            Registration.person_id != person_id,
        )
    ).first()
    if taken is not None:
        raise Conflict(
            "This residence card number is on another resident's registration. Check the "
            "number on the card shown.",
            "この在留カード番号は別の住民の記録にあります。提示されたカードの番号をご確認ください。",
            field="residence_card_number",
        )
    reg.residence_card_number = number
    reg.status_of_residence = renewed.status_of_residence
    reg.period_of_stay_ends = renewed.period_of_stay_ends
    audit.record(
        session,
        caller=caller,
        action="record_residence_card_renewal",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=svc.clock.now(),
        detail=f"stay until {renewed.period_of_stay_ends or 'no limit'}",
    )
    return reg
