"""Small ``bench enrol`` loads for the benchmark tests, made once and shared.

A load costs seconds of CPU whatever its size (the 16 card key pairs, the worker processes on
PostgreSQL, the indexes dropped and made again, ``VACUUM ANALYZE``), and most of the tests
that look at one only read it. So a module makes its load once per backend (``Loads``) in a
database of its own, and its tests read that one; a test that changes what it reads (a check
writes a visit and audit entries) gets a copy of its own (``SharedLoad.copy``). The cards'
key pairs are kept ones (``bench_keys``, ``tests/premade_keys.py``): the rules under test do
not depend on which pairs the cards hold.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from rich.console import Console
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from mynumber.adapters.db.engine import migrate
from mynumber.bench import enrol as bench_enrol
from mynumber.bench.enrol import Cards, drop_database, enrol
from mynumber.bootstrap import System
from mynumber.card.keys import KeyPool
from mynumber.config import Settings
from tests import premade_keys
from tests.conftest import (
    PG_ADMIN_URL,
    _seed,
    close_idle_connections,
    create_test_database,
    drop_detached,
    reset_postgres,
    system_at,
    worker_database_name,
)


def bench_keys() -> list[rsa.RSAPrivateKey]:
    """The ``POOL_KEYS`` key pairs every test load's cards share: kept ones
    (``tests/premade_keys.py``), not made by each worker (16 RSA-2048 generations, ~0.6 s of
    CPU)."""
    keys = premade_keys.take(premade_keys.BENCH)
    assert len(keys) == bench_enrol.POOL_KEYS
    return keys


@pytest.fixture
def keys_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """``bench enrol`` and ``bench eligibility`` run from the command line (which takes no
    keys) draw their cards' pairs from ``bench_keys``: the same kept pool."""
    monkeypatch.setattr(
        bench_enrol.KeyPool, "generate", classmethod(lambda cls, count: cls(bench_keys()[:count]))
    )


@dataclass
class SharedLoad:
    """A loaded database, its system (on the tests' clock, CA and master key), the kept
    cards and the bench clinic's token."""

    system: System
    cards: Cards
    token: str
    pg_name: str | None
    made_with: tuple[KeyPool, Path]
    """The tests' key source and CA (``key_source``, ``ca_template``)."""
    copies: list[tuple[System, str | None]] = field(default_factory=list)

    def copy(self, folder: Path) -> System:
        """A system over a copy of the load (its own database, data folder in ``folder``),
        for a test that writes: the shared load stays as it was loaded."""
        url = self.system.settings.resolved_database_url()
        self.system.close()  # no connection to the copied database (it reconnects when used)
        folder.mkdir(parents=True, exist_ok=True)
        if self.pg_name is None:
            path = Path(url.split("///", 1)[1])
            target = folder / path.name
            shutil.copy(path, target)
            chips = Path(self.system.settings.resolved_chip_database_url().split("///", 1)[1])
            shutil.copy(chips, folder / chips.name)
            copy_url, name = f"sqlite:///{target}", None
        else:
            name = worker_database_name("bench_copy", _worker())
            _clone(self.pg_name, name)
            copy_url = make_url(url).set(database=name).render_as_string(hide_password=False)
        system = _system(copy_url, folder / "var", *self.made_with)
        self.copies.append((system, name))
        return system

    def close(self) -> None:
        for system, name in [*self.copies, (self.system, self.pg_name)]:
            system.close()
            if name is not None:
                drop_later(name)


class Loads:
    """A module's loads, one per backend (of ``backends``), all made with the same ``enrol``
    arguments when the module's first test that asks for one starts (before any of its own
    fixtures: the PostgreSQL one is a copy of this worker's database, reset for it)."""

    def __init__(
        self,
        request: pytest.FixtureRequest,
        folder: Path,
        backends: tuple[str, ...] = ("sqlite", "postgresql"),
        **enrol_args: Any,
    ) -> None:
        self._made: dict[str, SharedLoad] = {}
        self._skipped: BaseException | None = None
        made_with = (request.getfixturevalue("key_source"), request.getfixturevalue("ca_template"))
        try:
            for backend in backends:
                if backend == "postgresql":
                    try:
                        pg_url = request.getfixturevalue("pg_url")
                    except pytest.skip.Exception as skipped:  # no server here: its tests skip
                        self._skipped = skipped
                        continue
                    name: str | None = worker_database_name("bench_load", _worker())
                    assert name is not None
                    url = copy_of_worker_database(pg_url, name)
                else:
                    name = None
                    url = _sqlite_copy(request, folder / backend)
                system = _system(url, folder / backend / "var", *made_with)
                try:
                    cards, token = enrol(
                        system, console=Console(quiet=True), keys=bench_keys(), **enrol_args
                    )
                except BaseException:
                    system.close()
                    if name is not None:
                        drop_database(PG_ADMIN_URL, name)
                    raise
                self._made[backend] = SharedLoad(system, cards, token, name, made_with)
        except BaseException:
            self.close()
            raise

    def get(self, backend: str) -> SharedLoad:
        if backend not in self._made and self._skipped is not None:
            raise self._skipped
        return self._made[backend]

    def close(self) -> None:
        for load in self._made.values():
            load.close()


