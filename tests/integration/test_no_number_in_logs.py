"""No My Number appears in any log record, at any level — the application's loggers, the
access log (route templates and request ids, ``api.observability``), the API's error
handler, and SQLAlchemy's statement and row echo — through a collection, a read, a
withholding slip and the usual errors (DESIGN.md: sensitive data is protected in logs).

Nothing is configured globally: ``caplog`` lowers the levels for this test only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.employment_rules import StaffRole
from tests.client import TestClient
from tests.integration.employer_support import (
    ADDRESS,
    OTHER_CORPORATE,
    make_company,
    registered_number,
)

WRONG_CHECK_DIGIT = "621498320258"


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


def _forms(digits: str) -> list[str]:
    return [
        digits,
        f"{digits[:4]} {digits[4:8]} {digits[8:]}",
        f"{digits[:4]}-{digits[4:8]}-{digits[8:]}",
    ]


def test_no_my_number_in_logs_at_any_level(
    system: System, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in (
        "sqlalchemy.engine",
        "sqlalchemy.pool",
        "mynumber",
        "httpx2",
        "fastapi",
        "uvicorn",
    ):
        caplog.set_level(logging.DEBUG, logger=name)
    company = make_company(system)
    _, number = registered_number(system)
    theirs = make_company(system, corporate_number=OTHER_CORPORATE, name="Other K.K.")
    _drive(client, company.tokens, theirs.tokens, number)
    sql = [r for r in caplog.records if r.name.startswith("sqlalchemy.engine")]
    assert sql, "the SQL echo was not captured"
    access = [r for r in caplog.records if r.name == "mynumber.access"]
    assert access, "the access log (one line per request, issue 19.6) was not captured"
    assert all(getattr(r, "request_id", None) is None or r.request_id for r in access)
    text = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    for digits in (number, WRONG_CHECK_DIGIT):
        for form in _forms(digits):
            assert form not in text


def _drive(
    client: TestClient, ours: dict[StaffRole, str], theirs: dict[StaffRole, str], number: str
) -> None:
    def h(tokens: dict[StaffRole, str], role: StaffRole) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}"}

    payroll, hr = h(ours, StaffRole.PAYROLL), h(ours, StaffRole.HR)
    employee = client.post(
        "/employer/employees",
        headers=hr,
        json={
            "employee_code": "E-1",
            "name": "SMITH JOHN",
            "address": ADDRESS,
            "hired_on": "2026-04-01",
        },
    ).json()["id"]
    base = f"/employer/employees/{employee}"
    collect = {"purposes": ["tax"], "number_proof": "my_number_card"}
    expected = [
        (
            client.post(
                base + "/my-number",
                headers=payroll,
                json={**collect, "my_number": WRONG_CHECK_DIGIT},
            ),
            422,
        ),
        (
            client.post(
                base + "/my-number",
                headers=payroll,
                json={**collect, "my_number": number, "purposes": ["employee_id"]},
            ),
            403,
        ),
        (client.post(base + "/my-number", headers=hr, json={**collect, "my_number": number}), 403),
        (
            client.post(
                base + "/my-number", headers=payroll, json={**collect, "my_number": number}
            ),
            201,
        ),
        (
            client.post(
                base + "/my-number", headers=payroll, json={**collect, "my_number": number}
            ),
            409,
        ),
        (client.post(base + "/my-number/read", headers=payroll, json={"purpose": "tax"}), 200),
        (
            client.post(
                base + "/my-number/read", headers=payroll, json={"purpose": "social_security"}
            ),
            403,
        ),
        (client.post(base + "/my-number/read", headers=hr, json={"purpose": "tax"}), 403),
        (
            client.post(
                base + "/my-number/read",
                headers=h(theirs, StaffRole.PAYROLL),
                json={"purpose": "tax"},
            ),
            404,
        ),
        (
            client.put(
                base + "/pay/2026",
                headers=payroll,
                json={"payment_amount": 100, "withholding_tax": 1},
            ),
            200,
        ),
        (client.get(base + "/withholding-slip/2026.pdf?copy=tax_office", headers=payroll), 200),
        (client.get(base + "/withholding-slip/2026.pdf?copy=employee", headers=hr), 200),
        (client.post(base + "/my-number", headers=payroll, json={"my_number": 621498320257}), 422),
    ]
    for resp, status in expected:
        assert resp.status_code == status, resp.text
