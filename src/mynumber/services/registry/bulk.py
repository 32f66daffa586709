"""Registering many new residents at once (a municipality's batch, or the benchmark).

The same rules as ``ward_office.register_moving_in`` — the same row builders, the same
identity check, the same number derivation (vectorised here) — in a handful of statements
per batch instead of a dozen per person. The batch is one transaction: all or nothing.

Rows go in through ``adapters.db.bulk_insert.insert_rows``: ``COPY`` on PostgreSQL, the
driver's ``executemany`` on SQLite (why: its docstring).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from sqlalchemy import (
    String,
    any_,
    bindparam,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from mynumber.adapters.db.bulk_insert import insert_rows
from mynumber.adapters.db.models import MailItem, NotificationLetter, Person, Registration
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Conflict
from mynumber.domain.mail import MailKind, MailStatus
from mynumber.domain.numbering import derive_my_numbers
from mynumber.domain.numbers import IndividualNumber
from mynumber.domain.policy import Action
from mynumber.domain.registration import MovingIn, check_stay_length
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import get_municipality
from mynumber.services.registry.letters import new_application_id
from mynumber.services.registry.numbers import allocate_registry_codes
from mynumber.services.registry.ward_office import (
    identity_key,
    person_fields,
    registration_fields,
)


def register_many(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    municipality_code: str,
    forms: Sequence[MovingIn],
) -> list[int]:
    """転入届 for many people new to the register; returns their person ids in order."""
    require_role(caller, Role.WARD_OFFICE)
    get_municipality(session, municipality_code)
    # The same rule as one moving-in: the office of the municipality moved in to, and a
    # refusal is the policy's (403, audited), not a conflict.
    authorise(
        session,
        svc,
        caller,
        Action.CHANGE_REGISTRATION,
        Subject(None, moving_in_to=municipality_code),
    )
    for form in forms:  # everyone is new to the register: a temporary stay is refused
        if form.foreign is not None:
            check_stay_length(form.foreign.period_of_stay_ends, arrived_on=form.started_living_on)
    keys = [identity_key(svc, form) for form in forms]
    _refuse_known(session, keys)
    person_ids = _insert_people(session, svc, forms, keys)
    insert_rows(
        session,
        Registration,
        [
            registration_fields(pid, municipality_code, form)
            for pid, form in zip(person_ids, forms, strict=True)
        ],
    )
    _mail_letters(session, svc, person_ids, forms, municipality_code)
    audit.record_many(
        session,
        caller=caller,
        action="register_moving_in",
        at=svc.clock.now(),
        purpose=Purpose.RESIDENT_REGISTRY,
        person_ids=person_ids,
        detail=f"municipality {municipality_code} (batch)",
    )
    return person_ids


def _refuse_known(session: Session, keys: list[str]) -> None:
    if len(set(keys)) != len(keys):
        raise Conflict(
            "The batch names the same person twice; nothing was registered.",
            "同じ方が二重に含まれています。登録は行われませんでした。",
        )
    for among in _identity_key_among(session, keys):
        known = session.scalars(select(Person.id).where(among)).first()
        if known is not None:
            raise Conflict(
                f"Person {known} is already known to the register: register them on their "
                "own (they may need to move out first); nothing was registered.",
                f"登録済みの方（ID {known}）が含まれています。登録は行われませんでした。",
            )


def _identity_key_among(session: Session, keys: list[str]) -> Iterator[ColumnElement[bool]]:
    """``identity_key`` among ``keys``, as conditions the database plans well.

    PostgreSQL gets one array parameter. An ``IN`` of 500 parameters there is a prepared
    statement (psycopg prepares it by its fifth run) whose generic plan, made while the
    table is small, is a sequential scan, kept as the table grows: at 60,000 persons each
    look-up took 1.4 s. With ``= ANY(array)`` the generic plan is an index scan.
    """
    if session.get_bind().dialect.name == "postgresql":
        yield Person.identity_key == any_(bindparam("keys", keys, type_=ARRAY(String)))
        return
    for i in range(0, len(keys), 500):
        yield Person.identity_key.in_(keys[i : i + 500])


def _insert_people(
    session: Session,
    svc: Services,
    forms: Sequence[MovingIn],
    keys: list[str],
) -> list[int]:
    codes = allocate_registry_codes(session, len(forms))
    numbers = derive_my_numbers(
        np.array([int(c.digits) for c in codes], dtype=np.int64),
        key=svc.keys.number_key,
        tweak=svc.keys.number_tweak,
    )
    rows = [
        person_fields(svc, form, key=key, code=code, number=IndividualNumber(f"{int(number):012d}"))
        for form, key, code, number in zip(forms, keys, codes, numbers, strict=True)
    ]
    return insert_rows(session, Person, rows, return_ids=True)


def _mail_letters(
    session: Session,
    svc: Services,
    person_ids: list[int],
    forms: Sequence[MovingIn],
    municipality_code: str,
) -> None:
    today, now = svc.clock.today(), svc.clock.now()
    letter_ids = insert_rows(
        session,
        NotificationLetter,
        [
            dict(
                person_id=pid,
                application_id=new_application_id(),
                issued_on=today,
                status=MailStatus.IN_TRANSIT.value,
                superseded=False,
            )
            for pid in person_ids
        ],
        return_ids=True,
    )
    due = now + svc.post.delivery_time(MailKind.NOTIFICATION_LETTER)
    insert_rows(
        session,
        MailItem,
        [
            dict(
                kind=MailKind.NOTIFICATION_LETTER.value,
                person_id=pid,
                ref_id=lid,
                address=form.address,
                municipality_code=municipality_code,
                sent_at=now,
                due_at=due,
                status=MailStatus.IN_TRANSIT.value,
            )
            for pid, lid, form in zip(person_ids, letter_ids, forms, strict=True)
        ],
    )
