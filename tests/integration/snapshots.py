"""A world built once per worker and backend, given to each test as a copy of its own.

Issuing a card (register, apply, the daily jobs, collect) costs ~0.1 s of CPU in the test
process and more in PostgreSQL's, and the card modules issued the same card at the start of
most tests (~21 % of those modules' CPU). ``Snapshots.give`` builds it the first time on the
test's own fresh system, keeps the databases' whole state, and for each later test on the
same backend puts that state into the test's fresh, still unused system instead of building
it again:

- SQLite: each database file (the register's, the PIN tries') copied with SQLite's backup
  API, and copied back the same way into the test's files;
- PostgreSQL: every table's rows (``COPY … TO STDOUT``) and every sequence's value, put back
  over the test's freshly reset database in one transaction (triggers off for it, as the
  per-test reset does: ``session_replication_role = replica``).

The process's own objects are the test's, built as before (engines, services, caches: all
empty until the test uses them); the simulated clock is set to the snapshot's time (the post
office keeps no mail: its letters are rows), and the worker's key pool drawn on to where the
build left it. A world whose chips live in memory (the clinic's ``MemoryChipStore``, put on
the system's services by ``setup_world``) gets a copy of those chips on the test's services,
so a built value holds no ``Chip`` (bound to the store it was made over) but the serials the
test's fixture rebuilds its chips from. Each test gets its own copy, so what one writes no
other sees, in any order.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from mynumber.bootstrap import System
from mynumber.card import MemoryChipStore
from mynumber.card.keys import KeyPool
from mynumber.domain.clock import SimulatedClock
from tests.conftest import IDLE_ENGINES, START, delete_every_row, replica_sessions

T = TypeVar("T")


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    assert database, url
    return Path(database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """``source``'s pages into ``target`` (SQLite's backup API: a consistent copy of a database
    in use, its WAL included; into a database in use, whose other connections see the copied
    pages at their next transaction)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


