"""事業者 — the employer: its Corporate Number (法人番号), staff accounts and employees.

An employer is identified by its Corporate Number (``stdnum.jp.cn``). Each staff member has
their own API token (``role=employer``, ``scope_id`` = the employer) and one staff role
(``domain.employment_rules.StaffRole``): payroll handles the My Number; HR and managers work
with the employee's record without it. Every lookup of an employee is scoped to the caller's
employer: another employer's employee is simply not found.

The My Number itself (collecting, reading, deleting) is in ``employer_numbers``; the
withholding slip in ``employer_slips``; HR's 資格確認書 requests in ``employer_insurance``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_employer import Employee, EmployeeNumber, Employer, EmployerStaff
from mynumber.adapters.db.models_insurance import Insurer
from mynumber.domain.access import Role
from mynumber.domain.employment_rules import (
    StaffAction,
    StaffRole,
    check_employee_code,
    require_staff_role,
)
from mynumber.domain.errors import Conflict, Forbidden, NotFound, invalid
from mynumber.domain.numbers import CorporateNumber
from mynumber.services.core import audit, tokens
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import concealed, refusals_audited
from mynumber.services.core.refs import EmployeeId
from mynumber.services.core.writes import flush_or_conflict

STAFF_TOKEN_CONTEXT = "employer-staff:"


@dataclass(frozen=True)
class Staff:
    """A signed-in staff member of one employer."""

    caller: Caller
    employer_id: int
    staff_id: int
    role: StaffRole


@dataclass(frozen=True)
class EmployeeView:
    """An employee as staff see them: never the number, only whether it is on file."""

    id: EmployeeId
    employee_code: str
    name: str
    name_kana: str
    address: str
    hired_on: dt.date
    left_on: dt.date | None
    number_status: str  # not_collected | on_file | deleted


def register_employer(
    session: Session,
    svc: Services,
    *,
    corporate_number: str,
    name: str,
    address: str = "",
    insurer_number: str | None = None,
    manager_name: str = "manager",
    manager_token: str | None = None,
) -> tuple[Employer, str]:
    """Set up an employer and its first manager account; returns the manager's token once.

    ``manager_token`` is for the dev-mode demo only (a token derived from the dev key)."""
    number = CorporateNumber.parse(corporate_number)
    if not name.strip():
        raise invalid("name", "The employer's name is required.", "事業者名が必要です。")
    employer = Employer(
        corporate_number=number.digits,
        name=name.strip()[:100],
        address=address[:200],
        insurer_id=_insurer_id(session, insurer_number),
        created_at=svc.clock.now(),
    )
    session.add(employer)
    flush_or_conflict(session)
    token = _add_staff_row(
        session, svc, employer, name=manager_name, role=StaffRole.MANAGER, token=manager_token
    )
    return employer, token


def _insurer_id(session: Session, insurer_number: str | None) -> int | None:
    if insurer_number is None:
        return None
    row = session.scalars(select(Insurer).where(Insurer.insurer_number == insurer_number)).first()
    if row is None:
        raise NotFound(
            f"No insurer with number {insurer_number}.",
            f"保険者番号 {insurer_number} の保険者はありません。",
            field="insurer_number",
        )
    return row.id


@refusals_audited
def add_staff(
    session: Session,
    svc: Services,
    *,
    staff: Staff,
    name: str,
    role: StaffRole,
    token: str | None = None,
) -> tuple[int, str]:
    """A manager adds a staff account; returns its id and its token (shown once).

    ``token`` is for the dev-mode demo only (a token derived from the dev key)."""
    require_staff_role(staff.role, StaffAction.MANAGE_STAFF)
    if not name.strip():
        raise invalid("name", "The staff member's name is required.", "担当者名が必要です。")
    employer = get_employer(session, staff.employer_id)
    token = _add_staff_row(session, svc, employer, name=name.strip(), role=role, token=token)
    row = session.scalars(
        select(EmployerStaff).where(EmployerStaff.token_hash == _staff_hash(svc, token))
    ).one()
    audit.record(
        session,
        caller=staff.caller,
        action="employer_add_staff",
        at=svc.clock.now(),
        detail=f"staff {row.id} ({role.value})",
    )
    return row.id, token


def _add_staff_row(
    session: Session,
    svc: Services,
    employer: Employer,
    *,
    name: str,
    role: StaffRole,
    token: str | None = None,
) -> str:
    token = tokens.issue_token(
        session,
        svc,
        organisation=employer.name[:100],
        role=Role.EMPLOYER,
        scope_id=employer.id,
        token=token,
    )
    session.add(
        EmployerStaff(
            employer_id=employer.id,
            name=name[:100],
            staff_role=role.value,
            token_hash=_staff_hash(svc, token),
            active=True,
            created_at=svc.clock.now(),
        )
    )
    session.flush()
    return token


def _staff_hash(svc: Services, token: str) -> str:
    return svc.vault.keyed_hash(STAFF_TOKEN_CONTEXT + token)


@refusals_audited
def staff_for(session: Session, svc: Services, *, caller: Caller, token: str) -> Staff:
    """The staff member behind an already authenticated employer token, or ``Forbidden``."""
    row = session.scalars(
        select(EmployerStaff).where(EmployerStaff.token_hash == _staff_hash(svc, token))
    ).first()
    if (
        caller.role is not Role.EMPLOYER
        or row is None
        or not row.active
        or row.employer_id != caller.scope_id
    ):
        raise Forbidden(
            "This token is not a staff account of an employer.",
            "このトークンは事業者の担当者アカウントではありません。",
        )
    employer = get_employer(session, row.employer_id)
    return staff_member(employer, row)


def staff_member(employer: Employer, row: EmployerStaff) -> Staff:
    """The ``Staff`` for a staff row (audit names the employer, the role and the person)."""
    name = f"{employer.name} ({row.staff_role}: {row.name})"[:100]
    caller = Caller(name=name, role=Role.EMPLOYER, scope_id=employer.id)
    return Staff(
        caller=caller, employer_id=employer.id, staff_id=row.id, role=StaffRole(row.staff_role)
    )


@refusals_audited
def staff_of_clerk(session: Session, *, caller: Caller, staff_id: int | None) -> Staff:
    """The staff account of a logged-in employer's clerk (``services.core.staff``), or
    ``Forbidden``; its caller names the clerk, as the audit log should."""
    row = None if staff_id is None else session.get(EmployerStaff, staff_id)
    if (
        caller.role is not Role.EMPLOYER
        or row is None
        or not row.active
        or row.employer_id != caller.scope_id
    ):
        raise Forbidden(
            "This login is not a staff account of an employer.",
            "このログインは事業者の担当者アカウントではありません。",
        )
    found = staff_member(get_employer(session, row.employer_id), row)
    return dataclasses.replace(
        found,
        caller=dataclasses.replace(found.caller, clerk_id=caller.clerk_id, clerk=caller.clerk),
    )


def authenticate_staff(session: Session, svc: Services, *, token: str) -> Staff:
    """The staff member behind a bearer token (``Unauthenticated`` / ``Forbidden``)."""
    caller = tokens.authenticate(session, svc, token)
    return staff_for(session, svc, caller=caller, token=token)


def get_employer(session: Session, employer_id: int) -> Employer:
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise NotFound(f"No employer {employer_id}.", f"事業者 {employer_id} はありません。")
    return employer


def employee_of(session: Session, staff: Staff, employee_id: int) -> Employee:
    """An employee of the staff member's own employer; any other is not found (and the
    attempt on another employer's audited: ``concealed``)."""
    row = session.get(Employee, employee_id)
    if row is None or row.employer_id != staff.employer_id:
        missing = NotFound(
            f"No employee {employee_id} at this employer.",
            f"この事業者に従業員 {employee_id} はいません。",
            employee_id=employee_id,
        )
        raise concealed(staff.caller, missing, row)
    return row


