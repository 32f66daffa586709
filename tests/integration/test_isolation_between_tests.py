"""What one test leaves behind is gone for the next, on both databases: its rows (``db_url``
copies a fresh SQLite file, or resets PostgreSQL), and on PostgreSQL, where ``system``'s
engines are kept for the worker, a session setting of one of its connections and a listener
on its engine. The tests run in this file's order, each backend's ``leaves`` just before
the ``next`` test that looks for it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text

from mynumber.bootstrap import System
from tests.integration.helpers import register

_FIRED: dict[str, list[str]] = {}
"""Per backend, each statement that the listener left by ``..._leaves_a_listener`` saw."""


def _backend(system: System) -> str:
    return system.engine.dialect.name


def _rows(system: System) -> dict[str, int]:
    with system.engine.connect() as conn:
        return {
            table: int(conn.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            for table in ("persons", "registrations", "audit_log", "mail_items")
        }


def _application_name(system: System) -> str:
    with system.engine.connect() as conn:
        return str(conn.scalar(text("SHOW application_name")))


def test_a_test_leaves_rows_and_a_session_setting(system: System) -> None:
    register(system)
    assert _rows(system)["persons"] == 1
    if _backend(system) == "postgresql":
        with system.engine.connect() as conn:
            conn.execute(text("SET SESSION application_name = 'left behind'"))
            conn.commit()  # outside any transaction from here on: it stays on the connection
        assert _application_name(system) == "left behind"  # the pool's one connection


def test_the_next_test_finds_neither(system: System) -> None:
    assert _rows(system) == {"persons": 0, "registrations": 0, "audit_log": 0, "mail_items": 0}
    if _backend(system) == "postgresql":
        assert _application_name(system) != "left behind"


def test_a_test_leaves_a_listener_on_its_engine(system: System) -> None:
    fired = _FIRED.setdefault(_backend(system), [])

    def saw(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        fired.append(statement)

    event.listen(system.engine, "before_cursor_execute", saw)
    register(system)
    assert fired


def test_the_next_test_is_not_heard_by_it(system: System) -> None:
    fired = _FIRED.get(_backend(system), [])
    seen_before = len(fired)
    assert _rows(system) == {"persons": 0, "registrations": 0, "audit_log": 0, "mail_items": 0}
    register(system)
    assert len(fired) == seen_before
