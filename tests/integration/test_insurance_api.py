"""Insurers over HTTP: enrolment, refusals as problem+json, letters (PDF), insurance use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from httpx2 import Response

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from tests.client import TestClient
from tests.conftest import caller, ref, ward
from tests.integration.clinic_support import (
    ASSOCIATION_NUMBER,
    World,
    make_card,
    setup_world,
    token_for,
)
from tests.integration.employer_support import employ
from tests.integration.helpers import register


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


def problem(resp: Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert body["code"] == code and body["detail"] and body["detail_ja"]
    return body


def enrolment(person_id: int, number: str = "1001") -> dict[str, Any]:
    return {
        "person_id": ref("per", person_id),
        "symbol": "12",
        "number": number,
        "branch": "01",
        "income_class": "middle",
        "valid_from": "2026-04-01",
    }


def test_an_insurer_enrols_ends_and_issues_a_letter_over_http(
    system: System, world: World, client: TestClient
) -> None:
    nhi = token_for(system, world.nhi)
    person = register(system).person_id
    resp = client.post("/insurer/enrolments", headers=nhi, json=enrolment(person))
    assert resp.status_code == 201, resp.text
    enrolment_id = resp.json()["enrolment_id"]
    letter = client.post(f"/insurer/enrolments/{enrolment_id}/letters", headers=nhi, json={})
    assert letter.status_code == 201, letter.text
    pdf = client.get(f"/insurer/letters/{letter.json()['letter_id']}.pdf", headers=nhi)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    owner = token_for(system, caller(Role.RESIDENT, scope_id=person))
    assert (
        client.get(f"/insurer/letters/{letter.json()['letter_id']}.pdf", headers=owner).status_code
        == 200
    )
    ended = client.post(
        f"/insurer/enrolments/{enrolment_id}/end",
        headers=nhi,
        json={"last_day": "2026-04-30", "reason": "moved_away"},
    )
    assert ended.json()["valid_until"] == "2026-04-30"


def test_enrolment_refusals_are_problems(system: System, world: World, client: TestClient) -> None:
    nhi, association = token_for(system, world.nhi), token_for(system, world.association)
    person = register(system).person_id
    assert (
        client.post("/insurer/enrolments", headers=nhi, json=enrolment(person)).status_code == 201
    )
    # Not the association's to insure (no member employer employs them): the policy refuses
    # before saying they are insured elsewhere; once employed there, the overlap is the answer.
    problem(
        client.post("/insurer/enrolments", headers=association, json=enrolment(person, "2002")),
        403,
        "access-refused",
    )
    employ(system, person, insurer_number=ASSOCIATION_NUMBER)
    problem(
        client.post("/insurer/enrolments", headers=association, json=enrolment(person, "2002")),
        409,
        "conflict",
    )
    problem(
        client.post("/insurer/enrolments", headers=nhi, json={**enrolment(person), "branch": "1"}),
        422,
        "invalid-input",
    )
    problem(
        client.post(
            f"/insurer/enrolments/{ref('enr', 1)}/end",
            headers=association,
            json={"last_day": "2026-05-01", "reason": "moved_away"},
        ),
        404,
        "not-found",
    )
    clinic = token_for(system, world.clinic)
    problem(
        client.post("/insurer/enrolments", headers=clinic, json=enrolment(person, "3003")),
        403,
        "forbidden",
    )


def test_a_letter_is_refused_when_the_card_works_and_sent_unasked_otherwise(
    system: System, world: World, client: TestClient
) -> None:
    nhi = token_for(system, world.nhi)
    with_card = make_card(system).person_id
    without = register(system, name_latin="Without Card").person_id
    ids = [
        client.post("/insurer/enrolments", headers=nhi, json=enrolment(p, str(n))).json()[
            "enrolment_id"
        ]
        for n, p in ((1, with_card), (2, without))
    ]
    body = problem(
        client.post(f"/insurer/enrolments/{ids[0]}/letters", headers=nhi, json={}), 409, "conflict"
    )
    assert body["reason"] == "card-usable"
    sent = client.post("/insurer/letters/send-unasked", headers=nhi).json()
    assert [s["enrolment_id"] for s in sent] == [ids[1]]


def test_the_holder_registers_the_card_for_insurance_use_over_http(
    system: System, world: World, client: TestClient
) -> None:
    patient = make_card(system, insurance_use=False)
    owner = token_for(system, caller(Role.RESIDENT, scope_id=patient.person_id))
    url = f"/residents/{ref('per', patient.person_id)}/insurance-use"
    assert client.post(url, headers=owner, json={"channel": "portal"}).status_code == 201
    problem(client.post(url, headers=owner, json={"channel": "portal"}), 409, "conflict")
    stranger = token_for(system, caller(Role.RESIDENT, scope_id=patient.person_id + 99))
    problem(client.post(url, headers=stranger, json={}), 403, "access-refused")
    nobody = register(system, name_latin="No Card").person_id
    problem(
        client.post(
            f"/residents/{ref('per', nobody)}/insurance-use",
            headers=token_for(system, ward()),
            json={},
        ),
        409,
        "no-card",
    )


def test_an_insurer_writes_a_checkup_the_owner_then_reads(
    system: System, world: World, client: TestClient
) -> None:
    nhi = token_for(system, world.nhi)
    person = register(system).person_id
    enrolment_id = client.post("/insurer/enrolments", headers=nhi, json=enrolment(person)).json()[
        "enrolment_id"
    ]
    resp = client.post(
        f"/insurer/enrolments/{enrolment_id}/checkups",
        headers=nhi,
        json={"results": {"BMI": "22.1"}, "examined_on": "2026-03-10"},
    )
    assert resp.status_code == 201, resp.text
    owner = token_for(system, caller(Role.RESIDENT, scope_id=person))
    records = f"/residents/{ref('per', person)}/medical-records"
    mine = client.get(f"{records}?kind=checkup", headers=owner)
    assert [r["content"]["results"] for r in mine.json()] == [{"BMI": "22.1"}]
    problem(client.get(records, headers=nhi), 403, "forbidden")
