"""The employer's pages over HTTP (both databases): the employees, collecting a number with
its purposes and both confirmations, the payroll-only view of it, the year's pay and both
withholding slips, and HR's request for a 資格確認書 — each role seeing only its part."""

from __future__ import annotations

import pytest

from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.employment_rules import StaffRole
from tests.conftest import ref
from tests.integration.clinic_support import ASSOCIATION_NUMBER, enrol, setup_world
from tests.integration.employer_support import (
    Company,
    collect,
    hire,
    make_company,
    pdf_text,
    registered_number,
)
from tests.integration.test_web_card_counter import Desk

BASE = "/staff/employer"


@pytest.fixture
def company(system: System) -> Company:
    return make_company(system)


def desk(system: System, company: Company, role: StaffRole) -> Desk:
    return Desk(system, Role.EMPLOYER, token=company.tokens[role])


def test_hr_records_an_employee_and_the_list_never_shows_numbers(
    system: System,
    company: Company,
) -> None:
    hr = desk(system, company, StaffRole.HR)
    assert hr.landing == BASE
    added = hr.post(
        f"{BASE}/employees",
        {
            "employee_code": "E-0002",
            "name": "OKAFOR CHIDI",
            "address": "2-1-1 Kanda, Chiyoda-ku",
            "hired_on": "2026-04-01",
        },
        page=BASE,
    )
    assert added.status_code == 303, added.text
    listing = hr.get(BASE).text
    assert "OKAFOR CHIDI" in listing and "Not collected" in listing
    refused = hr.post(
        f"{BASE}/employees",
        {"employee_code": "E-0003", "name": "", "address": "x", "hired_on": "2026-04-01"},
        page=BASE,
    )
    assert refused.status_code == 422 and 'id="name-error"' in refused.text


def test_payroll_collects_the_number_only_with_a_lawful_purpose_and_proof(
    system: System,
    company: Company,
) -> None:
    employee = hire(system, company)
    _, number = registered_number(system)
    payroll = desk(system, company, StaffRole.PAYROLL)
    page = f"{BASE}/employees/{ref('emp', employee)}"
    fields = {"my_number": number, "purposes": ["tax"], "number_proof": "my_number_card"}
    letter = payroll.post(
        f"{page}/number", {**fields, "number_proof": "notification_letter"}, page=page
    )
    assert letter.status_code == 422 and 'id="number_proof-error"' in letter.text
    assert number not in letter.text  # never echoed back
    unlawful = payroll.post(f"{page}/number", {**fields, "purposes": ["employee_id"]}, page=page)
    assert unlawful.status_code == 403 and "employee ID" in unlawful.text
    done = payroll.post(f"{page}/number", fields, page=page)
    assert done.status_code == 303, done.text
    after = payroll.get(page).text
    assert "On file" in after and number not in after and "**** ****" in after


def test_only_payroll_sees_the_number_and_only_for_a_stated_purpose(
    system: System,
    company: Company,
) -> None:
    employee = hire(system, company)
    _, number = registered_number(system)
    collect(system, company, employee, number, purposes=("tax",))
    page = f"{BASE}/employees/{ref('emp', employee)}"
    payroll = desk(system, company, StaffRole.PAYROLL)
    shown = payroll.post(f"{page}/number/view", {"purpose": "tax"}, page=page)
    assert shown.status_code == 200 and number[:4] + " " + number[4:8] in shown.text
    assert shown.headers["cache-control"] == "no-store"
    assert number not in payroll.get(page).text
    other = payroll.post(f"{page}/number/view", {"purpose": "social_security"}, page=page)
    assert other.status_code == 403 and 'id="purpose-error"' not in other.text
    assert number not in other.text
    hr = desk(system, company, StaffRole.HR)
    assert "Show the number" not in hr.get(page).text
    refused = hr.post(f"{page}/number/view", {"purpose": "tax"}, page=page)
    assert refused.status_code == 403 and number not in refused.text


def test_withholding_slips_the_number_only_on_the_tax_office_copy(
    system: System,
    company: Company,
) -> None:
    employee = hire(system, company)
    _, number = registered_number(system)
    collect(system, company, employee, number)
    page = f"{BASE}/employees/{ref('emp', employee)}"
    payroll = desk(system, company, StaffRole.PAYROLL)
    bad = payroll.post(
        f"{page}/pay",
        {"year": "2026", "payment_amount": "100", "withholding_tax": "200"},
        page=page,
    )
    assert bad.status_code == 422 and 'id="withholding_tax-error"' in bad.text
    assert (
        payroll.post(
            f"{page}/pay",
            {"year": "2026", "payment_amount": "5000000", "withholding_tax": "250000"},
            page=page,
        ).status_code
        == 303
    )
    tax = payroll.get(f"{page}/slip.pdf?year=2026&copy=tax_office")
    assert tax.headers["content-type"] == "application/pdf" and number in pdf_text(tax.content)
    hr = desk(system, company, StaffRole.HR)
    own = hr.get(f"{page}/slip.pdf?year=2026&copy=employee")
    assert own.status_code == 200 and number not in pdf_text(own.content)
    assert hr.get(f"{page}/slip.pdf?year=2026&copy=tax_office").status_code == 403


def test_hr_requests_a_letter_from_the_association(system: System) -> None:
    world = setup_world(system)
    company = make_company(system, insurer_number=ASSOCIATION_NUMBER)
    employee = hire(system, company)
    person_id, number = registered_number(system)
    hr = desk(system, company, StaffRole.HR)
    page = f"{BASE}/employees/{ref('emp', employee)}"
    before = hr.post(f"{page}/eligibility-letter", {}, page=page)
    assert before.status_code == 409 and "number, which identifies them" in before.text
    collect(system, company, employee, number)
    enrol(system, world.association, person_id)  # an employee of a member employer now
    done = hr.post(f"{page}/eligibility-letter", {}, page=page)
    assert done.status_code == 303, done.text
    assert "issued the 資格確認書" in hr.get(page).text
    payroll = desk(system, company, StaffRole.PAYROLL)
    assert payroll.post(f"{page}/eligibility-letter", {}, page=page).status_code == 403


def test_another_employers_employee_is_not_found(system: System, company: Company) -> None:
    employee = hire(system, company)
    other = make_company(system, corporate_number="2021001052596", name="Other K.K.")
    assert (
        desk(system, other, StaffRole.MANAGER)
        .get(f"{BASE}/employees/{ref('emp', employee)}")
        .status_code
        == 404
    )


@pytest.mark.sqlite_only  # an access rule
def test_an_employer_token_that_is_no_staff_account_is_refused(system: System) -> None:
    stray = Desk(system, Role.EMPLOYER, scope_id=1)
    page = stray.get(BASE)
    assert page.status_code == 403 and "not a staff account" in page.text
