"""Finding people and their registrations (shared look-ups for every actor's services)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import ACTIVE, Municipality, Person, Registration
from mynumber.domain.errors import NotFound, invalid
from mynumber.domain.numbers import LocalGovernmentCode


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(
            f"No resident with id {person_id}.",
            f"ID {person_id} の住民は見つかりません。",
            person_id=person_id,
        )
    return person


def active_registration(session: Session, person_id: int) -> Registration | None:
    return session.scalars(
        select(Registration).where(
            Registration.person_id == person_id, Registration.status == ACTIVE
        )
    ).first()


def require_active_registration(session: Session, person_id: int) -> Registration:
    reg = active_registration(session, person_id)
    if reg is None:
        raise NotFound(
            "This person is not registered as living in Japan now (moved out or never registered).",
            "この方は現在住民登録されていません（転出済みまたは未登録）。",
            person_id=person_id,
        )
    return reg


def get_municipality(session: Session, code: str) -> Municipality:
    LocalGovernmentCode(code)  # format and check digit first: a clearer error
    found = session.get(Municipality, code)
    if found is None:
        raise invalid(
            "municipality_code",
            f"Unknown municipality {code}.",
            f"地方公共団体コード {code} の市区町村は登録されていません。",
        )
    return found
