"""Assigning and reading the My Number (個人番号).

The number is derived, not drawn: FF3-1 over the person's resident-registry code plus the
check digit (``domain.numbering``). Every read states a purpose, is checked against the law
(``domain.access``) and is audited.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import REGISTRY_CODES, Counter, Person
from mynumber.adapters.db.models_register import RetiredNumber
from mynumber.domain.access import Purpose
from mynumber.domain.errors import NotFound
from mynumber.domain.number_change import retired_number_refusal
from mynumber.domain.numbering import derive_my_number, registry_code_for
from mynumber.domain.numbers import IndividualNumber, ResidentRegistryCode
from mynumber.domain.policy import Action
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise
from mynumber.services.core.records import get_person

REGISTRY_SEQUENCE = "registry_code"


def allocate_registry_codes(session: Session, count: int = 1) -> list[ResidentRegistryCode]:
    """``count`` fresh registry codes, never handed out twice.

    On PostgreSQL they come from a sequence (``REGISTRY_CODES``): ``nextval`` takes no lock
    that lasts to the commit, so registrations in two municipalities never wait for each
    other (a rolled-back registration leaves a gap, which no rule minds: the number is
    FF3-1 of the code, unpredictable whatever the codes). On SQLite, which has one writer at a
    time anyway, the counter row (made by the first migration) does the same."""
    if session.get_bind().dialect.name == "postgresql":
        values = session.scalars(
            select(REGISTRY_CODES.next_value()).select_from(func.generate_series(1, count))
        ).all()
        return [registry_code_for(n) for n in sorted(values)]
    row = session.execute(
        update(Counter)
        .where(Counter.name == REGISTRY_SEQUENCE)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    ).scalar_one()
    return [registry_code_for(n) for n in range(row - count + 1, row + 1)]


def number_of(svc: Services, code: ResidentRegistryCode) -> IndividualNumber:
    return derive_my_number(code, key=svc.keys.number_key, tweak=svc.keys.number_tweak)


def read_my_number(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    purpose: Purpose,
) -> IndividualNumber:
    """The person's number, for a purpose the law allows and a caller related to the person
    (``domain.policy``: the ward office of their municipality, their insurer, a tax office
    holding their return, themselves — never an employer, a clinic or the card centre);
    audited either way."""
    authorise(session, svc, caller, Action.READ_NUMBER, Subject(person_id), purpose)
    person = get_person(session, person_id)
    audit.record(
        session,
        caller=caller,
        action="read_my_number",
        purpose=purpose,
        person_id=person_id,
        at=svc.clock.now(),
    )
    return open_number(svc, person)


def find_by_number(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    number: IndividualNumber,
    purpose: Purpose,
) -> Person:
    """The person holding ``number`` (keyed-hash look-up), for an allowed purpose and a
    related caller; a person outside the caller's relationships is refused exactly as an
    unknown number is, so the look-up reveals nothing. A changed number (番号法 第7条第2項)
    is its former holder's for the policy, and a related caller is told it was changed."""
    lookup = svc.vault.lookup_hash(number)
    person = session.scalars(select(Person).where(Person.number_lookup == lookup)).first()
    former = None if person else _former_holder(session, lookup)
    subject = person.id if person else former
    authorise(session, svc, caller, Action.FIND_BY_NUMBER, Subject(subject), purpose)
    audit.record(
        session,
        caller=caller,
        action="find_by_my_number",
        purpose=purpose,
        person_id=subject,
        at=svc.clock.now(),
        detail=f"number {number.masked}" + (" (changed)" if former else ""),
    )
    if former is not None:
        raise retired_number_refusal()
    if person is None:
        raise NotFound(
            f"No resident has the number {number.masked}.",
            f"番号 {number.masked} の住民は見つかりません。",
        )
    return person


def _former_holder(session: Session, lookup: str) -> int | None:
    return session.scalars(
        select(RetiredNumber.person_id).where(RetiredNumber.number_lookup == lookup)
    ).first()


def is_retired(session: Session, *, lookup: str) -> bool:
    """Whether the number with this keyed hash was changed (番号法 第7条第2項)."""
    found = session.scalars(
        select(RetiredNumber.id).where(RetiredNumber.number_lookup == lookup)
    ).first()
    return found is not None


def refuse_if_retired(session: Session, *, lookup: str) -> None:
    """A changed number presented anywhere gets its own refusal (``number_changed``)."""
    if is_retired(session, lookup=lookup):
        raise retired_number_refusal()


def sealing_context(registry_code: str) -> str:
    """Binds a sealed number to its person's row (AES-GCM associated data)."""
    return f"persons/{registry_code}"


def open_number(svc: Services, person: Person) -> IndividualNumber:
    """Decrypt the person's number — callers have checked the purpose and audited."""
    return svc.vault.open(person.number_sealed, context=sealing_context(person.registry_code))
