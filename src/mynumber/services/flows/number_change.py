"""個人番号の変更 — the ward office changes a leaked My Number (番号法 第7条第2項).

The register, the card and the holders of the old number change together, so the use case
lives in ``flows``: a new resident-registry code and the number derived from it; the old
number retired for good (``models_register.RetiredNumber``); the card, which carries the old
number on its chip, cancelled and a new notification letter (個人番号通知書, with the
application ID for the new card) posted; a notice for every employer that collected the old
number and every insurer that enrols the person. The rules: ``domain.number_change``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import NotificationLetter
from mynumber.adapters.db.models_employer import Employee, EmployeeNumber
from mynumber.adapters.db.models_insurance import InsuranceEnrolment
from mynumber.adapters.db.models_register import NumberChangeNotice, RetiredNumber
from mynumber.domain.access import Purpose, Role
from mynumber.domain.cards import CardStatus, InvalidReason
from mynumber.domain.number_change import (
    check_change_allowed,
    check_never_reassigned,
    parse_ground,
)
from mynumber.domain.policy import Action
from mynumber.services.cards import records as card_records
from mynumber.services.core import audit
from mynumber.services.core.access import check_own_municipality
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import get_person, require_active_registration
from mynumber.services.registry import letters
from mynumber.services.registry.numbers import (
    allocate_registry_codes,
    number_of,
    sealing_context,
)


@dataclass(frozen=True)
class NumberChangeResult:
    person_id: int
    masked_number: str
    cards_cancelled: int
    letter_id: int
    application_id: str
    employers_notified: int
    insurers_notified: int


def change_number(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    ground: str,
    leaked: bool,
    fraud_feared: bool,
) -> NumberChangeResult:
    """Change the person's number, at the office of the municipality they are registered in.

    ``ground``: ``on_request`` (the holder asked) or ``ex_officio``; ``leaked`` and
    ``fraud_feared`` are what the office found (both must hold). Nothing of the number is
    written to the audit log but the fact and the ground."""
    require_role(caller, Role.WARD_OFFICE)
    authorise(session, svc, caller, Action.CHANGE_REGISTRATION, Subject(person_id))
    reg = require_active_registration(session, person_id)
    check_own_municipality(caller, reg.municipality_code)
    chosen = parse_ground(ground)
    check_change_allowed(leaked=leaked, fraud_feared=fraud_feared)
    person = get_person(session, person_id)
    today, now = svc.clock.today(), svc.clock.now()

    old_lookup = person.number_lookup
    code = allocate_registry_codes(session)[0]
    new = number_of(svc, code)
    new_lookup = svc.vault.lookup_hash(new)
    retired_lookups = set(session.scalars(select(RetiredNumber.number_lookup)))
    check_never_reassigned(new_lookup, retired_lookups | {old_lookup})
    retired = RetiredNumber(
        number_lookup=old_lookup,
        person_id=person_id,
        retired_registry_code=person.registry_code,
        ground=chosen.value,
        changed_on=today,
        changed_by=caller.name,
        created_at=now,
    )
    session.add(retired)
    person.registry_code = code.digits
    person.number_sealed = svc.vault.seal(new, context=sealing_context(code.digits))
    person.number_lookup = new_lookup
    session.flush()

    cancelled = 0
    for card in card_records.cards_of(session, person_id, CardStatus.ACTIVE, CardStatus.SUSPENDED):
        # The chip holds the old number: the card goes (its certificates revoked); the chip
        # is erased when the card is brought back.
        card_records.invalidate_card(
            session, svc, card=card, reason=InvalidReason.NUMBER_CHANGED, destroy_chip=False
        )
        cancelled += 1
    card_records.cancel_open_application(session, svc, person_id=person_id, reason="number_changed")
    for old in session.scalars(
        select(NotificationLetter).where(
            NotificationLetter.person_id == person_id, NotificationLetter.superseded.is_(False)
        )
    ):
        old.superseded = True
    letter = letters.issue_letter(session, svc, person=person, registration=reg).letter

    employers = _notify_employers(session, retired, old_lookup, today, now)
    insurers = _notify_insurers(session, retired, person_id, today, now)
    audit.record(
        session,
        caller=caller,
        action="change_my_number",
        person_id=person_id,
        purpose=Purpose.RESIDENT_REGISTRY,
        at=now,
        detail=f"{chosen.value}; {cancelled} card(s) cancelled; notices to {employers} "
        f"employer(s), {insurers} insurer(s)",
    )
    return NumberChangeResult(
        person_id=person_id,
        masked_number=new.masked,
        cards_cancelled=cancelled,
        letter_id=letter.id,
        application_id=letter.application_id,
        employers_notified=employers,
        insurers_notified=insurers,
    )


def _notify_employers(
    session: Session, retired: RetiredNumber, old_lookup: str, today: dt.date, now: dt.datetime
) -> int:
    """Every employer that collected the old number (and has not deleted it)."""
    held = session.execute(
        select(Employee.employer_id, Employee.id)
        .join(EmployeeNumber, EmployeeNumber.employee_id == Employee.id)
        .where(EmployeeNumber.number_lookup == old_lookup)
    ).all()
    for employer_id, employee_id in held:
        session.add(
            NumberChangeNotice(
                retired_id=retired.id,
                person_id=retired.person_id,
                holder_role=Role.EMPLOYER.value,
                holder_id=employer_id,
                employee_id=employee_id,
                changed_on=today,
                created_at=now,
            )
        )
    return len({employer_id for employer_id, _ in held})


def _notify_insurers(
    session: Session, retired: RetiredNumber, person_id: int, today: dt.date, now: dt.datetime
) -> int:
    """Every insurer with an enrolment of the person that has not ended (an insurer records
    its members' numbers for social security, 番号法 第9条)."""
    rows = session.execute(
        select(InsuranceEnrolment.insurer_id, InsuranceEnrolment.id).where(
            InsuranceEnrolment.person_id == person_id,
            (InsuranceEnrolment.valid_until.is_(None)) | (InsuranceEnrolment.valid_until >= today),
        )
    ).all()
    for insurer_id, enrolment_id in rows:
        session.add(
            NumberChangeNotice(
                retired_id=retired.id,
                person_id=person_id,
                holder_role=Role.INSURER.value,
                holder_id=insurer_id,
                enrolment_id=enrolment_id,
                changed_on=today,
                created_at=now,
            )
        )
    return len({insurer_id for insurer_id, _ in rows})
