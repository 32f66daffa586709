"""The audit log: every access recorded, hash-chained, append-only, and verifiable."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from mynumber.adapters.db.models import AuditEntry
from mynumber.bootstrap import System
from mynumber.domain.access import Purpose
from mynumber.services.core.audit import entries_about, verify_chain
from mynumber.services.registry.numbers import read_my_number
from tests.conftest import ward
from tests.integration.helpers import register


def test_reading_a_number_is_recorded_with_who_and_why(system: System) -> None:
    result = register(system)
    with system.uow() as uow:
        read_my_number(
            uow.session,
            system.services,
            caller=ward(),
            person_id=result.person_id,
            purpose=Purpose.TAX,
        )
        uow.commit()
    with system.uow() as uow:
        entries = entries_about(uow.session, result.person_id)
    newest = entries[0]
    assert (newest.action, newest.purpose, newest.actor) == (
        "read_my_number",
        "tax",
        "ward office 131016",
    )


def test_the_chain_verifies_when_untouched(system: System) -> None:
    for i in range(3):
        register(system, name_latin=f"Person {chr(65 + i)}")
    with system.uow() as uow:
        report = verify_chain(uow.session)
    assert report.ok and report.entries >= 3


def test_the_database_refuses_to_change_or_delete_an_entry(system: System) -> None:
    register(system)
    for statement in ("UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"):
        with system.uow() as uow, pytest.raises(DBAPIError, match="append-only"):
            uow.session.execute(text(statement))
            uow.session.flush()


@contextmanager
def _guards_dropped(system: System) -> Iterator[None]:
    """Play the attacker with database rights: lift the triggers, put them back after."""
    pg = system.engine.dialect.name == "postgresql"
    with system.engine.begin() as conn:
        if pg:
            conn.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))
        else:
            conn.execute(text("DROP TRIGGER audit_log_no_update"))
            conn.execute(text("DROP TRIGGER audit_log_no_delete"))
    try:
        yield
    finally:
        with system.engine.begin() as conn:
            if pg:
                conn.execute(
                    text(
                        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                        "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
                    )
                )
            else:
                for verb in ("UPDATE", "DELETE"):
                    conn.execute(
                        text(
                            f"CREATE TRIGGER audit_log_no_{verb.lower()} "
                            f"BEFORE {verb} ON audit_log "
                            "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                        )
                    )


def test_verify_names_the_first_tampered_entry(system: System) -> None:
    for i in range(4):
        register(system, name_latin=f"Person {chr(65 + i)}")
    with _guards_dropped(system), system.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'forged' WHERE id = 2"))
    with system.uow() as uow:
        report = verify_chain(uow.session)
    assert report.first_broken == 2 and "hash" in report.reason


def test_verify_notices_a_deleted_entry(system: System) -> None:
    for i in range(3):
        register(system, name_latin=f"Person {chr(65 + i)}")
    with _guards_dropped(system), system.engine.begin() as conn:
        last = conn.execute(select(AuditEntry.id).order_by(AuditEntry.id.desc())).scalar()
        conn.execute(text("DELETE FROM audit_log WHERE id = 1"))
    with system.uow() as uow:
        report = verify_chain(uow.session)
    assert last and [f.kind for f in report.findings] == ["deleted"]
    assert report.reason.startswith("entry 1 of chain 'ward_office/ward office 131016'")