@dataclass(frozen=True)
class _PostgresState:
    """Every ordinary table's rows (COPY text format: every type comes back as it was) and
    every sequence's value."""

    tables: dict[str, tuple[str, bytes]]  # table -> (its column list, its rows)
    sequences: list[tuple[str, int]]

    @classmethod
    def take(cls, engine: Engine) -> _PostgresState:
        with engine.connect() as conn:
            columns = conn.execute(
                text(
                    "SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum)"
                    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " JOIN pg_attribute a ON a.attrelid = c.oid"
                    " WHERE c.relkind = 'r' AND n.nspname = current_schema()"
                    " AND c.relname <> 'alembic_version' AND a.attnum > 0"
                    " AND NOT a.attisdropped AND a.attgenerated = ''"
                    " GROUP BY c.relname ORDER BY c.relname"
                )
            ).all()
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            tables: dict[str, tuple[str, bytes]] = {}
            for table, names in columns:
                with cursor.copy(f'COPY "{table}" ({names}) TO STDOUT') as copy:
                    rows = b"".join(bytes(block) for block in copy)
                tables[table] = (names, rows)
            sequences = [
                (f'"{schema}"."{name}"', int(value))
                for schema, name, value in conn.execute(
                    text(
                        "SELECT schemaname, sequencename, last_value FROM pg_sequences "
                        "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                    )
                )
            ]
            conn.rollback()
        return cls(tables, sequences)

    def restore(self, engine: Engine) -> None:
        with engine.begin() as conn:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            delete_every_row(conn, list(self.tables))
            cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            for table, (names, rows) in self.tables.items():
                if rows:
                    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                        copy.write(rows)
            conn.execute(
                text(
                    "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename),"
                    " start_value, false) FROM pg_sequences "
                    "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                )
            )
            for sequence, value in self.sequences:
                conn.execute(
                    text("SELECT setval(CAST(:s AS regclass), :v, true)"),
                    {"s": sequence, "v": value},
                )


@dataclass(frozen=True)
class _Snapshot(Generic[T]):
    value: T
    now: dt.datetime
    next_key: int | None  # the modulus of the pool's key after those the world's cards hold
    sqlite_files: dict[str, Path]  # the database's role -> the kept copy
    postgres: _PostgresState | None
    chips: MemoryChipStore | None  # the chips, where the world keeps them in memory


def _modulus(key: rsa.RSAPrivateKey) -> int:
    return key.public_key().public_numbers().n


def _pool_after(system: System, next_key: int | None) -> None:
    """The tests' key pool (``key_source``: one per worker, handed out in turn) drawn on until
    its last key was the one after those the snapshot's cards hold, as if the cards had just
    been made from it: a key made next (a renewal's, another card's) differs from theirs."""
    pool = system.services.key_source
    if next_key is None or not isinstance(pool, KeyPool):
        return
    for _ in range(len(pool)):
        if _modulus(pool.new_key()) == next_key:
            return
    raise AssertionError("the snapshot was made from another key pool")


def _database_urls(system: System) -> dict[str, str]:
    settings = system.settings
    return {
        "register": settings.resolved_database_url(),
        "tries": settings.resolved_chip_database_url(),
    }


class Snapshots:
    """This worker's built worlds, by backend and name (see the module's docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._kept: dict[tuple[str, str, str], _Snapshot[Any]] = {}
        self._engines: dict[str, Engine] = {}

    def give(self, system: System, build: Callable[..., T], **arguments: Any) -> T:
        """``build(system, **arguments)``'s result, with ``system`` (fresh and unused, from the
        ``system`` fixture) in the state ``build`` leaves it: built on the first call for this
        backend, builder and arguments, copied in on the next ones. ``build`` depends on
        nothing but them (the fixtures' master key, clock and seeded database)."""
        clock = system.services.clock
        assert isinstance(clock, SimulatedClock) and clock.now() == START, "not a fresh system"
        with system.engine.connect() as conn:  # nothing done on it yet (every act is audited)
            assert conn.scalar(text("SELECT count(*) FROM audit_log")) == 0, "not a fresh system"
        backend = system.engine.dialect.name
        if backend not in ("sqlite", "postgresql"):
            return build(system, **arguments)
        name = f"{build.__module__}.{build.__qualname__}"
        key = (backend, name, repr(sorted(arguments.items())))
        kept = self._kept.get(key)
        if kept is None:
            value = build(system, **arguments)
            self._kept[key] = self._take(system, backend, len(self._kept), value)
            return value
        self._restore(system, kept)
        if kept.chips is not None:
            system.services.chips = kept.chips.copy()
        clock.set(kept.now)
        _pool_after(system, kept.next_key)
        return kept.value  # type: ignore[no-any-return]

    def _take(self, system: System, backend: str, number: int, value: T) -> _Snapshot[T]:
        now = system.services.clock.now()
        pool = system.services.key_source
        next_key = _modulus(pool.new_key()) if isinstance(pool, KeyPool) else None
        chips = system.services.chips
        memory = chips.copy() if isinstance(chips, MemoryChipStore) else None
        if backend == "postgresql":
            state = _PostgresState.take(self._engine(system.settings.resolved_database_url()))
            return _Snapshot(value, now, next_key, {}, state, memory)
        files: dict[str, Path] = {}
        for role, url in _database_urls(system).items():
            kept = self.directory / f"{number}-{role}.sqlite3"
            _sqlite_copy(_sqlite_path(url), kept)
            files[role] = kept
        return _Snapshot(value, now, next_key, files, None, memory)

    def _restore(self, system: System, kept: _Snapshot[Any]) -> None:
        if kept.postgres is not None:
            kept.postgres.restore(self._engine(system.settings.resolved_database_url()))
            return
        for role, url in _database_urls(system).items():
            _sqlite_copy(kept.sqlite_files[role], _sqlite_path(url))

    def _engine(self, url: str) -> Engine:
        if url not in self._engines:
            self._engines[url] = create_engine(url, pool_size=1)
            replica_sessions(self._engines[url])
            IDLE_ENGINES.append(self._engines[url])
        return self._engines[url]

    def close(self) -> None:
        for engine in self._engines.values():
            IDLE_ENGINES.remove(engine)
            engine.dispose()