@refusals_audited
def hire_employee(
    session: Session,
    svc: Services,
    *,
    staff: Staff,
    employee_code: str,
    name: str,
    address: str,
    hired_on: dt.date,
    name_kana: str = "",
) -> EmployeeView:
    """Record a new employee (the number is collected separately, by payroll)."""
    require_staff_role(staff.role, StaffAction.HIRE)
    check_employee_code(employee_code)
    for field, value in (("name", name), ("address", address)):
        if not value.strip():
            raise invalid(field, f"The employee's {field} is required.", "必須項目です。")
    row = Employee(
        employer_id=staff.employer_id,
        employee_code=employee_code,
        name=name,
        name_kana=name_kana,
        address=address,
        hired_on=hired_on,
        created_at=svc.clock.now(),
    )
    session.add(row)
    flush_or_conflict(session)
    audit.record(
        session,
        caller=staff.caller,
        action="employer_hire",
        at=svc.clock.now(),
        detail=f"employee {row.id}",
    )
    return _view(session, row)


@refusals_audited
def record_leaving(
    session: Session, svc: Services, *, staff: Staff, employee_id: int, left_on: dt.date
) -> EmployeeView:
    """The employee's last day (退職日); the retention period runs from here."""
    require_staff_role(staff.role, StaffAction.RECORD_LEAVING)
    row = employee_of(session, staff, employee_id)
    if row.left_on is not None:
        raise Conflict(
            f"This employee already left on {row.left_on.isoformat()}.",
            f"この従業員は {row.left_on.isoformat()} に退職済みです。",
        )
    if left_on < row.hired_on:
        raise invalid(
            "left_on",
            "The last day cannot be before the day of hiring.",
            "退職日が入社日より前です。",
        )
    row.left_on = left_on
    session.flush()
    audit.record(
        session,
        caller=staff.caller,
        action="employer_record_leaving",
        person_id=row.person_id,
        at=svc.clock.now(),
        detail=f"employee {row.id} left on {left_on.isoformat()}",
    )
    return _view(session, row)


