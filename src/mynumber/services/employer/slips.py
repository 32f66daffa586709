"""給与所得の源泉徴収票 — the year-end withholding slip, made by payroll.

Two copies (所得税法施行規則, as amended for 2016): the tax office copy (税務署提出用) carries
the employee's My Number, so only payroll makes it, and only when the number was collected
for tax; the employee's copy (受給者交付用) carries no number — it is rendered without ever
opening the sealed number, and HR may make it too.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_employer import AnnualPay, Employee
from mynumber.adapters.documents import WithholdingSlip, render_withholding_slip
from mynumber.domain.access import Purpose
from mynumber.domain.employment_rules import StaffAction, require_staff_role
from mynumber.domain.errors import NotFound, invalid
from mynumber.services.core import audit
from mynumber.services.core.context import Services
from mynumber.services.core.policy import refusals_audited
from mynumber.services.employer.employers import Staff, employee_of, get_employer
from mynumber.services.employer.numbers import open_number

COPIES = ("tax_office", "employee")
MAX_YEN = 2_000_000_000


@refusals_audited
def record_annual_pay(
    session: Session,
    svc: Services,
    *,
    staff: Staff,
    employee_id: int,
    year: int,
    payment_amount: int,
    withholding_tax: int,
) -> AnnualPay:
    """Payroll records (or corrects) the year's pay and the income tax withheld."""
    require_staff_role(staff.role, StaffAction.RECORD_PAY)
    employee = employee_of(session, staff, employee_id)
    _check_amounts(year, payment_amount, withholding_tax, employee, svc.clock.today().year)
    row = _pay(session, employee.id, year)
    if row is None:
        row = AnnualPay(
            employee_id=employee.id,
            year=year,
            payment_amount=0,
            withholding_tax=0,
            recorded_at=svc.clock.now(),
        )
        session.add(row)
    row.payment_amount, row.withholding_tax = payment_amount, withholding_tax
    row.recorded_at = svc.clock.now()
    session.flush()
    audit.record(
        session,
        caller=staff.caller,
        action="employer_record_pay",
        purpose=Purpose.TAX,
        person_id=employee.person_id,
        at=svc.clock.now(),
        detail=f"employee {employee.id}, year {year}",
    )
    return row


def _check_amounts(year: int, paid: int, withheld: int, employee: Employee, this_year: int) -> None:
    last = employee.left_on.year if employee.left_on else this_year
    if not employee.hired_on.year <= year <= last:
        raise invalid(
            "year", "The year is outside this employee's employment.", "在職期間外の年です。"
        )
    if not (0 <= paid <= MAX_YEN and 0 <= withheld <= MAX_YEN):
        raise invalid(
            "payment_amount",
            "Amounts are whole yen from 0 to 2,000,000,000.",
            "金額は0〜20億円の整数です。",
        )
    if withheld > paid:
        raise invalid(
            "withholding_tax",
            "The tax withheld cannot exceed the amount paid.",
            "源泉徴収税額が支払金額を超えています。",
        )


def _pay(session: Session, employee_id: int, year: int) -> AnnualPay | None:
    return session.scalars(
        select(AnnualPay).where(AnnualPay.employee_id == employee_id, AnnualPay.year == year)
    ).first()


@refusals_audited
def withholding_slip_pdf(
    session: Session, svc: Services, *, staff: Staff, employee_id: int, year: int, copy: str
) -> bytes:
    """One copy of the year's 源泉徴収票 as PDF; the number only on the tax office copy."""
    if copy not in COPIES:
        raise invalid(
            "copy",
            "The copy is either tax_office or employee.",
            "控えの種類は tax_office か employee です。",
        )
    tax_copy = copy == "tax_office"
    require_staff_role(
        staff.role, StaffAction.SLIP_TAX_OFFICE if tax_copy else StaffAction.SLIP_EMPLOYEE
    )
    employee = employee_of(session, staff, employee_id)
    pay = _pay(session, employee.id, year)
    if pay is None:
        raise NotFound(
            f"No pay recorded for {year}.", f"{year}年の給与の記録がありません。", year=year
        )
    digits = (
        open_number(session, svc, employee=employee, purpose=Purpose.TAX).digits if tax_copy else ""
    )
    employer = get_employer(session, staff.employer_id)
    slip = WithholdingSlip(
        year=year,
        employer_name=employer.name,
        employer_address=employer.address,
        corporate_number=employer.corporate_number,
        employee_name=employee.name,
        employee_name_kana=employee.name_kana,
        employee_address=employee.address,
        employee_my_number=digits,
        payment_amount=pay.payment_amount,
        withholding_tax=pay.withholding_tax,
        issue_date=svc.clock.today(),
    )
    audit.record(
        session,
        caller=staff.caller,
        action="employer_withholding_slip",
        purpose=Purpose.TAX,
        person_id=employee.person_id,
        at=svc.clock.now(),
        detail=f"employee {employee.id}, year {year}, {copy} copy"
        + (" (with My Number)" if tax_copy else " (no My Number)"),
    )
    return render_withholding_slip(slip, copy="tax_office" if tax_copy else "employee")
