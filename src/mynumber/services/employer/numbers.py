"""事業者による個人番号の取得・利用・廃棄 — an employer collects, reads and deletes a My Number.

- Collecting (取得): only for the purposes stated (tax withholding, social insurance), with
  number confirmation and identity confirmation recorded (番号法 第9条, 第15条, 第16条,
  ``domain.employment_rules``). Only payroll staff (事務取扱担当者) may collect or read it.
- Keeping (保管): sealed with AES-GCM bound to the employee row; a keyed hash finds the
  registered person, so the employee sees every access in the portal (``audit.entries_about``).
- Reading (利用): for a purpose stated at collection only; every read is audited.
- Deleting (廃棄): ``sweep_expired_numbers`` erases the sealed value and its hash once
  employment has ended and the retention period has passed, and records the deletion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_employer import (
    Employee,
    EmployeeNumber,
    EmployeeNumberDeletion,
)
from mynumber.adapters.db.models_register import NumberChangeNotice
from mynumber.domain.access import Purpose, Role, check_number_purpose, parse_purpose
from mynumber.domain.employment_rules import (
    StaffAction,
    check_collection_purposes,
    check_confirmation,
    latest_deletable_leaving,
    must_delete,
    parse_number_proof,
    require_staff_role,
    retention_ends_on,
)
from mynumber.domain.errors import Conflict, PurposeNotAllowed
from mynumber.domain.number_change import retired_number_refusal
from mynumber.domain.numbers import IndividualNumber
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import refusals_audited
from mynumber.services.core.refs import EmployeeId
from mynumber.services.employer.employers import Staff, employee_of
from mynumber.services.registry.numbers import is_retired, refuse_if_retired


@dataclass(frozen=True)
class CollectedNumber:
    employee_id: int
    masked_number: str
    purposes: list[str]
    number_proof: str
    identity_proof: str
    registered_person: bool


def sealing_context(employee_id: int) -> str:
    """The AES-GCM associated data: a sealed number opens only in its own row."""
    return f"employee_numbers:{employee_id}"


@refusals_audited
def collect_number(
    session: Session,
    svc: Services,
    *,
    staff: Staff,
    employee_id: int,
    my_number: str,
    purposes: list[str],
    number_proof: str,
    identity_proof: str | None = None,
    details_match: bool = False,
) -> CollectedNumber:
    """取得: payroll records an employee's number for the stated purposes, after number
    confirmation and identity confirmation (番号法 第16条)."""
    require_staff_role(staff.role, StaffAction.COLLECT_NUMBER)
    employee = employee_of(session, staff, employee_id)
    stated = check_collection_purposes(purposes)
    proof = parse_number_proof(number_proof)
    identity = check_confirmation(proof, identity_proof, details_match=details_match)
    number = IndividualNumber.parse(my_number)
    if employee.employee_code.replace(" ", "").replace("-", "") == number.digits:
        raise PurposeNotAllowed(
            "The employee code is the My Number: it may not be used as "
            "an employee ID (My Number Act art. 9).",
            "社員番号にマイナンバーは使えません（番号法第9条）。",
            purpose="employee_id",
        )
    lookup = svc.vault.lookup_hash(number)
    refuse_if_retired(session, lookup=lookup)
    held = _held(session, employee.id)
    replacing = _changed_since_collected(session, held)
    if held is not None and not replacing:
        raise Conflict(
            "This employee's number is already on file.",
            "この従業員の個人番号はすでに登録されています。",
        )
    employee.person_id = _registered_person(session, svc, number)
    names = sorted(p.value for p in stated)
    fields = dict(
        number_sealed=svc.vault.seal(number, context=sealing_context(employee.id)),
        number_lookup=lookup,
        purposes=names,
        number_proof=proof.value,
        identity_proof=identity.value,
        collected_by=staff.caller.name,
        collected_at=svc.clock.now(),
    )
    if held is not None:  # the new number replaces the changed one (番号法 第7条第2項)
        for name, value in fields.items():
            setattr(held, name, value)
    else:
        session.add(EmployeeNumber(employee_id=employee.id, **fields))
    session.flush()
    audit.record(
        session,
        caller=staff.caller,
        action="employer_collect_number",
        purpose=frozenset(stated),
        person_id=employee.person_id,
        at=svc.clock.now(),
        detail=f"employee {employee.id}: {number.masked}; number confirmed by "
        f"{proof.value}, identity by {identity.value}"
        + ("; replaces a changed number" if replacing else ""),
    )
    return CollectedNumber(
        employee.id,
        number.masked,
        names,
        proof.value,
        identity.value,
        employee.person_id is not None,
    )


def _registered_person(session: Session, svc: Services, number: IndividualNumber) -> int | None:
    lookup = svc.vault.lookup_hash(number)
    return session.scalars(select(Person.id).where(Person.number_lookup == lookup)).first()


def _changed_since_collected(session: Session, held: EmployeeNumber | None) -> bool:
    """Whether the number on file was changed since (a notice asked to collect the new one)."""
    if held is None or held.number_lookup is None:
        return False
    return is_retired(session, lookup=held.number_lookup)


def _collected_anew(session: Session, held: EmployeeNumber | None) -> bool:
    """Whether a number is on file again, and not a changed one."""
    on_file = held is not None and held.number_lookup is not None
    return on_file and not _changed_since_collected(session, held)


def _held(session: Session, employee_id: int) -> EmployeeNumber | None:
    return session.scalars(
        select(EmployeeNumber).where(EmployeeNumber.employee_id == employee_id)
    ).first()


@refusals_audited
def read_number(
    session: Session, svc: Services, *, staff: Staff, employee_id: int, purpose: str
) -> IndividualNumber:
    """利用: payroll reads the number for a purpose stated when it was collected (audited)."""
    require_staff_role(staff.role, StaffAction.READ_NUMBER)
    employee = employee_of(session, staff, employee_id)
    wanted = parse_purpose(purpose)
    check_number_purpose(Role.EMPLOYER, wanted)
    number = open_number(session, svc, employee=employee, purpose=wanted)
    audit.record(
        session,
        caller=staff.caller,
        action="employer_read_number",
        purpose=wanted,
        person_id=employee.person_id,
        at=svc.clock.now(),
        detail=f"employee {employee.id}: {number.masked}",
    )
    return number


def open_number(
    session: Session, svc: Services, *, employee: Employee, purpose: Purpose
) -> IndividualNumber:
    """The number on file, if it was collected for ``purpose`` and not deleted (not audited:
    the calling use case records the access)."""
    held = _held(session, employee.id)
    if held is None or held.number_sealed is None:
        state = "was deleted after the retention period" if held else "has not been collected"
        raise Conflict(
            f"This employee's number {state}.",
            "この従業員の個人番号は" + ("廃棄済みです。" if held else "未取得です。"),
            reason="deleted" if held else "not-collected",
        )
    if _changed_since_collected(session, held):
        raise retired_number_refusal()
    if purpose.value not in held.purposes:
        raise PurposeNotAllowed(
            f"This number was collected for {', '.join(held.purposes)} only, not "
            f"'{purpose.value}' (My Number Act art. 9: use within the stated purpose).",
            f"この個人番号の利用目的は {', '.join(held.purposes)} のみです"
            f"（「{purpose.value}」は目的外利用）。",
            purpose=purpose.value,
        )
    return svc.vault.open(held.number_sealed, context=sealing_context(employee.id))


@dataclass(frozen=True)
class Deletion:
    employer_id: int
    employee_id: int
    retention_ended_on: dt.date


def sweep_expired_numbers(
    session: Session, svc: Services, *, caller: Caller, employer_id: int | None = None
) -> list[Deletion]:
    """廃棄: erase every number whose employee has left and whose retention period has
    passed; the sealed value and its hash are overwritten, and each deletion is recorded."""
    today = svc.clock.today()
    query = (
        select(Employee, EmployeeNumber)
        .join(EmployeeNumber, EmployeeNumber.employee_id == Employee.id)
        .where(
            EmployeeNumber.deleted_at.is_(None), Employee.left_on <= latest_deletable_leaving(today)
        )
        .order_by(Employee.id)
    )
    if employer_id is not None:
        query = query.where(Employee.employer_id == employer_id)
    _secure_delete_on(session)
    done = []
    for employee, held in session.execute(query).all():
        if not must_delete(employee.left_on, today):
            continue
        done.append(_erase(session, svc, caller, employee, held))
    return done


def _secure_delete_on(session: Session) -> None:
    # SQLite keeps overwritten content in free space unless told to zero it (Debian builds
    # zero it by default; others may not).
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")


def _erase(
    session: Session, svc: Services, caller: Caller, employee: Employee, held: EmployeeNumber
) -> Deletion:
    assert employee.left_on is not None
    ended = retention_ends_on(employee.left_on)
    held.number_sealed = None
    held.number_lookup = None
    held.deleted_at = svc.clock.now()
    session.add(
        EmployeeNumberDeletion(
            employer_id=employee.employer_id,
            employee_id=employee.id,
            left_on=employee.left_on,
            retention_ended_on=ended,
            deleted_at=svc.clock.now(),
            deleted_by=caller.name,
        )
    )
    session.flush()
    audit.record(
        session,
        caller=caller,
        action="employer_delete_number",
        person_id=employee.person_id,
        at=svc.clock.now(),
        detail=f"employee {employee.id}: retention ended {ended.isoformat()}",
    )
    return Deletion(employee.employer_id, employee.id, ended)


@dataclass(frozen=True)
class EmployeeNumberChanged:
    """番号変更の通知: an employee's My Number was changed; collect the new one. No digits."""

    employee_id: EmployeeId
    employee_code: str
    name: str
    changed_on: dt.date
    updated: bool
    """The new number is on file already (collected after the change)."""


