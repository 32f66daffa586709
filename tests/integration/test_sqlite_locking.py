"""SQLite: only writers take the write lock; readers never wait for it."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from mynumber.bootstrap import build_system
from mynumber.config import Settings
from tests.conftest import TEST_MASTER_KEY


def _system(tmp_path: Path):  # type: ignore[no-untyped-def]
    return build_system(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                 data_dir=tmp_path / "var", master_key=TEST_MASTER_KEY))


def test_a_reader_is_not_held_up_by_a_writer_holding_the_lock(tmp_path: Path) -> None:
    system = _system(tmp_path)
    read: list[int] = []
    with system.uow() as writer:
        writer.session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: the write lock is held
        reader = threading.Thread(target=lambda: read.append(_count_people(system)))
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive(), "the reader waited for the writer's lock"
    assert read == [0]


def test_a_writer_still_queues_behind_another_writer(tmp_path: Path) -> None:
    system = _system(tmp_path)
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


def _count_people(system) -> int:  # type: ignore[no-untyped-def]
    with system.reading() as uow:
        return int(uow.session.execute(text("SELECT count(*) FROM persons")).scalar_one())