def loads_fixture(
    request: pytest.FixtureRequest,
    backends: tuple[str, ...] = ("sqlite", "postgresql"),
    **enrol_args: Any,
) -> Iterator[Loads]:
    """The body of a module-scoped fixture: ``yield from loads_fixture(request, count=…)``."""
    folder = request.getfixturevalue("tmp_path_factory").mktemp("loads")
    loads = Loads(request, folder, backends, **enrol_args)
    try:
        yield loads
    finally:
        loads.close()


def _sqlite_copy(request: pytest.FixtureRequest, folder: Path) -> str:
    """A database file as ``db_url`` gives ``system`` one (the municipalities in), and the
    chips' file beside it."""
    folder.mkdir(parents=True)
    path = folder / "mynumber.sqlite3"
    shutil.copy(request.getfixturevalue("sqlite_seeded_template"), path)
    shutil.copy(request.getfixturevalue("sqlite_template"), folder / "mynumber-chips.sqlite3")
    return f"sqlite:///{path}"


def _system(url: str, data_dir: Path, key_source: KeyPool, ca_template: Path) -> System:
    shutil.copytree(ca_template, data_dir / "ca")
    return system_at(url, data_dir, key_source)


def drop_later(name: str) -> None:
    """The PostgreSQL database ``name`` dropped by a process of its own, not waited for
    (``drop_detached``): PostgreSQL makes every ``DROP DATABASE`` wait for a checkpoint (1-14 s
    of wall while the other worker's tests write). A test's database is dropped only once
    nothing uses it. Not in a thread of the worker, as it was: a drop still waiting when
    pytest-xdist ended the worker was lost with it, and the database left on the server (two
    in a fresh clone's run, 2026-12-07)."""
    drop_detached(name)


def set_aside(name: str) -> None:
    """The PostgreSQL database ``name``, where there is one, gone from that name at once (its
    connections ended, as ``drop_database`` ends them, and renamed) and dropped later
    (``drop_later``): for a stand-in of the benchmark's ``fresh_database``, which drops an
    earlier database of the name it is given and waits for the drop's checkpoint."""
    aside = worker_database_name("bench_aside", _worker())
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                return
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'ALTER DATABASE "{name}" RENAME TO "{aside}"'))
    finally:
        admin.dispose()
    drop_later(aside)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def migrated_sqlite_copy(template: Path, path: Path) -> str:
    """A SQLite database at ``path`` and its chip store where the service looks for it
    (``Settings.resolved_chip_database_url``), both copies of the migrated ``template``: a
    ``build_system`` on it runs no migration."""
    url = f"sqlite:///{path}"
    chips = Settings(database_url=url, chip_database_url="").resolved_chip_database_url()
    shutil.copy(template, path)
    shutil.copy(template, chips.split("///", 1)[1])
    return url


def migrated_postgres_copy(pg_url: str, prefix: str) -> tuple[str, str]:
    """A new database of its own on the test's server, named from ``prefix`` and this worker,
    a copy of the worker's migrated schema (no municipalities): its URL and its name."""
    name = worker_database_name(prefix, _worker())
    return copy_of_worker_database(pg_url, name, seeded=False), name


def copy_of_worker_database(pg_url: str, name: str, *, seeded: bool = True) -> str:
    """A new database holding what ``system`` starts from (migrated, with the municipalities
    in where ``seeded``): a copy of this worker's database reset to that, without running the
    migrations again (or, where another session holds that database open, migrated and seeded
    anew). No fixture of the calling test may be using this worker's database."""
    reset_postgres(pg_url, seeded=seeded)
    source = make_url(pg_url).database
    assert source is not None
    url = make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    try:
        _clone(source, name)
    except DBAPIError:  # "source database is being accessed by other users"
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            create_test_database(conn, name)
        admin.dispose()
        migrate(url)
        if seeded:
            _seed(url)
    return url


def _clone(source: str, name: str) -> None:
    """``CREATE DATABASE name TEMPLATE source``: PostgreSQL copies the files (nobody may be
    connected to the source meanwhile: this worker's idle connections to it are closed, the
    resets', the engines ``system`` lends between tests and the snapshots')."""
    close_idle_connections(source)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            create_test_database(conn, name, template=source)
    finally:
        admin.dispose()
