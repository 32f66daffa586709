"""The guard behind ``@pytest.mark.sqlite_only(writes_nothing=True)`` (``tests/conftest.py``):
a test that runs on SQLite only because nothing is written must fail once it writes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import pytest_runtest_call, statements_written


class _Item:
    """What the hook reads of a test item: its closest ``sqlite_only`` marker."""

    def __init__(self, marker: pytest.MarkDecorator | None) -> None:
        self.marker = marker.mark if marker is not None else None

    def get_closest_marker(self, name: str) -> Any:
        return self.marker if name == "sqlite_only" else None


def _call(marker: pytest.MarkDecorator | None, statements: list[str]) -> None:
    """The hook around a call phase that executes ``statements`` on a database of its own."""
    engine = create_engine("sqlite://")
    hook = pytest_runtest_call(_Item(marker))  # type: ignore[arg-type]
    next(hook)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    with pytest.raises(StopIteration):
        hook.send(None)
    engine.dispose()


WRITES = ["CREATE TABLE t (x INTEGER)", "INSERT INTO t VALUES (1)", "SELECT x FROM t"]


def test_only_what_is_not_a_query_or_a_transactions_own_is_recorded_and_the_listener_goes() -> None:
    engine = create_engine("sqlite://")
    with statements_written() as written, engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        conn.execute(text("UPDATE t SET x = 2"))
        conn.execute(text("  select x from t"))
        conn.execute(text("SAVEPOINT s"))
        conn.execute(text("RELEASE s"))
        conn.execute(text("DELETE FROM t"))
    assert [s.split()[0] for s in written] == ["CREATE", "INSERT", "UPDATE", "DELETE"]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (3)"))
    assert len(written) == 4  # not listening any more
    engine.dispose()


def test_a_writing_call_fails_the_marked_test() -> None:
    with pytest.raises(pytest.fail.Exception, match="INSERT INTO t VALUES"):
        _call(pytest.mark.sqlite_only(writes_nothing=True), WRITES)


def test_a_reading_call_passes_and_other_tests_are_not_watched() -> None:
    _call(pytest.mark.sqlite_only(writes_nothing=True), ["SELECT 1"])
    _call(pytest.mark.sqlite_only, WRITES)
    _call(None, WRITES)
