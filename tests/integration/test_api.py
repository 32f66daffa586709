"""The HTTP API: authentication, roles, problem+json in English and Japanese, no 500s."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from mynumber.adapters.db.models import AuditEntry, Person
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.demo.data import seed_demo_tokens
from tests.client import TestClient
from tests.conftest import unref


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def tokens(system: System) -> dict[str, str]:
    with system.uow() as uow:
        demo = seed_demo_tokens(uow.session, system.services)
        uow.commit()
    by_role: dict[str, str] = {}
    for t in demo:
        by_role.setdefault(t.role.value, t.token)
    return by_role


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


MOVING_IN = {
    "municipality_code": "131016",
    "name_latin": "Smith John",
    "date_of_birth": "1995-04-12",
    "sex": "M",
    "nationality": "US",
    "address": "1-1 Chiyoda, Chiyoda-ku, Tokyo",
    "started_living_on": "2026-03-30",
    "id_documents": ["residence_card", "passport"],
    "residence_card_number": "AB12345678CD",
    "status_of_residence": "Engineer/Specialist",
    "period_of_stay_ends": "2029-03-31",
}


def _assert_problem(resp, status: int) -> dict:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["status"] == status and body["detail"] and body["detail_ja"]
    return body  # type: ignore[no-any-return]


def test_health_needs_no_token(client: TestClient) -> None:
    assert client.get("/health").json()["status"] == "ok"


@pytest.mark.sqlite_only  # the application's configuration
def test_fastapis_own_opentelemetry_hooks_are_off(client: TestClient) -> None:
    """Metrics are Prometheus' (GET /metrics): FastAPI's OpenTelemetry middleware, on by
    default, would look up three global providers on every request."""
    app = client.app
    assert isinstance(app, FastAPI)
    assert not any(app._telemetry[kind] for kind in ("tracing", "metrics", "logs"))
    assert app._native_telemetry.enabled() is False


@pytest.mark.sqlite_only  # refused before any look-up
def test_calls_without_a_token_get_401_problem(client: TestClient) -> None:
    _assert_problem(client.post("/ward-office/residents", json=MOVING_IN), 401)


def test_a_wrong_token_gets_401_problem(client: TestClient) -> None:
    _assert_problem(
        client.post("/ward-office/residents", json=MOVING_IN, headers=auth("mnt_nope")), 401
    )


def test_ward_office_registers_and_gets_a_masked_number(
    client: TestClient,
    tokens: dict[str, str],
) -> None:
    resp = client.post(
        "/ward-office/residents", json=MOVING_IN, headers=auth(tokens["ward_office"])
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["my_number"].startswith("**** **** ")
    view = client.get(
        f"/ward-office/residents/{body['person_id']}", headers=auth(tokens["ward_office"])
    ).json()
    assert view["my_number"] == body["my_number"]


def test_a_clinic_token_cannot_register_and_the_refusal_is_audited(
    client: TestClient,
    tokens: dict[str, str],
    system: System,
) -> None:
    body = _assert_problem(
        client.post("/ward-office/residents", json=MOVING_IN, headers=auth(tokens["clinic"])), 403
    )
    assert body["code"] == "forbidden"
    with system.uow() as uow:
        last = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None and last.action == "refused:role" and last.role == "clinic"


def test_reading_the_number_for_an_unlawful_purpose_is_403_and_audited(
    client: TestClient,
    tokens: dict[str, str],
    system: System,
) -> None:
    pid = client.post(
        "/ward-office/residents", json=MOVING_IN, headers=auth(tokens["ward_office"])
    ).json()["person_id"]
    body = _assert_problem(
        client.post(
            f"/ward-office/residents/{pid}/my-number",
            json={"purpose": "marketing"},
            headers=auth(tokens["ward_office"]),
        ),
        403,
    )
    assert body["code"] == "purpose-not-allowed"
    with system.uow() as uow:  # the refusal survives the request's rollback, with whom it was about
        last = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None and (last.action, last.person_id) == (
        "refused:purpose-not-allowed",
        unref("per", pid),
    )
    ok = client.post(
        f"/ward-office/residents/{pid}/my-number",
        json={"purpose": "tax"},
        headers=auth(tokens["ward_office"]),
    )
    assert ok.status_code == 200 and len(ok.json()["my_number"]) == 12


# Refused before any SQL: by the body's schema, the form's rules (``build_moving_in``) or the
# municipality code's check digit (checked before it is looked up); the call reads only the
# token and the count (the guard fails the test if it ever writes). A rule lost would let the
# form through and SQLite would store it (201): the test fails there as on PostgreSQL.
@pytest.mark.sqlite_only(writes_nothing=True)
@pytest.mark.parametrize(
    "patch,field",
    [
        ({"date_of_birth": "1995-02-30"}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"municipality_code": "131017"}, "municipality_code"),
        ({"municipality_code": "999999"}, "municipality_code"),
        ({"residence_card_number": "1234"}, "residence_card_number"),
        ({"sex": "X"}, "sex"),
        ({"nationality": "USA"}, "nationality"),
        ({"id_documents": ["library_card"]}, "id_documents"),
        ({"id_documents": ["passport"]}, "id_documents"),
        ({"started_living_on": "2030-01-01"}, "started_living_on"),
    ],
)
def test_bad_input_is_422_problem_naming_the_field_and_changes_nothing(
    client: TestClient,
    tokens: dict[str, str],
    system: System,
    patch: dict,
    field: str,
) -> None:
    resp = client.post(
        "/ward-office/residents", json={**MOVING_IN, **patch}, headers=auth(tokens["ward_office"])
    )
    body = _assert_problem(resp, 422)
    assert field in resp.text, body
    with system.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Person)) == 0


@pytest.mark.sqlite_only  # refused as it is parsed
@pytest.mark.parametrize(
    "raw,status",
    [
        (b"{", 400),
        (b"[]", 400),
        (b"null", 400),
        (b'{"municipality_code": 5}', 422),
        (b"\xff\xfe", 400),
    ],
)
def test_malformed_bodies_get_problem_json_never_500(
    client: TestClient,
    tokens: dict[str, str],
    raw: bytes,
    status: int,
) -> None:
    resp = client.post(
        "/ward-office/residents",
        content=raw,
        headers={**auth(tokens["ward_office"]), "content-type": "application/json"},
    )
    _assert_problem(resp, status)


@pytest.mark.sqlite_only  # a check digit
@pytest.mark.parametrize(
    "number,status",
    [
        ("621498320257", 200),
        ("6214 9832 0257", 200),
        ("621498320258", 422),
        ("12345", 422),
        ("62149832025X", 422),
    ],
)
def test_validate_number(
    client: TestClient, tokens: dict[str, str], number: str, status: int
) -> None:
    resp = client.post("/numbers/validate", json={"number": number}, headers=auth(tokens["clinic"]))
    assert resp.status_code == status
    assert "621498320258" not in resp.text and "62149832025X" not in resp.text


@pytest.mark.sqlite_only  # no route, no query
def test_unknown_paths_are_problem_json(client: TestClient) -> None:
    _assert_problem(client.get("/no-such-thing"), 404)


@pytest.mark.parametrize("pid", ["99999999999999999999", "9223372036854775808", "-1", "0"])
def test_ids_out_of_range_are_not_500(client: TestClient, tokens: dict[str, str], pid: str) -> None:
    resp = client.get(f"/ward-office/residents/{pid}", headers=auth(tokens["ward_office"]))
    # 403: the policy refuses a person the caller has no relationship with, known or not
    assert resp.status_code in (403, 404, 422), resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")


def test_a_reissued_letter_answers_the_mail_item_that_carries_it(
    client: TestClient, tokens: dict[str, str]
) -> None:
    ward = auth(tokens["ward_office"])
    made = client.post("/ward-office/residents", json=MOVING_IN, headers=ward).json()
    person = made["person_id"]
    again = client.post(f"/ward-office/residents/{person}/letter/reissue", headers=ward)
    assert again.status_code == 201, again.text
    reissued = again.json()
    assert reissued["application_id"] != made["application_id"]
    mail = client.get(f"/ward-office/residents/{person}/mail", headers=ward).json()
    letters = [m["mail_id"] for m in mail if m["kind"] == "notification_letter"]
    # Two letters in the post, the first one's and the new one's: the answer names the new.
    assert len(letters) == 2 and made["mail_id"] in letters
    assert reissued["mail_id"] in letters and reissued["mail_id"] != made["mail_id"]
