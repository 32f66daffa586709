"""The year-end withholding slip (源泉徴収票) — the tax office copy carries the number, the
employee's copy does not — and HR's request for a 資格確認書 from the association."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models_employer import EligibilityLetterRequest
from mynumber.adapters.db.models_insurance import EligibilityLetterRecord
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from mynumber.domain.insurance import InsurerKind
from mynumber.services.core import audit
from mynumber.services.core.context import Caller
from mynumber.services.employer import insurance as employer_insurance
from mynumber.services.employer import slips as employer_slips
from mynumber.services.employer.employers import Staff
from mynumber.services.insurance import insurer
from tests.integration.clinic_support import ASSOCIATION_NUMBER, enrol
from tests.integration.employer_support import (
    CORPORATE,
    UNREGISTERED_NUMBER,
    Company,
    collect,
    hire,
    make_company,
    pdf_text,
    registered_number,
)


def _pay(system: System, company: Company, employee_id: int, year: int = 2026) -> None:
    with system.uow() as uow:
        employer_slips.record_annual_pay(
            uow.session,
            system.services,
            staff=company.payroll,
            employee_id=employee_id,
            year=year,
            payment_amount=4_800_000,
            withholding_tax=123_400,
        )
        uow.commit()


def _slip(system: System, staff: Staff, employee_id: int, copy: str) -> bytes:
    with system.uow() as uow:
        pdf = employer_slips.withholding_slip_pdf(
            uow.session, system.services, staff=staff, employee_id=employee_id, year=2026, copy=copy
        )
        uow.commit()
    return pdf


def _slipped(system: System, number: str = UNREGISTERED_NUMBER) -> tuple[Company, int]:
    company = make_company(system)
    employee_id = hire(system, company)
    collect(system, company, employee_id, number)
    _pay(system, company, employee_id)
    return company, employee_id


def test_the_tax_office_copy_carries_the_my_number(system: System) -> None:
    company, employee_id = _slipped(system)
    pdf = _slip(system, company.payroll, employee_id, "tax_office")
    assert pdf.startswith(b"%PDF")
    words = pdf_text(pdf)
    assert UNREGISTERED_NUMBER in words and CORPORATE in words and "税務署提出用" in words


@pytest.mark.parametrize("role", ["payroll", "hr"])
def test_the_employees_copy_never_carries_the_my_number(system: System, role: str) -> None:
    company, employee_id = _slipped(system)
    pdf = _slip(
        system, company.payroll if role == "payroll" else company.hr, employee_id, "employee"
    )
    words = pdf_text(pdf)
    assert "受給者交付用" in words and "4,800,000" in words
    assert UNREGISTERED_NUMBER not in words and CORPORATE not in words


@pytest.mark.parametrize("role", ["hr", "manager"])
def test_only_payroll_makes_the_tax_office_copy(system: System, role: str) -> None:
    company, employee_id = _slipped(system)
    with pytest.raises(Forbidden):
        _slip(system, company.hr if role == "hr" else company.manager, employee_id, "tax_office")


def test_the_tax_office_copy_needs_the_number_collected_for_tax(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    _pay(system, company, employee_id)
    with pytest.raises(Conflict):
        _slip(system, company.payroll, employee_id, "tax_office")
    second = hire(system, company, code="E-0002")
    collect(system, company, second, UNREGISTERED_NUMBER, purposes=("social_security",))
    _pay(system, company, second)
    with pytest.raises(Forbidden):
        _slip(system, company.payroll, second, "tax_office")


def test_a_slip_is_audited_for_the_employee_to_see(system: System) -> None:
    person_id, number = registered_number(system)
    company, employee_id = _slipped(system, number)
    _slip(system, company.payroll, employee_id, "tax_office")
    with system.uow() as uow:
        details = [
            e.detail
            for e in audit.entries_about(uow.session, person_id)
            if e.action == "employer_withholding_slip"
        ]
    assert details == ["employee 1, year 2026, tax_office copy (with My Number)"]


def test_slip_inputs_are_checked(system: System) -> None:
    company, employee_id = _slipped(system)
    with system.uow() as uow:
        with pytest.raises(InvalidInput):
            employer_slips.record_annual_pay(
                uow.session,
                system.services,
                staff=company.payroll,
                employee_id=employee_id,
                year=2026,
                payment_amount=100,
                withholding_tax=101,
            )
        with pytest.raises(InvalidInput):
            employer_slips.record_annual_pay(
                uow.session,
                system.services,
                staff=company.payroll,
                employee_id=employee_id,
                year=2019,
                payment_amount=100,
                withholding_tax=1,
            )
        with pytest.raises(NotFound):
            employer_slips.withholding_slip_pdf(
                uow.session,
                system.services,
                staff=company.payroll,
                employee_id=employee_id,
                year=2025,
                copy="employee",
            )
        with pytest.raises(InvalidInput):
            employer_slips.withholding_slip_pdf(
                uow.session,
                system.services,
                staff=company.payroll,
                employee_id=employee_id,
                year=2026,
                copy="both",
            )


# --- 資格確認書 through HR ------------------------------------------------------------------------


def _association(system: System) -> Caller:
    with system.uow() as uow:
        row = insurer.create_insurer(
            uow.session,
            system.services,
            kind=InsurerKind.EMPLOYER,
            insurer_number=ASSOCIATION_NUMBER,
            name_ja="例示健康保険組合",
            name_en="Example Health Insurance Association",
        )
        uow.commit()
        return Caller(name="Example association", role=Role.INSURER, scope_id=row.id)


def _request(
    system: System, staff: Staff, employee_id: int
) -> employer_insurance.LetterRequestResult:
    with system.uow() as uow:
        got = employer_insurance.request_eligibility_letter(
            uow.session, system.services, staff=staff, employee_id=employee_id
        )
        uow.commit()
    return got


def test_hr_requests_an_eligibility_letter_from_the_association(system: System) -> None:
    association = _association(system)
    company = make_company(system, insurer_number=ASSOCIATION_NUMBER)
    person_id, number = registered_number(system)
    employee_id = hire(system, company)
    collect(system, company, employee_id, number)
    enrol(system, association, person_id)  # an employee of a member employer
    got = _request(system, company.hr, employee_id)
    assert got.status == "issued" and got.letter_id is not None
    with system.uow() as uow:
        letter = uow.session.get(EligibilityLetterRecord, got.letter_id)
        assert letter is not None and letter.person_id == person_id
        assert letter.reason == "on_request" and "Example K.K." in letter.requested_by
        request = uow.session.scalars(select(EligibilityLetterRequest)).one()
        assert (request.status, request.letter_id) == ("issued", got.letter_id)


def test_only_hr_requests_letters_and_only_for_insured_employees(system: System) -> None:
    association = _association(system)
    company = make_company(system, insurer_number=ASSOCIATION_NUMBER)
    person_id, number = registered_number(system)
    employee_id = hire(system, company)
    collect(system, company, employee_id, number)
    with pytest.raises(Forbidden):
        _request(system, company.payroll, employee_id)
    with pytest.raises(Conflict) as exc:
        _request(system, company.hr, employee_id)
    assert exc.value.details["reason"] == "not-insured"
    enrol(system, association, person_id, valid_from=dt.date(2026, 1, 1))
    assert _request(system, company.hr, employee_id).status == "issued"


def test_an_employer_without_an_association_cannot_request_letters(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    with pytest.raises(Conflict) as exc:
        _request(system, company.hr, employee_id)
    assert exc.value.details["reason"] == "no-insurer"