@refusals_audited
def number_change_notices(
    session: Session, svc: Services, *, staff: Staff
) -> list[EmployeeNumberChanged]:
    """The employer's notices that a number it collected was changed (番号法 第7条第2項):
    only its own, only for payroll (who collect numbers); each reading is audited."""
    require_staff_role(staff.role, StaffAction.COLLECT_NUMBER)
    rows = session.execute(
        select(NumberChangeNotice, Employee, EmployeeNumber)
        .join(Employee, Employee.id == NumberChangeNotice.employee_id)
        .outerjoin(EmployeeNumber, EmployeeNumber.employee_id == Employee.id)
        .where(
            NumberChangeNotice.holder_role == Role.EMPLOYER.value,
            NumberChangeNotice.holder_id == staff.employer_id,
            Employee.employer_id == staff.employer_id,
        )
        .order_by(NumberChangeNotice.id.desc())
    ).all()
    views = []
    for notice, employee, held in rows:
        audit.record(
            session,
            caller=staff.caller,
            action="employer_read_number_change_notice",
            person_id=notice.person_id,
            at=svc.clock.now(),
            detail=f"employee {employee.id}",
        )
        views.append(
            EmployeeNumberChanged(
                employee_id=employee.id,
                employee_code=employee.employee_code,
                name=employee.name,
                changed_on=notice.changed_on,
                updated=_collected_anew(session, held),
            )
        )
    return views