@refusals_audited
def view_employee(
    session: Session, svc: Services, *, staff: Staff, employee_id: int
) -> EmployeeView:
    """One employee's record, without the number (audited)."""
    require_staff_role(staff.role, StaffAction.VIEW_EMPLOYEES)
    row = employee_of(session, staff, employee_id)
    audit.record(
        session,
        caller=staff.caller,
        action="employer_view_employee",
        person_id=row.person_id,
        at=svc.clock.now(),
        detail=f"employee {row.id}",
    )
    return _view(session, row)


@refusals_audited
def list_employees(session: Session, svc: Services, *, staff: Staff) -> list[EmployeeView]:
    """The employer's employees, without numbers (audited as one listing)."""
    require_staff_role(staff.role, StaffAction.VIEW_EMPLOYEES)
    rows = session.scalars(
        select(Employee).where(Employee.employer_id == staff.employer_id).order_by(Employee.id)
    ).all()
    audit.record(
        session,
        caller=staff.caller,
        action="employer_list_employees",
        at=svc.clock.now(),
        detail=f"{len(rows)} employees",
    )
    return [_view(session, r) for r in rows]


def _view(session: Session, row: Employee) -> EmployeeView:
    held = session.scalars(
        select(EmployeeNumber).where(EmployeeNumber.employee_id == row.id)
    ).first()
    status = (
        "not_collected"
        if held is None
        else ("deleted" if held.deleted_at is not None else "on_file")
    )
    return EmployeeView(
        id=row.id,
        employee_code=row.employee_code,
        name=row.name,
        name_kana=row.name_kana,
        address=row.address,
        hired_on=row.hired_on,
        left_on=row.left_on,
        number_status=status,
    )
