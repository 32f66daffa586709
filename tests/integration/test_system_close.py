"""``System.close``: its owner closes, in one call, every connection the system opened — the
register's (and the readers', the same pool), the PIN tries' (an engine of their own) and the
clinic desk's asynchronous units — and a second call does no harm; an engine given to
``build_system`` is its giver's, left open."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text

from mynumber import bootstrap
from mynumber.adapters.db.engine import make_engine
from mynumber.bootstrap import make_tries_engine
from mynumber.card.keys import KeyPool
from mynumber.config import Settings
from tests.conftest import PG_ADMIN_URL, system_at, worker_database_name
from tests.integration.bench_support import copy_of_worker_database, drop_later
from tests.integration.helpers import idle_in_every_pool

GONE_WITHIN = 10.0
"""Seconds a closed connection's server backend may take to leave ``pg_stat_activity`` (it
ends after the client's goodbye, on its own time)."""


def _connections_to(database: str, *, once_it_is: int | None = None) -> int:
    """Backends connected to ``database``, counted from a connection to another one; where
    ``once_it_is`` is given, counted again until it is that (or ``GONE_WITHIN`` has passed)."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    deadline = time.monotonic() + GONE_WITHIN
    try:
        with admin.connect() as conn:
            while True:
                count = int(
                    conn.scalar(
                        text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name"),
                        {"name": database},
                    )
                    or 0
                )
                if once_it_is is None or count == once_it_is or time.monotonic() > deadline:
                    return count
                time.sleep(0.02)
    finally:
        admin.dispose()


@pytest.fixture
def own_database(pg_url: str, tmp_path: Path, ca_template: Path) -> Iterator[tuple[str, str]]:
    """A database of the test's own (the worker's holds the connections other tests keep):
    its name and URL, the CA in ``tmp_path / "var"``; dropped afterwards."""
    name = worker_database_name("system_close", "main")
    url = copy_of_worker_database(pg_url, name, seeded=False)
    shutil.copytree(ca_template, tmp_path / "var" / "ca")
    try:
        yield name, url
    finally:
        drop_later(name)


@pytest.mark.postgres
def test_close_leaves_no_connection_to_the_database(
    own_database: tuple[str, str], tmp_path: Path, key_source: KeyPool
) -> None:
    name, url = own_database
    system = system_at(url, tmp_path / "var", key_source)
    try:
        idle_in_every_pool(system)
        assert _connections_to(name) == 3  # the register's, the PIN tries', the async units'
        system.close()
        assert _connections_to(name, once_it_is=0) == 0
        system.close()  # again: nothing to close, nothing raised
        assert _connections_to(name) == 0
        # Used again, it connects again; closed again, it holds nothing again.
        assert system.database_answers() == "postgresql"
        system.close()
        assert _connections_to(name, once_it_is=0) == 0
    finally:
        system.close()


def _backend_of(engine: Engine) -> int:
    """The server process of the connection ``engine``'s pool hands out (its idle one, if any)."""
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT pg_backend_pid()")))


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("given", "make"), [("engine", make_engine), ("tries_engine", make_tries_engine)]
)
def test_close_disposes_the_engines_it_made_and_leaves_a_given_one_open(
    given: str,
    make: Callable[[str], Engine],
    own_database: tuple[str, str],
    tmp_path: Path,
    key_source: KeyPool,
) -> None:
    name, url = own_database
    lent = make(url)
    system = system_at(url, tmp_path / "var", key_source, **{given: lent})
    try:
        assert getattr(system, given) is lent
        idle_in_every_pool(system)
        backend = _backend_of(lent)
        system.close()
        # The engine it made and the async units' are closed; the given engine's idle
        # connection is left, still in its pool and usable.
        assert _connections_to(name, once_it_is=1) == 1
        assert _backend_of(lent) == backend
    finally:
        system.close()
        lent.dispose()
    assert _connections_to(name, once_it_is=0) == 0


def _open_files_under(folder: Path) -> list[str]:
    """What this process holds open under ``folder`` (Linux's ``/proc/self/fd``)."""
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # the listing's own descriptor, closed since
            continue
        if target.startswith(f"{folder}/"):
            held.append(target)
    return held


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc")
def test_close_leaves_no_sqlite_file_open(
    tmp_path: Path, sqlite_template: Path, key_source: KeyPool, ca_template: Path
) -> None:
    for file in ("mynumber.sqlite3", "mynumber-chips.sqlite3"):  # the register's, the chips'
        shutil.copy(sqlite_template, tmp_path / file)
    shutil.copytree(ca_template, tmp_path / "var" / "ca")
    with system_at(f"sqlite:///{tmp_path / 'mynumber.sqlite3'}", tmp_path / "var", key_source) as (
        system
    ):
        idle_in_every_pool(system)
        held = _open_files_under(tmp_path)
        assert {Path(p).name for p in held} >= {"mynumber.sqlite3", "mynumber-chips.sqlite3"}
    assert _open_files_under(tmp_path) == []  # closed as the block ended
    system.close()  # again: nothing to close, nothing raised
    assert _open_files_under(tmp_path) == []


def test_a_failed_migration_leaves_no_connection_of_the_engines_it_made(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build_system`` makes its engines before it migrates (the look goes through them):
    where the migration fails, no system is returned to close them, so it disposes them."""
    made: list[Engine] = []

    def making(url: str, **options: Any) -> Engine:
        engine = make_engine(url, **options)
        made.append(engine)
        return engine

    def failing(url: str, *, engine: Engine) -> None:
        with engine.connect():  # the look at the schema, as ``migrate`` makes it
            pass
        raise RuntimeError("the migration failed")

    monkeypatch.setattr(bootstrap, "make_engine", making)
    monkeypatch.setattr(bootstrap, "migrate", failing)
    with pytest.raises(RuntimeError, match="the migration failed"):
        bootstrap.build_system(settings)
    assert len(made) == 2  # the register's and the PIN tries'
    assert [engine.pool.checkedin() for engine in made] == [0, 0]
