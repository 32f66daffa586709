"""``insert_rows``: few rows (one INSERT on PostgreSQL) and many (COPY) store what the ORM
would, and give each row's id in the order of the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mynumber.adapters.db.bulk_insert import FEW_ROWS, insert_rows
from mynumber.adapters.db.models import Person, Registration
from mynumber.bootstrap import System
from mynumber.demo.data import seed_municipalities


def _people(count: int, at: dt.datetime, start: int = 0) -> list[dict[str, object]]:
    return [
        dict(
            registry_code=f"{start + i:011d}",
            identity_key=f"k{start + i}",
            number_lookup=f"n{start + i}",
            number_sealed=bytes([i % 256]),
            name_latin=f"Resident {start + i}",
            date_of_birth=dt.date(1990, 1, 1) + dt.timedelta(days=i),
            sex="F" if i % 2 else "M",
            nationality="JP",
            created_at=at,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [1, 3, FEW_ROWS, FEW_ROWS + 1, 3 * FEW_ROWS])
def test_rows_come_back_as_given_with_their_ids_in_order(system: System, count: int) -> None:
    at = system.services.clock.now()
    rows = _people(count, at)
    with system.uow() as uow:
        insert_rows(uow.session, Person, _people(2, at, start=90_000))  # ids not from 1
        ids = insert_rows(uow.session, Person, rows, return_ids=True)
        uow.commit()
    assert len(ids) == len(set(ids)) == count
    with system.uow() as uow:
        stored = {p.id: p for p in uow.session.scalars(select(Person).where(Person.id.in_(ids)))}
    for new_id, row in zip(ids, rows, strict=True):
        person = stored[new_id]
        assert (
            person.registry_code,
            person.name_latin,
            person.date_of_birth,
            person.sex,
            person.number_sealed,
        ) == (
            row["registry_code"],
            row["name_latin"],
            row["date_of_birth"],
            row["sex"],
            row["number_sealed"],
        )
        assert person.created_at == at


def test_without_ids_asked_nothing_is_returned_and_the_rows_are_stored(system: System) -> None:
    at = system.services.clock.now()
    with system.uow() as uow:
        assert insert_rows(uow.session, Person, _people(4, at)) == []
        uow.commit()
    with system.uow() as uow:
        assert len(uow.session.scalars(select(Person)).all()) == 4


@pytest.mark.parametrize("count", [1, 2, FEW_ROWS, FEW_ROWS + 1])
def test_json_booleans_and_nulls_are_stored_as_the_orm_stores_them(
    system: System, count: int
) -> None:
    """A JSON column, a boolean and a column that is NULL in every row (on PostgreSQL one
    array each, up to ``FEW_ROWS`` rows)."""
    at = system.services.clock.now()
    with system.uow() as uow:
        seed_municipalities(uow.session)
        people = insert_rows(uow.session, Person, _people(count, at), return_ids=True)
        rows = [
            dict(
                person_id=person_id,
                municipality_code="131016",
                address=f"{i} Chiyoda",
                started_living_on=dt.date(2026, 4, 1),
                filed_on=dt.date(2026, 4, 3),
                late=i % 2 == 1,
                status="active",
                ended_on=None,
                id_documents=["residence_card", f"passport {i}"],
            )
            for i, person_id in enumerate(people)
        ]
        ids = insert_rows(uow.session, Registration, rows, return_ids=True)
        uow.commit()
    with system.uow() as uow:
        stored = {
            r.id: r
            for r in uow.session.scalars(select(Registration).where(Registration.id.in_(ids)))
        }
    for new_id, row in zip(ids, rows, strict=True):
        registration = stored[new_id]
        assert registration.id_documents == row["id_documents"]
        assert (
            registration.person_id,
            registration.late,
            registration.ended_on,
            registration.address,
        ) == (row["person_id"], row["late"], None, row["address"])
