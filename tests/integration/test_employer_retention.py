"""Retention and deletion (保管と廃棄): once employment has ended and the retention period for
tax papers has passed, the number is erased so it cannot be recovered, and the deletion is
recorded (番号法ガイドライン); `mynumber employer sweep` runs it."""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from mynumber.adapters.db.models_employer import EmployeeNumber, EmployeeNumberDeletion
from mynumber.bootstrap import System
from mynumber.cli import employer as cli_employer
from mynumber.cli.main import app
from mynumber.domain.access import Role
from mynumber.domain.clock import JST, SimulatedClock
from mynumber.domain.errors import Conflict
from mynumber.services.core import audit
from mynumber.services.core.context import Caller
from mynumber.services.employer import employers as employer
from mynumber.services.employer import numbers as employer_numbers
from tests.integration.employer_support import (
    UNREGISTERED_NUMBER,
    Company,
    collect,
    hire,
    make_company,
    registered_number,
)

LEFT_ON = dt.date(2026, 9, 30)
LAST_KEPT_DAY = dt.date(2034, 1, 10)  # 10 January of the 8th year after leaving
JOB = Caller(name="retention sweep", role=Role.EMPLOYER)


def _leave(system: System, company: Company, employee_id: int, on: dt.date = LEFT_ON) -> None:
    with system.uow() as uow:
        employer.record_leaving(
            uow.session, system.services, staff=company.hr, employee_id=employee_id, left_on=on
        )
        uow.commit()


def _sweep(system: System, on: dt.date) -> list[employer_numbers.Deletion]:
    clock = system.services.clock
    assert isinstance(clock, SimulatedClock)
    clock.set(dt.datetime.combine(on, dt.time(3, 0), tzinfo=JST))
    with system.uow() as uow:
        done = employer_numbers.sweep_expired_numbers(uow.session, system.services, caller=JOB)
        uow.commit()
    return done


def _former_employee(system: System) -> tuple[Company, int, int]:
    company = make_company(system)
    person_id, number = registered_number(system)
    employee_id = hire(system, company)
    collect(system, company, employee_id, number)
    _leave(system, company, employee_id)
    return company, employee_id, person_id


def test_the_number_is_kept_until_the_retention_period_has_passed(system: System) -> None:
    company, employee_id, _ = _former_employee(system)
    assert _sweep(system, LAST_KEPT_DAY) == []
    with system.uow() as uow:
        assert employer_numbers.read_number(
            uow.session,
            system.services,
            staff=company.payroll,
            employee_id=employee_id,
            purpose="tax",
        )


def test_the_sweep_erases_the_number_and_records_the_deletion(system: System) -> None:
    company, employee_id, person_id = _former_employee(system)
    done = _sweep(system, LAST_KEPT_DAY + dt.timedelta(days=1))
    assert [(d.employee_id, d.retention_ended_on) for d in done] == [(employee_id, LAST_KEPT_DAY)]
    with system.uow() as uow:
        held = uow.session.scalars(select(EmployeeNumber)).one()
        assert (held.number_sealed, held.number_lookup) == (None, None)
        assert held.deleted_at is not None
        record = uow.session.scalars(select(EmployeeNumberDeletion)).one()
        assert (record.employee_id, record.left_on, record.deleted_by) == (
            employee_id,
            LEFT_ON,
            JOB.name,
        )
        portal = [e.action for e in audit.entries_about(uow.session, person_id)]
        assert portal[0] == "employer_delete_number"
        with pytest.raises(Conflict) as exc:
            employer_numbers.read_number(
                uow.session,
                system.services,
                staff=company.payroll,
                employee_id=employee_id,
                purpose="tax",
            )
        assert exc.value.details["reason"] == "deleted"
        view = employer.view_employee(
            uow.session, system.services, staff=company.hr, employee_id=employee_id
        )
        assert view.number_status == "deleted"
    assert _sweep(system, LAST_KEPT_DAY + dt.timedelta(days=400)) == []


def test_a_current_employees_number_is_never_swept(system: System) -> None:
    company = make_company(system)
    employee_id = hire(system, company, hired_on=dt.date(2000, 4, 1))
    collect(system, company, employee_id, UNREGISTERED_NUMBER)
    assert _sweep(system, dt.date(2060, 1, 1)) == []


def test_the_erased_number_is_gone_from_the_sqlite_file(system: System) -> None:
    if system.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL keeps dead row versions until VACUUM (see docs/employer.md)")
    _former_employee(system)
    with system.uow() as uow:
        sealed = bytes(uow.session.scalars(select(EmployeeNumber.number_sealed)).one() or b"")
    assert len(sealed) > 16
    _sweep(system, LAST_KEPT_DAY + dt.timedelta(days=1))
    path = Path(system.engine.url.database or "")
    system.engine.dispose()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stored = (
        path.read_bytes() + Path(str(path) + "-wal").read_bytes()
        if Path(str(path) + "-wal").exists()
        else path.read_bytes()
    )
    assert sealed[12:] not in stored


def test_mynumber_employer_sweep_deletes_and_says_what_it_did(
    system: System,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, employee_id, _ = _former_employee(system)
    clock = system.services.clock
    assert isinstance(clock, SimulatedClock)
    clock.set(dt.datetime(2034, 1, 11, 3, 0, tzinfo=JST))
    monkeypatch.setattr(cli_employer, "_system", lambda: system)
    result = CliRunner().invoke(app, ["employer", "sweep"])
    assert result.exit_code == 0, result.output
    assert f"employee {employee_id}" in result.output and "1 numbers deleted" in result.output
    with system.uow() as uow:
        assert uow.session.scalars(select(EmployeeNumber.number_sealed)).one() is None
