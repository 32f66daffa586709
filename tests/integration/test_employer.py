"""Employers and the law's limits on the My Number (番号法 第9条, 第15条, 第16条, 第20条), on
both databases: who may collect and read it, for which purpose, and how it was confirmed."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import func, select, text

from mynumber.adapters.db.models import AuditEntry
from mynumber.adapters.db.models_employer import Employee, EmployeeNumber, Employer
from mynumber.bootstrap import System
from mynumber.demo.data import seed_demo_tokens
from mynumber.domain.employment_rules import StaffRole
from mynumber.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PurposeNotAllowed,
    Unauthenticated,
)
from mynumber.services.core import audit
from mynumber.services.employer import employers as employer
from mynumber.services.employer import numbers as employer_numbers
from tests.integration.employer_support import (
    CORPORATE,
    OTHER_CORPORATE,
    UNREGISTERED_NUMBER,
    Company,
    collect,
    hire,
    make_company,
    registered_number,
)


def _collect(
    system: System, company: Company, employee_id: int, number: str, **kw: object
) -> employer_numbers.CollectedNumber:
    args: dict[str, object] = dict(purposes=["tax"], number_proof="my_number_card")
    args.update(kw)
    with system.uow() as uow:
        got = employer_numbers.collect_number(
            uow.session,
            system.services,
            staff=company.payroll,
            employee_id=employee_id,
            my_number=number,
            **args,
        )  # type: ignore[arg-type]
        uow.commit()
    return got


def _read(system: System, staff: object, employee_id: int, purpose: str = "tax") -> str:
    with system.uow() as uow:
        number = employer_numbers.read_number(
            uow.session,
            system.services,
            staff=staff,  # type: ignore[arg-type]
            employee_id=employee_id,
            purpose=purpose,
        )
        uow.commit()
    return number.digits


def _numbers_held(system: System) -> int:
    with system.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(EmployeeNumber)) or 0)


# --- the employer and its staff ---------------------------------------------------------------


def test_employer_is_identified_by_a_valid_corporate_number(system: System) -> None:
    company = make_company(system)
    with system.uow() as uow:
        row = uow.session.get(Employer, company.employer_id)
        assert row is not None and row.corporate_number == CORPORATE
    wrong = str((int(CORPORATE[0]) + 1) % 10) + CORPORATE[1:]
    with system.uow() as uow, pytest.raises(InvalidInput) as exc:
        employer.register_employer(
            uow.session, system.services, corporate_number=wrong, name="Wrong K.K."
        )
    assert exc.value.details["field"] == "corporate_number"


def test_one_corporate_number_is_one_employer(system: System) -> None:
    make_company(system)
    with pytest.raises(Conflict):
        make_company(system, name="Copy K.K.")


def test_each_staff_token_carries_its_own_role(system: System) -> None:
    company = make_company(system)
    with system.uow() as uow:
        for role, token in company.tokens.items():
            staff = employer.authenticate_staff(uow.session, system.services, token=token)
            assert (staff.role, staff.employer_id) == (role, company.employer_id)


def test_a_token_that_is_not_a_staff_account_is_refused(system: System) -> None:
    from mynumber.domain.access import Role
    from mynumber.services.core import tokens

    with system.uow() as uow:
        demo = seed_demo_tokens(uow.session, system.services)
        organisation_token = tokens.issue_token(
            uow.session, system.services, organisation="Some K.K.", role=Role.EMPLOYER
        )
        uow.commit()
    ward_token = next(t.token for t in demo if t.role.value == "ward_office")
    with system.uow() as uow:
        for token in (organisation_token, ward_token):
            with pytest.raises(Forbidden):
                employer.authenticate_staff(uow.session, system.services, token=token)
        with pytest.raises(Unauthenticated):
            employer.authenticate_staff(uow.session, system.services, token="mnt_nonsense")


@pytest.mark.sqlite_only  # the staff member's role, checked before anything is read
def test_only_a_manager_adds_staff(system: System) -> None:
    company = make_company(system)
    for staff in (company.payroll, company.hr):
        with system.uow() as uow, pytest.raises(Forbidden):
            employer.add_staff(
                uow.session, system.services, staff=staff, name="X", role=StaffRole.PAYROLL
            )


# --- collecting the number (取得) ---------------------------------------------------------------


def test_payroll_collects_a_registered_employees_number_and_the_employee_sees_it(
    system: System,
) -> None:
    company = make_company(system)
    person_id, number = registered_number(system)
    employee_id = hire(system, company)
    got = _collect(
        system,
        company,
        employee_id,
        number,
        purposes=["tax", "social_security"],
        number_proof="my_number_card",
    )
    assert got.masked_number == "**** **** " + number[-4:]
    assert got.purposes == ["social_security", "tax"]
    assert (got.number_proof, got.identity_proof) == ("my_number_card", "my_number_card")
    assert got.registered_person
    with system.uow() as uow:
        portal = audit.entries_about(uow.session, person_id)
    collected = [e for e in portal if e.action == "employer_collect_number"]
    assert len(collected) == 1
    assert "Sato" in collected[0].actor and "payroll" in collected[0].actor
    assert number not in collected[0].detail


def test_collecting_for_use_as_an_employee_id_is_refused_and_nothing_is_kept(
    system: System,
) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    for purposes in (
        ["employee_id"],
        ["tax", "employee_id"],
        ["resident_registry"],
        ["disaster_response"],
    ):
        with pytest.raises(PurposeNotAllowed) as exc:
            _collect(system, company, employee_id, UNREGISTERED_NUMBER, purposes=purposes)
        assert "tax" in exc.value.message_en and "social" in exc.value.message_en
    with pytest.raises(PurposeNotAllowed, match="employee ID"):
        _collect(system, company, employee_id, UNREGISTERED_NUMBER, purposes=["employee_id"])
    assert _numbers_held(system) == 0


@pytest.mark.sqlite_only  # a rule on the input
def test_collecting_without_a_stated_purpose_is_refused(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    with pytest.raises(InvalidInput) as exc:
        _collect(system, company, employee_id, UNREGISTERED_NUMBER, purposes=[])
    assert exc.value.details["field"] == "purposes"


@pytest.mark.sqlite_only  # a check digit
def test_an_employee_code_that_is_a_my_number_is_refused(system: System) -> None:
    company = make_company(system)
    with pytest.raises(PurposeNotAllowed):
        hire(system, company, code=UNREGISTERED_NUMBER)
    hire(system, company, code="621498320258")  # not a valid My Number: just a code


def test_number_and_identity_confirmation_are_both_recorded(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    got = _collect(
        system,
        company,
        employee_id,
        UNREGISTERED_NUMBER,
        number_proof="resident_record_with_number",
        identity_proof="passport",
    )
    assert (got.number_proof, got.identity_proof) == ("resident_record_with_number", "passport")
    with system.uow() as uow:
        row = uow.session.scalars(select(EmployeeNumber)).one()
        assert (row.number_proof, row.identity_proof) == ("resident_record_with_number", "passport")


@pytest.mark.parametrize(
    ("proof", "identity", "match", "field"),
    [
        ("notification_letter", "passport", False, "number_proof"),  # 個人番号通知書 proves nothing
        ("notification_card", "passport", False, "details_match"),  # 通知カード out of date
        ("resident_record_with_number", None, False, "identity_proof"),  # no identity check
        ("resident_record_with_number", "notification_letter", False, "identity_proof"),
        ("notification_card", "moving_out_certificate", True, "identity_proof"),  # no photo
        ("a_utility_bill", "passport", False, "number_proof"),
    ],
)
def test_collection_without_both_confirmations_is_refused(
    system: System,
    proof: str,
    identity: str | None,
    match: bool,
    field: str,
) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    with pytest.raises(InvalidInput) as exc:
        _collect(
            system,
            company,
            employee_id,
            UNREGISTERED_NUMBER,
            number_proof=proof,
            identity_proof=identity,
            details_match=match,
        )
    assert exc.value.details["field"] == field
    assert _numbers_held(system) == 0


def test_a_current_notification_card_with_a_photo_id_is_accepted(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    got = _collect(
        system,
        company,
        employee_id,
        UNREGISTERED_NUMBER,
        number_proof="notification_card",
        identity_proof="residence_card",
        details_match=True,
    )
    assert got.identity_proof == "residence_card" and not got.registered_person


@pytest.mark.sqlite_only  # the staff member's role, checked before anything is read
@pytest.mark.parametrize("role", ["hr", "manager"])
def test_only_payroll_collects_numbers(system: System, role: str) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    staff = company.hr if role == "hr" else company.manager
    with system.uow() as uow, pytest.raises(Forbidden):
        employer_numbers.collect_number(
            uow.session,
            system.services,
            staff=staff,
            employee_id=employee_id,
            my_number=UNREGISTERED_NUMBER,
            purposes=["tax"],
            number_proof="my_number_card",
        )


def test_a_number_is_collected_once(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    collect(system, company, employee_id, UNREGISTERED_NUMBER)
    with pytest.raises(Conflict):
        collect(system, company, employee_id, UNREGISTERED_NUMBER)


@pytest.mark.sqlite_only  # a check digit and a message
def test_a_bad_number_is_refused_without_echoing_it(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    with pytest.raises(InvalidInput) as exc:
        _collect(system, company, employee_id, "621498320258")
    assert "621498320258" not in exc.value.message_en + exc.value.message_ja


# --- keeping and reading it (保管・利用) ----------------------------------------------------------


def test_the_number_is_kept_encrypted_and_bound_to_its_row(system: System) -> None:
    company = make_company(system)
    first, second = hire(system, company), hire(system, company, code="E-0002")
    collect(system, company, first, UNREGISTERED_NUMBER)
    with system.uow() as uow:
        raw = uow.session.execute(
            text("SELECT number_sealed, number_lookup FROM employee_numbers")
        ).one()
        assert UNREGISTERED_NUMBER.encode() not in bytes(raw[0])
        assert UNREGISTERED_NUMBER not in raw[1]
        with pytest.raises(InvalidTag):
            system.services.vault.open(
                bytes(raw[0]), context=employer_numbers.sealing_context(second)
            )


def test_payroll_reads_the_number_for_a_stated_purpose_and_the_read_is_audited(
    system: System,
) -> None:
    company = make_company(system)
    person_id, number = registered_number(system)
    employee_id = hire(system, company)
    collect(system, company, employee_id, number)
    assert _read(system, company.payroll, employee_id, "tax") == number
    assert _read(system, company.payroll, employee_id, "social_security") == number
    with system.uow() as uow:
        reads = [
            e
            for e in audit.entries_about(uow.session, person_id)
            if e.action == "employer_read_number"
        ]
    assert [e.purpose for e in reads] == ["social_security", "tax"]
    assert all(e.role == "employer" and number not in e.detail for e in reads)


@pytest.mark.sqlite_only  # the staff member's role, checked before anything is read
@pytest.mark.parametrize("role", ["hr", "manager"])
def test_nobody_but_payroll_reads_a_number(system: System, role: str) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    collect(system, company, employee_id, UNREGISTERED_NUMBER)
    staff = company.hr if role == "hr" else company.manager
    with pytest.raises(Forbidden):
        _read(system, staff, employee_id)


def test_reading_outside_the_purposes_stated_at_collection_is_refused(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    collect(system, company, employee_id, UNREGISTERED_NUMBER, purposes=("tax",))
    for purpose in ("social_security", "employee_id", "resident_registry", "marketing"):
        with pytest.raises(PurposeNotAllowed):
            _read(system, company.payroll, employee_id, purpose)


def test_one_employer_never_sees_another_employers_employees(system: System) -> None:
    ours = make_company(system)
    theirs = make_company(system, corporate_number=OTHER_CORPORATE, name="Other K.K.")
    employee_id = hire(system, ours)
    collect(system, ours, employee_id, UNREGISTERED_NUMBER)
    with pytest.raises(NotFound):
        _read(system, theirs.payroll, employee_id)
    with pytest.raises(NotFound):
        collect(system, theirs, employee_id, UNREGISTERED_NUMBER)
    with system.uow() as uow:
        with pytest.raises(NotFound):
            employer.view_employee(
                uow.session, system.services, staff=theirs.hr, employee_id=employee_id
            )
        assert employer.list_employees(uow.session, system.services, staff=theirs.hr) == []


def test_another_employers_employee_is_not_found_and_the_attempt_is_audited(
    system: System,
) -> None:
    """The same not-found as for no such employee (nothing learned of them), and the attempt
    on another employer's employee left in the log as a refusal; a missing one leaves none."""
    ours = make_company(system)
    theirs = make_company(system, corporate_number=OTHER_CORPORATE, name="Other K.K.")
    employee_id = hire(system, ours)
    collect(system, ours, employee_id, UNREGISTERED_NUMBER)

    def refused_relations() -> int:
        with system.uow() as uow:
            return (
                uow.session.scalar(
                    select(func.count()).where(AuditEntry.action == "refused:relation")
                )
                or 0
            )

    def view(employee: int) -> object:
        return audit.run_use_case(
            system,
            lambda s, svc: employer.view_employee(s, svc, staff=theirs.hr, employee_id=employee),
        )

    with pytest.raises(NotFound):
        view(999_999)
    assert refused_relations() == 0
    with pytest.raises(NotFound):
        view(employee_id)
    assert refused_relations() == 1


