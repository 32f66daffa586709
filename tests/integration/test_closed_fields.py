"""Closed vocabularies at the edge (issue 15.5): every request field that is really one of a
closed list — identity documents, sex, the reason an enrolment ends, the documents that
confirm a number and an identity, a moving-out's destination — is an enum (or a pattern) in
the API's schema, so an unknown value is a 422 problem+json that names the field and the
allowed values, never stored, never echoed. Free text that reaches staff screens or the
audit log (names, addresses, who asked for a letter, an employer's name) is bounded.

SQLite only (the 422s): each body is refused by its schema before the route's code runs, after
the caller's token is read, so nothing can be written on either database (every table has as
many rows after as before; ``writes_nothing`` fails the test if the call ever executes anything
but queries). A bound or an enum lost would let the value through to SQLite, which stores
any length (201): the test fails there as on PostgreSQL, whose column would refuse it (500)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from mynumber.adapters.db.models import Base
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.employment_rules import StaffRole
from tests.client import TestClient
from tests.conftest import ref, ward
from tests.integration.clinic_support import World, enrol, setup_world, token_for
from tests.integration.employer_support import make_company
from tests.integration.helpers import register
from tests.integration.test_api import MOVING_IN
from tests.integration.test_employer_api import EMPLOYEE

TYPED = "621498320257"  # a valid My Number, typed where a closed value goes
IDENTITY = {
    "name_latin": "Smith John",
    "date_of_birth": "1990-01-01",
    "residence_card_number": "AB12345678CD",
    "id_documents": ["residence_card"],
}


@dataclass
class Subjects:
    """A registered person, an enrolment of theirs and an employee, with tokens."""

    headers: dict[str, dict[str, str]]
    person: str
    enrolment: str
    employee: str


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def subjects(system: System, client: TestClient) -> Subjects:
    world: World = setup_world(system)
    person = register(system).person_id
    enrolment = enrol(system, world.nhi, person)
    company = make_company(system)
    hr = {"Authorization": f"Bearer {company.tokens[StaffRole.HR]}"}
    hired = client.post("/employer/employees", json=EMPLOYEE, headers=hr)
    assert hired.status_code == 201, hired.text
    return Subjects(
        headers={
            "ward": token_for(system, ward()),
            "insurer": token_for(system, world.nhi),
            "payroll": {"Authorization": f"Bearer {company.tokens[StaffRole.PAYROLL]}"},
        },
        person=ref("per", person),
        enrolment=ref("enr", enrolment),
        employee=str(hired.json()["id"]),
    )


Case = tuple[str, str, Callable[[Subjects], str], dict[str, Any], str, str | None]
"""Who calls, method, path, body, the field refused, a value the message must list."""

CASES: dict[str, Case] = {
    "moving-in sex": (
        "ward",
        "POST",
        lambda s: "/ward-office/residents",
        {**MOVING_IN, "sex": TYPED},
        "sex",
        "'M'",
    ),
    "moving-in identity document": (
        "ward",
        "POST",
        lambda s: "/ward-office/residents",
        {**MOVING_IN, "id_documents": ["passport", TYPED]},
        "id_documents.1",
        "residence_card",
    ),
    "moving-in name (bounded)": (
        "ward",
        "POST",
        lambda s: "/ward-office/residents",
        {**MOVING_IN, "name_latin": "A" * 101},
        "name_latin",
        None,
    ),
    "moving-in address (bounded)": (
        "ward",
        "POST",
        lambda s: "/ward-office/residents",
        {**MOVING_IN, "address": "1" * 201},
        "address",
        None,
    ),
    "moving-within address (bounded)": (
        "ward",
        "POST",
        lambda s: f"/ward-office/residents/{s.person}/moving-within",
        {"new_address": "2" * 201, "moved_on": "2026-04-01"},
        "new_address",
        None,
    ),
    "moving-out destination": (
        "ward",
        "POST",
        lambda s: f"/ward-office/residents/{s.person}/moving-out",
        {"destination": TYPED, "planned_move_on": "2026-05-01"},
        "destination",
        None,
    ),
    "hand-over identity document": (
        "ward",
        "POST",
        lambda s: f"/ward-office/residents/{s.person}/letter/hand-over",
        {"id_documents": [TYPED]},
        "id_documents.0",
        "passport",
    ),
    "end of enrolment reason": (
        "insurer",
        "POST",
        lambda s: f"/insurer/enrolments/{s.enrolment}/end",
        {"last_day": "2026-04-30", "reason": TYPED},
        "reason",
        "moved_away",
    ),
    "letter requested by (bounded)": (
        "insurer",
        "POST",
        lambda s: f"/insurer/enrolments/{s.enrolment}/letters",
        {"requested_by": "x" * 101},
        "requested_by",
        None,
    ),
    "number confirmation document": (
        "payroll",
        "POST",
        lambda s: f"/employer/employees/{s.employee}/my-number",
        {"my_number": "6214 9832 0257", "purposes": ["tax"], "number_proof": TYPED},
        "number_proof",
        "my_number_card",
    ),
    "identity confirmation document": (
        "payroll",
        "POST",
        lambda s: f"/employer/employees/{s.employee}/my-number",
        {
            "my_number": "6214 9832 0257",
            "purposes": ["tax"],
            "number_proof": "notification_card",
            "details_match": True,
            "identity_proof": TYPED,
        },
        "identity_proof",
        "residence_card",
    ),
    "card counter identity document": (
        "ward",
        "POST",
        lambda s: "/cards/000000000001/return",
        {**IDENTITY, "id_documents": [TYPED]},
        "id_documents.0",
        "residence_card",
    ),
}


def _rows(system: System) -> dict[str, int]:
    with system.uow() as uow:
        return {
            table.name: uow.session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@pytest.mark.sqlite_only(writes_nothing=True)
@pytest.mark.parametrize("case", list(CASES))
def test_an_unknown_or_oversized_value_is_422_naming_the_field_and_nothing_is_written(
    system: System, client: TestClient, subjects: Subjects, case: str
) -> None:
    who, method, path, body, field, allowed = CASES[case]
    before = _rows(system)
    resp = client.request(method, path(subjects), json=body, headers=subjects.headers[who])
    assert resp.status_code == 422, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    problem = resp.json()
    assert problem["code"] == "invalid-input"
    assert [e["field"] for e in problem["errors"]] == [field]
    if allowed is not None:  # the allowed values are listed
        assert allowed in problem["errors"][0]["message"]
    assert TYPED not in resp.text and "A" * 101 not in resp.text  # never echoed
    assert _rows(system) == before  # nothing stored, not even an audit entry


@pytest.mark.sqlite_only  # the OpenAPI document
def test_the_schema_lists_the_allowed_values(client: TestClient) -> None:
    """A client generated from the OpenAPI document knows the closed lists."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert set(schemas["LossReason"]["enum"]) >= {"moved_away", "left_job", "died"}
    assert set(schemas["Sex"]["enum"]) == {"M", "F"}
    assert "residence_card" in schemas["IdDocument"]["enum"]
    assert "my_number_card" in schemas["NumberProof"]["enum"]
