"""Employers over HTTP on both databases: each staff token acts in its role, refusals are
problem+json (and audited), and one employer never reaches another's employees."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import AuditEntry
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.demo.data import seed_demo_tokens
from mynumber.domain.employment_rules import StaffRole
from tests.client import TestClient
from tests.integration.employer_support import (
    ADDRESS,
    OTHER_CORPORATE,
    UNREGISTERED_NUMBER,
    Company,
    make_company,
    pdf_text,
)

EMPLOYEE = {
    "employee_code": "E-0001",
    "name": "SMITH JOHN",
    "address": ADDRESS,
    "hired_on": "2026-04-01",
}
COLLECT = {
    "my_number": "6214 9832 0257",
    "purposes": ["tax", "social_security"],
    "number_proof": "my_number_card",
}


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


def auth(company: Company, role: StaffRole) -> dict[str, str]:
    return {"Authorization": f"Bearer {company.tokens[role]}"}


def _problem(resp, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["code"] == code and body["detail"] and body["detail_ja"]
    return body  # type: ignore[no-any-return]


def _hired(client: TestClient, company: Company) -> str:
    resp = client.post("/employer/employees", json=EMPLOYEE, headers=auth(company, StaffRole.HR))
    assert resp.status_code == 201, resp.text
    return str(resp.json()["id"])  # the employee's opaque reference


def _collected(client: TestClient, company: Company) -> str:
    employee_id = _hired(client, company)
    resp = client.post(
        f"/employer/employees/{employee_id}/my-number",
        json=COLLECT,
        headers=auth(company, StaffRole.PAYROLL),
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["my_number"] == "**** **** 0257"
    return employee_id


def test_payroll_collects_and_reads_the_number_over_http(
    system: System, client: TestClient
) -> None:
    company = make_company(system)
    employee_id = _collected(client, company)
    resp = client.post(
        f"/employer/employees/{employee_id}/my-number/read",
        json={"purpose": "tax"},
        headers=auth(company, StaffRole.PAYROLL),
    )
    assert resp.status_code == 200 and resp.json()["my_number"] == UNREGISTERED_NUMBER
    view = client.get(f"/employer/employees/{employee_id}", headers=auth(company, StaffRole.HR))
    assert view.json()["number_status"] == "on_file"
    assert UNREGISTERED_NUMBER not in view.text


def test_hr_reading_a_number_gets_403_and_the_refusal_is_audited(
    system: System,
    client: TestClient,
) -> None:
    company = make_company(system)
    employee_id = _collected(client, company)
    for role in (StaffRole.HR, StaffRole.MANAGER):
        resp = client.post(
            f"/employer/employees/{employee_id}/my-number/read",
            json={"purpose": "tax"},
            headers=auth(company, role),
        )
        assert UNREGISTERED_NUMBER not in resp.text
        _problem(resp, 403, "forbidden")
    with system.uow() as uow:
        refused = list(
            uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "refused:forbidden"))
        )
    assert len(refused) == 2 and all(e.role == "employer" for e in refused)


def test_collecting_as_an_employee_id_is_refused_with_a_clear_problem(
    system: System,
    client: TestClient,
) -> None:
    company = make_company(system)
    employee_id = _hired(client, company)
    resp = client.post(
        f"/employer/employees/{employee_id}/my-number",
        json={**COLLECT, "purposes": ["employee_id"]},
        headers=auth(company, StaffRole.PAYROLL),
    )
    body = _problem(resp, 403, "purpose-not-allowed")
    assert "employee ID" in body["detail"] and "社員番号" in body["detail_ja"]


def test_another_employers_staff_get_404_for_our_employees(
    system: System, client: TestClient
) -> None:
    ours = make_company(system)
    theirs = make_company(system, corporate_number=OTHER_CORPORATE, name="Other K.K.")
    employee_id = _collected(client, ours)
    base = f"/employer/employees/{employee_id}"
    payroll = auth(theirs, StaffRole.PAYROLL)
    _problem(
        client.post(base + "/my-number/read", json={"purpose": "tax"}, headers=payroll),
        404,
        "not-found",
    )
    _problem(client.get(base, headers=payroll), 404, "not-found")
    _problem(
        client.get(base + "/withholding-slip/2026.pdf?copy=employee", headers=payroll),
        404,
        "not-found",
    )
    assert client.get("/employer/employees", headers=payroll).json() == []


def test_tokens_that_are_not_staff_accounts_are_refused(system: System, client: TestClient) -> None:
    with system.uow() as uow:
        demo = seed_demo_tokens(uow.session, system.services)
        uow.commit()
    _problem(client.get("/employer/employees"), 401, "unauthenticated")
    _problem(
        client.get("/employer/employees", headers={"Authorization": "Bearer nope"}),
        401,
        "unauthenticated",
    )
    for token in demo:
        resp = client.get("/employer/employees", headers={"Authorization": f"Bearer {token.token}"})
        _problem(resp, 403, "forbidden")


def test_both_slip_copies_over_http(system: System, client: TestClient) -> None:
    company = make_company(system)
    employee_id = _collected(client, company)
    payroll = auth(company, StaffRole.PAYROLL)
    resp = client.put(
        f"/employer/employees/{employee_id}/pay/2026",
        json={"payment_amount": 4_800_000, "withholding_tax": 123_400},
        headers=payroll,
    )
    assert resp.status_code == 200, resp.text
    url = f"/employer/employees/{employee_id}/withholding-slip/2026.pdf"
    tax = client.get(url + "?copy=tax_office", headers=payroll)
    mine = client.get(url + "?copy=employee", headers=auth(company, StaffRole.HR))
    assert tax.headers["content-type"] == mine.headers["content-type"] == "application/pdf"
    assert UNREGISTERED_NUMBER in pdf_text(tax.content)
    assert UNREGISTERED_NUMBER not in pdf_text(mine.content)
    _problem(
        client.get(url + "?copy=tax_office", headers=auth(company, StaffRole.HR)), 403, "forbidden"
    )


def test_a_manager_adds_staff_whose_token_works_at_once(system: System, client: TestClient) -> None:
    company = make_company(system)
    resp = client.post(
        "/employer/staff",
        json={"name": "Tanaka", "role": "payroll"},
        headers=auth(company, StaffRole.MANAGER),
    )
    assert resp.status_code == 201, resp.text
    token = resp.json()["token"]
    employee_id = _hired(client, company)
    resp = client.post(
        f"/employer/employees/{employee_id}/my-number",
        json=COLLECT,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert resp.status_code == 201, resp.text
    _problem(
        client.post(
            "/employer/staff",
            json={"name": "X", "role": "manager"},
            headers=auth(company, StaffRole.HR),
        ),
        403,
        "forbidden",
    )