def test_staff_see_whether_a_number_is_on_file_but_never_the_number(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    with system.uow() as uow:
        view = employer.view_employee(
            uow.session, system.services, staff=company.hr, employee_id=employee_id
        )
    assert view.number_status == "not_collected"
    collect(system, company, employee_id, UNREGISTERED_NUMBER)
    with system.uow() as uow:
        views = employer.list_employees(uow.session, system.services, staff=company.manager)
    assert [v.number_status for v in views] == ["on_file"]
    assert UNREGISTERED_NUMBER not in repr(views)


def test_every_access_is_in_the_audit_log_and_the_chain_holds(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company)
    collect(system, company, employee_id, UNREGISTERED_NUMBER)
    _read(system, company.payroll, employee_id)
    with system.uow() as uow:
        actions = list(uow.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert audit.verify_chain(uow.session).ok
        details = " ".join(uow.session.scalars(select(AuditEntry.detail)))
    assert actions[-2:] == ["employer_collect_number", "employer_read_number"]
    assert UNREGISTERED_NUMBER not in details


def test_leaving_is_recorded_once_and_not_before_hiring(system: System) -> None:
    import datetime as dt

    company = make_company(system)
    employee_id = hire(system, company)
    with system.uow() as uow, pytest.raises(InvalidInput):
        employer.record_leaving(
            uow.session,
            system.services,
            staff=company.hr,
            employee_id=employee_id,
            left_on=dt.date(2026, 3, 31),
        )
    with system.uow() as uow:
        employer.record_leaving(
            uow.session,
            system.services,
            staff=company.hr,
            employee_id=employee_id,
            left_on=dt.date(2026, 9, 30),
        )
        uow.commit()
    with system.uow() as uow:
        assert uow.session.get(Employee, employee_id).left_on == dt.date(2026, 9, 30)  # type: ignore[union-attr]
        with pytest.raises(Conflict):
            employer.record_leaving(
                uow.session,
                system.services,
                staff=company.hr,
                employee_id=employee_id,
                left_on=dt.date(2026, 10, 30),
            )
        with pytest.raises(Forbidden):
            employer.record_leaving(
                uow.session,
                system.services,
                staff=company.payroll,
                employee_id=employee_id,
                left_on=dt.date(2026, 10, 30),
            )
