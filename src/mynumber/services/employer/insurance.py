"""資格確認書の申請 — HR asks the health insurance association for an eligibility letter.

The guide: "Employer insurance (健康保険): contact your employer's HR — they can request an
Eligibility Confirmation Letter (資格確認書) from the health insurance association." HR passes
the request to the association the employer belongs to (``Employer.insurer_id``); the
association issues it through ``services.insurer.issue_eligibility_letter`` under its own
rules (refused when the card already works as health insurance). The request is recorded with
its outcome. The association never receives the My Number from HR: it identifies the employee
by their enrolment.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_employer import EligibilityLetterRequest, Employee, Employer
from mynumber.adapters.db.models_insurance import InsuranceEnrolment, Insurer
from mynumber.domain import insurance
from mynumber.domain.access import Purpose, Role
from mynumber.domain.employment_rules import StaffAction, require_staff_role
from mynumber.domain.errors import Conflict
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import refusals_audited
from mynumber.services.employer.employers import Staff, employee_of, get_employer
from mynumber.services.insurance import insurer


@dataclass(frozen=True)
class LetterRequestResult:
    request_id: int
    status: str
    letter_id: int | None
    valid_until: str | None


@refusals_audited
def request_eligibility_letter(
    session: Session, svc: Services, *, staff: Staff, employee_id: int
) -> LetterRequestResult:
    """HR requests a 資格確認書 for an employee; the association issues it at once."""
    require_staff_role(staff.role, StaffAction.REQUEST_ELIGIBILITY_LETTER)
    employee = employee_of(session, staff, employee_id)
    employer = get_employer(session, staff.employer_id)
    association, enrolment = _enrolment(session, svc, employer, employee)
    letter = insurer.issue_eligibility_letter(
        session,
        svc,
        caller=Caller(
            name=(association.name_en or association.name_ja)[:100],
            role=Role.INSURER,
            scope_id=association.id,
        ),
        enrolment_id=enrolment.id,
        reason=insurer.LetterReason.ON_REQUEST,
        requested_by=f"{employer.name} HR",
    )
    row = EligibilityLetterRequest(
        employer_id=employer.id,
        employee_id=employee.id,
        requested_by=staff.caller.name[:100],
        requested_at=svc.clock.now(),
        status="issued",
        letter_id=letter.id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        caller=staff.caller,
        action="employer_request_eligibility_letter",
        purpose=Purpose.SOCIAL_SECURITY,
        person_id=employee.person_id,
        at=svc.clock.now(),
        detail=f"employee {employee.id}: letter {letter.id}",
    )
    return LetterRequestResult(row.id, row.status, letter.id, letter.valid_until.isoformat())


def _enrolment(
    session: Session, svc: Services, employer: Employer, employee: Employee
) -> tuple[Insurer, InsuranceEnrolment]:
    association = session.get(Insurer, employer.insurer_id) if employer.insurer_id else None
    if association is None:
        raise Conflict(
            "This employer has no health insurance association on record.",
            "この事業者の健康保険組合が登録されていません。",
            reason="no-insurer",
        )
    today = svc.clock.today()
    rows = (
        []
        if employee.person_id is None
        else session.scalars(
            select(InsuranceEnrolment).where(
                InsuranceEnrolment.insurer_id == association.id,
                InsuranceEnrolment.person_id == employee.person_id,
            )
        ).all()
    )
    for row in rows:
        if insurance.covered_on(valid_from=row.valid_from, valid_until=row.valid_until, on=today):
            return association, row
    raise Conflict(
        "This employee is not insured with the employer's association today "
        "(or their number, which identifies them, is not on file).",
        "この従業員は現在、事業者の健康保険組合に加入していません（または個人番号が未取得です）。",
        reason="not-insured",
    )
