"""Closed vocabularies at the edge (issue 15.5): what a caller types as a purpose never reaches
the append-only audit log (nor, through it, a resident's access log), and an oversized purpose
is refused before anything is stored: 422 past the purpose's bound, 413 past the body limit
of the API's edge (a 1 MB purpose). Both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from mynumber.adapters.db.models import AuditEntry
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.demo.data import seed_demo_tokens
from mynumber.domain.access import INVALID_PURPOSE, Role, parse_purpose
from mynumber.domain.errors import InvalidInput, PurposeNotAllowed
from tests.client import TestClient
from tests.integration.test_api import MOVING_IN, auth

TYPED_NUMBER = "621498320257"  # a valid My Number, typed where the purpose goes


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def ward_token(system: System) -> str:
    with system.uow() as uow:
        demo = seed_demo_tokens(uow.session, system.services)
        uow.commit()
    return next(t.token for t in demo if t.role is Role.WARD_OFFICE)


def _audit_rows(system: System) -> list[tuple[object, ...]]:
    with system.uow() as uow:
        return [
            (e.id, e.action, e.purpose, e.detail)
            for e in uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def _registered(client: TestClient, token: str) -> str:
    """The new resident's reference, as the API's paths take it."""
    created = client.post("/ward-office/residents", json=MOVING_IN, headers=auth(token))
    assert created.status_code == 201, created.text
    return str(created.json()["person_id"])


def test_a_number_typed_as_the_purpose_leaves_no_trace_in_the_audit_log(
    client: TestClient, ward_token: str, system: System
) -> None:
    pid = _registered(client, ward_token)
    refused = client.post(
        f"/ward-office/residents/{pid}/my-number",
        json={"purpose": TYPED_NUMBER},
        headers=auth(ward_token),
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert TYPED_NUMBER not in refused.text  # not echoed to the caller either
    with system.uow() as uow:
        last = uow.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        entries = list(uow.session.scalars(select(AuditEntry)))
    assert last is not None and last.person_id is not None
    assert last.purpose == INVALID_PURPOSE and "refused" in last.action
    for entry in entries:  # every column of every entry
        values = [entry.actor, entry.role, entry.purpose, entry.action, entry.detail]
        assert not any(TYPED_NUMBER in str(value) for value in values)


@pytest.mark.parametrize(
    "size,status",
    [
        (1_000, 422),  # past the purpose's bound: malformed input
        (1_000_000, 413),  # past the API's body limit (api.edges): refused before it is read
    ],
)
def test_an_oversized_purpose_is_refused_and_nothing_is_stored(
    client: TestClient, ward_token: str, system: System, size: int, status: int
) -> None:
    pid = _registered(client, ward_token)
    before = _audit_rows(system)
    refused = client.post(
        f"/ward-office/residents/{pid}/my-number",
        json={"purpose": "x" * size},
        headers=auth(ward_token),
    )
    assert refused.status_code == status
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "x" * 100 not in refused.text  # the input is not echoed back
    assert _audit_rows(system) == before
    with system.uow() as uow:
        longest = uow.session.scalar(select(func.max(func.length(AuditEntry.purpose))))
    assert longest is not None and longest <= len("social_security,tax")


def test_the_same_parse_refuses_an_unknown_or_oversized_purpose_without_repeating_it() -> None:
    with pytest.raises(PurposeNotAllowed) as unknown:
        parse_purpose(TYPED_NUMBER, person_id=7)
    assert TYPED_NUMBER not in unknown.value.message_en + unknown.value.message_ja
    assert unknown.value.details == {"purpose": INVALID_PURPOSE, "person_id": 7}
    with pytest.raises(InvalidInput) as oversized:
        parse_purpose("x" * 1_000_000)
    assert oversized.value.details["field"] == "purpose"
