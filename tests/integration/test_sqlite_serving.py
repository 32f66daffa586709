"""SQLite while serving: only writers take the write lock, readers never wait for it, and
the write-ahead log is checkpointed by a thread of its own."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import text

from mynumber.adapters.db.checkpoints import WalCheckpointer
from mynumber.adapters.db.engine import make_engine
from mynumber.api.app import create_app
from mynumber.bootstrap import System, build_system
from mynumber.config import Settings
from tests.client import TestClient
from tests.conftest import TEST_MASTER_KEY


@pytest.fixture
def system(tmp_path: Path, sqlite_template: Path) -> Iterator[System]:
    """A system on SQLite files of its own, copies of the worker's migrated database
    (``sqlite_template``: migrating both files afresh cost ~1 s of CPU a test); closed after
    the test."""
    shutil.copy(sqlite_template, tmp_path / "db.sqlite3")
    shutil.copy(sqlite_template, tmp_path / "db-chips.sqlite3")
    with build_system(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            data_dir=tmp_path / "var",
            master_key=TEST_MASTER_KEY,
        ),
        run_migrations=False,
    ) as built:
        yield built


def test_a_reader_is_not_held_up_by_a_writer_holding_the_lock(system: System) -> None:
    read: list[int] = []
    with system.uow() as writer:
        writer.session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is held
        reader = threading.Thread(target=lambda: read.append(_count_people(system)))
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive(), "the reader waited for the writer's lock"
    assert read == [0]


def test_a_writer_still_queues_behind_another_writer(system: System) -> None:
    began = threading.Event()
    with system.uow() as first:
        first.session.execute(text("SELECT 1"))

        def second() -> None:
            with system.uow() as other:
                other.session.execute(text("SELECT 1"))
                began.set()

        waiting = threading.Thread(target=second)
        waiting.start()
        assert not began.wait(0.3), "two writers held the write lock at once"
    assert began.wait(5)
    waiting.join()


def _count_people(system: System) -> int:
    with system.reading() as uow:
        return int(uow.session.execute(text("SELECT count(*) FROM persons")).scalar_one())


def test_while_serving_the_wal_is_checkpointed_beside_the_requests(system: System) -> None:
    checkpointer = WalCheckpointer(system.engine, every=0.05)
    checkpointer.start()
    try:
        with system.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
        _fill_wal(system, pages=20)
        assert _copied_everything(checkpointer, at_least=20), checkpointer.last
    finally:
        checkpointer.stop()
    with system.engine.connect() as conn:  # after the service: SQLite's own checkpoints again
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 1000


def _fill_wal(system: System, pages: int) -> None:
    with system.engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE filler (x BLOB)")
        for _ in range(pages):
            conn.exec_driver_sql("INSERT INTO filler VALUES (zeroblob(8000))")
            conn.commit()


def _copied_everything(checkpointer: WalCheckpointer, at_least: int) -> bool:
    """Whether, within 5 s, a round finds ``at_least`` pages in the WAL and copies them all."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        _busy, logged, copied = checkpointer.last
        if logged >= at_least and copied == logged:
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "postgresql+psycopg://postgres@127.0.0.1:5432/test"]
)
def test_only_a_sqlite_file_has_a_checkpointer(url: str) -> None:
    assert not WalCheckpointer.applies_to(make_engine(url))
    with pytest.raises(ValueError, match="SQLite database file"):
        WalCheckpointer(make_engine(url))


def test_the_service_checkpoints_while_it_runs_and_stops_with_it(system: System) -> None:
    app = create_app(system)
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        with system.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
        checkpointer = app.state.checkpointer
        assert checkpointer.running
    assert not checkpointer.running


class _FailingFirst(WalCheckpointer):
    """Its first two rounds fail as a locked or unreadable file makes them fail (SQLite's
    own error); the rounds after run as usual."""

    failures = 2

    def checkpoint(self) -> tuple[int, int, int]:
        if self.failures:
            self.failures -= 1
            raise sqlite3.OperationalError("database is locked")
        return super().checkpoint()


def test_a_failed_checkpoint_is_tried_again_at_the_next_round(system: System) -> None:
    checkpointer = _FailingFirst(system.engine, every=0.05)
    checkpointer.start()
    try:
        _fill_wal(system, pages=10)
        assert _copied_everything(checkpointer, at_least=10), checkpointer.last
        assert checkpointer.failures == 0 and checkpointer.running
    finally:
        checkpointer.stop()


class _Counted(WalCheckpointer):
    rounds = 0

    def checkpoint(self) -> tuple[int, int, int]:
        self.rounds += 1
        return super().checkpoint()


def test_the_rounds_share_one_connection_closed_when_the_checkpointer_stops(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new connection parses the whole schema at its first statement: the rounds, four a
    second while the service runs, and the last checkpoint at stop keep one."""
    from mynumber.adapters.db import checkpoints

    opened: list[sqlite3.Connection] = []

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        opened.append(sqlite3.connect(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(
        checkpoints, "sqlite3", SimpleNamespace(connect=connect, Error=sqlite3.Error)
    )
    checkpointer = _Counted(system.engine, every=0.02)
    checkpointer.start()
    try:
        deadline = time.monotonic() + 5
        while checkpointer.rounds < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        checkpointer.stop()
    assert checkpointer.rounds >= 6  # five rounds at least, and the last at stop
    assert len(opened) == 1
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        opened[0].execute("SELECT 1")
