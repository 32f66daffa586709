"""Engines for SQLite (embedded default) and PostgreSQL (psycopg 3), and migrations.

Every engine hides bound parameters from its logs and errors (``hide_parameters``): with
SQLAlchemy's echo on, a parameter could be a My Number. A SQLite database file is the owner's
alone (0600), and so are its ``-wal`` and ``-shm`` (SQLite gives them the database file's mode).
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with the pragmas each backend needs; bound parameters never logged."""
    url = normalise_url(url)
    kwargs["hide_parameters"] = True
    if url.startswith("sqlite"):
        _owner_only_file(url)
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


OWNER_ONLY = 0o600
"""The mode of database and key files: read and write for the owner, nothing for others."""
_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _owner_only_file(url: str) -> None:
    """Make the SQLite file (empty: SQLite takes it as a new database) 0600 before SQLite
    opens it, and bring any file of it from before to 0600."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
    for suffix in _SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.exists() and companion.stat().st_uid == os.getuid():
            companion.chmod(OWNER_ONLY)  # another owner's file is theirs to set


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not pysqlite, issue BEGIN, so that we can make it IMMEDIATE.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


READ_ONLY = "mynumber_read_only"
"""Execution option of ``read_only(engine)``: the transaction only reads."""


def read_only(engine: Engine) -> Engine:
    """``engine`` for transactions that only read. On SQLite they begin DEFERRED: in WAL mode a
    reader takes no lock, so it neither waits for the writer nor makes the writer wait."""
    return engine.execution_options(**{READ_ONLY: True})


def _sqlite_begin_immediate(conn: Any) -> None:
    # Writers queue at BEGIN instead of failing on upgrade from a read lock.
    reads_only = conn.get_execution_options().get(READ_ONLY, False)
    conn.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


@functools.cache
def _scripts() -> ScriptDirectory:
    """The migration scripts: the package's own files, read once per process (each read
    loads every revision's module: ~10 ms, which a readiness probe paid every few seconds
    and every start of a command paid again)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


def pending_migrations(conn: Connection) -> list[str]:
    """The head revisions of the migration scripts that the database at ``conn`` has not
    reached (several heads are normal: each must be applied)."""
    script = _scripts()
    # Read alembic's own table rather than through a MigrationContext, which logs a line at
    # every call: a readiness probe asks every few seconds.
    applied: set[str] = set()
    if inspect(conn).has_table("alembic_version"):
        applied = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    reached: set[str] = set()
    for revision in applied:
        reached |= {r.revision for r in script.iterate_revisions(revision, "base")}
    return sorted(head for head in script.get_heads() if head not in reached)


def migrate(url: str, *, engine: Engine | None = None) -> None:
    """Bring the database at ``url`` to the newest schema. A database already there is only
    looked at: every command and server start migrates, and alembic's upgrade, even with
    nothing to apply, loads its environment and every revision again. ``engine``, an engine
    on ``url`` its caller keeps, is used for the look (and left open), rather than one made
    and disposed for it: a new connection reads the whole schema again (SQLite)."""
    looking = engine or make_engine(url)
    try:
        with looking.connect() as conn:
            if not pending_migrations(conn):
                return
    finally:
        if engine is None:
            looking.dispose()
    command.upgrade(alembic_config(url), "heads")
