"""Shared fixtures: a fresh database on each backend, a simulated clock, callers.

Database tests run on SQLite and on PostgreSQL (127.0.0.1:5432, database ``test``, trust
auth). When PostgreSQL is unreachable the PostgreSQL cases skip locally and fail in CI.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import fnmatch
import functools
import gc
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import hypothesis
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import Connection, Engine, create_engine, make_url, text

from mynumber.adapters.db.engine import make_engine, migrate
from mynumber.adapters.mail import PostOffice
from mynumber.bootstrap import System, build_system, make_tries_engine
from mynumber.card import Chip, ChipStore, MemoryChipStore, pins
from mynumber.card.keys import KeyPool
from mynumber.config import Settings
from mynumber.domain.access import Role
from mynumber.domain.clock import JST, SimulatedClock
from mynumber.services.core.context import Caller
from tests import premade_keys
from tests.client import close_kept_portals
from tests.work_units import UnitScheduling, xdist_scope

# No per-example deadline: a property's rule does not depend on how fast a loaded machine
# runs it, and timing targets belong in the benchmarks (a 200 ms deadline failed on a
# machine shared by several test runs).
hypothesis.settings.register_profile("project", deadline=None)
hypothesis.settings.load_profile("project")

# At exit, the interpreter's finalisation runs full garbage collections over the whole heap
# (~380,000 objects after collecting the suite: ~1.2 s of CPU in each pytest process, the
# controller and every worker, measured with ``pytest --co``). Frozen, the heap is not
# traversed again; it is all freed with the process. Registered here, it runs after
# pytest's own end (its unraisable-exception check collects the garbage first, unchanged)
# and after the handlers registered later.
atexit.register(gc.freeze)

TEST_MASTER_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
PG_ADMIN_URL = os.environ.get(
    "MYNUMBER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
START = dt.datetime(2026, 4, 1, 9, 0, tzinfo=JST)


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def migrated_data_dir(sqlite_template: Path) -> Callable[[Path], Path]:
    """Puts into a data directory (``MYNUMBER_DATA_DIR``) the product's two embedded
    databases, under the names ``Settings`` gives them (the register's and the chips'), as
    copies of this worker's migrated ``sqlite_template``; returns the directory. A command or
    server started on it finds them at the head and only looks (``migrate``): on a new
    directory it ran every migration on both files, ~0.3-0.4 s of CPU a test. For the tests of
    what a command does; what the migrations do is ``test_migrations``', and the first command
    on a new data directory is ``test_cli``'s."""

    def fill(folder: Path) -> Path:
        settings = Settings(data_dir=folder, database_url="", chip_database_url="")
        folder.mkdir(parents=True, exist_ok=True)
        for url in (settings.resolved_database_url(), settings.resolved_chip_database_url()):
            path = make_url(url).database
            assert path is not None
            shutil.copy(sqlite_template, path)
        return folder

    return fill


def _seed(url: str) -> None:
    """The municipalities that ``system`` gives every test (``seed_municipalities``)."""
    from sqlalchemy.orm import Session

    from mynumber.demo.data import seed_municipalities

    engine = create_engine(url)
    with Session(engine) as session:
        seed_municipalities(session)
        session.commit()
    if url.startswith("sqlite"):
        with engine.connect() as conn:  # everything into the file itself, to be copied alone
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_seeded_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """``sqlite_template`` with the municipalities in, for the tests that use ``system``."""
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite3"
    shutil.copy(sqlite_template, path)
    _seed(f"sqlite:///{path}")
    return path


_PRESEEDED: set[str] = set()
"""Database URLs that ``db_url`` just made ready with the municipalities (a copy of the seeded
template, a reset to the seeded baseline), for the ``system`` of the same test: seeding them
once per worker rather than once per test saves ~15 ms of CPU a test (nine lookups, nine
inserts and a commit), ~1,700 tests. ``system`` takes its URL out again (one test only)."""


def worker_database_name(base: str, worker: str) -> str:
    """``<base>_<worker>_<random>``: one database per pytest-xdist worker (``gw0``, ``gw1``…;
    ``main`` without xdist). The random tail keeps two runs on the same base apart (an
    engineer's ``make test`` beside a single test), as each drops its own at the end."""
    return f"{base}_{worker}_{uuid.uuid4().hex[:6]}"


def create_test_database(conn: Connection, name: str, *, template: str | None = None) -> None:
    """``CREATE DATABASE name`` (a copy of ``template``, where given) for a test's throw-away
    data, with ``synchronous_commit = off``: a commit returns without waiting for its WAL to
    reach the disk (an fdatasync a commit, thousands of commits a run). A crash of the server
    could lose the last commits (never corrupt the rest); nothing measures durability against
    one: no test stops or kills this server (those that stop servers run their own instances,
    ``postgres_instances.py``, with fsync off). The setting is the database's own, so every
    connection to it gets it, the product's pools included; ``CREATE DATABASE … TEMPLATE``
    does not copy it, hence set here in both cases. Product code (``src/``) creates its
    databases without it."""
    suffix = f' TEMPLATE "{template}"' if template is not None else ""
    conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """This worker's own database, migrated once, dropped at the end of the session."""
    if not _pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 and CI=true")
        pytest.skip("PostgreSQL not reachable")
    server, base = PG_ADMIN_URL.rsplit("/", 1)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = worker_database_name(base.split("?", 1)[0], worker)
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        create_test_database(conn, name)
    url = f"{server}/{name}"
    migrate(url)
    _BASELINES[url] = _Baseline.take(url)
    _seed(url)
    _SEEDED_BASELINES[url] = _Baseline.take(url, _BASELINES[url].engine)
    _BASELINES[url].restore()
    yield url
    _SEEDED_BASELINES.pop(url)
    _BASELINES.pop(url).engine.dispose()
    admin.dispose()
    drop_detached(name)


_DROP = """
import sys, time
import psycopg
from psycopg import sql

conninfo, name, log = sys.argv[1:]
for attempt in range(5):
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        break
    except Exception as error:
        with open(log, "a") as out:
            print(f"{time.strftime('%FT%T')} DROP DATABASE {name}: {error!r}", file=out)
        time.sleep(2 * (attempt + 1))
"""


def drop_detached(name: str) -> None:
    """``DROP DATABASE name WITH (FORCE)`` on ``PG_ADMIN_URL``'s server, in a process of its
    own that outlives this one (a session of its own, no descriptor of ours), not waited for.

    PostgreSQL makes every ``DROP DATABASE`` wait for a checkpoint (every dirty page of the
    server written and synced: 5-6 s of wall at the end of a whole run, 1-14 s under load),
    with nothing left for the worker to do; pytest-xdist's controller waits for its workers'
    processes to exit, so a drop in a thread of the worker (as ``bench_support.drop_later``
    once was) would still hold the run's end, and one slower than the controller's 10 s would
    be killed with the worker, leaving the database behind. The detached process finishes the
    drop after pytest has ended; ``WITH (FORCE)`` ends any connection still open to the
    database, and a failed attempt is retried (five in all), each failure written to
    ``<tmp>/mynumber-test-drops.log``."""
    conninfo = make_url(PG_ADMIN_URL).set(drivername="postgresql")
    log = Path(tempfile.gettempdir()) / "mynumber-test-drops.log"
    drop = subprocess.Popen(
        [
            sys.executable,
            "-c",
            _DROP,
            conninfo.render_as_string(hide_password=False),
            name,
            str(log),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    _DETACHED.append(drop)  # not waited for; kept so that no warning says it still runs


_DETACHED: list[subprocess.Popen[bytes]] = []


@dataclass
class _Baseline:
    """What the migrations leave in a database (seed rows, sequences), to go back to.

    ``TRUNCATE`` of every table costs ~0.5 s a test on this machine (it makes new files for
    each table and index); deleting the rows of the tables that hold any costs ~1.5 ms of the
    backend (``delete_every_row``). The triggers (the audit log's append-only one, the foreign
    keys) are off for the reset's own connection (``session_replication_role = replica``, a
    superuser's setting: CI and the local test URL connect as ``postgres``;
    ``replica_sessions``); without that right the reset falls back to ``TRUNCATE``.
    """

    engine: Engine
    tables: list[str]
    leaves: list[str]
    """The tables that hold rows: ``tables`` but the partitioned ones (their partitions are
    among these)."""
    seeds: dict[str, list[dict[str, Any]]]
    sequences: dict[str, tuple[int, bool]]
    superuser: bool

    @classmethod
    def take(cls, url: str, engine: Engine | None = None) -> _Baseline:
        engine = engine or create_engine(url, pool_size=1)
        with engine.connect() as conn:
            tables = list(
                conn.scalars(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                        "AND tablename <> 'alembic_version' ORDER BY tablename"
                    )
                )
            )
            leaves = list(
                conn.scalars(
                    text(
                        "SELECT relname FROM pg_class WHERE relkind = 'r' "
                        "AND relnamespace = current_schema()::regnamespace "
                        "AND relname <> 'alembic_version' ORDER BY relname"
                    )
                )
            )
            seeds: dict[str, list[dict[str, Any]]] = {}
            for table in tables:
                rows = [
                    dict(row) for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings()
                ]
                if rows:
                    seeds[table] = rows
            sequences = {
                f'"{schema}"."{name}"': (value, True)
                for schema, name, value in conn.execute(
                    text(
                        "SELECT schemaname, sequencename, last_value FROM pg_sequences "
                        "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                    )
                )
            }
            superuser = bool(
                conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
            )
        if superuser and replica_sessions(engine):
            engine.pool.dispose()  # the connection above, made before the setting
        return cls(engine, tables, leaves, seeds, sequences, superuser)

    def restore(self) -> None:
        quoted = [f'"{t}"' for t in self.tables]
        with self.engine.begin() as conn:
            if self.superuser:
                conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
                delete_every_row(conn, self.leaves)
                # Every sequence that handed out a value back to its start, in one statement.
                conn.execute(
                    text(
                        "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename),"
                        " start_value, false) FROM pg_sequences "
                        "WHERE schemaname = current_schema() AND last_value IS NOT NULL"
                    )
                )
            else:
                # The audit log refuses TRUNCATE (migration 0010); its owner may lift that.
                conn.exec_driver_sql(
                    "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_truncate; "
                    f"TRUNCATE {', '.join(quoted)} RESTART IDENTITY CASCADE; "
                    "ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_truncate"
                )
            for sequence, (value, called) in self.sequences.items():  # used by the migrations
                conn.execute(
                    text("SELECT setval(CAST(:s AS regclass), :v, :c)"),
                    {"s": sequence, "v": value, "c": called},
                )
            for table, rows in self.seeds.items():  # each table's rows in one statement
                names = ", ".join(f'"{column}"' for column in rows[0])
                values = ", ".join(
                    "(" + ", ".join(f":{column}_{i}" for column in row) + ")"
                    for i, row in enumerate(rows)
                )
                conn.execute(
                    text(f'INSERT INTO "{table}" ({names}) VALUES {values}'),
                    {f"{column}_{i}": v for i, row in enumerate(rows) for column, v in row.items()},
                )


def _replica_session(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("SET session_replication_role = replica")
    dbapi_connection.commit()


def replica_sessions(engine: Engine) -> bool:
    """Each new connection of ``engine`` (a reset's own: a superuser's) with the triggers off
    for its whole session (``session_replication_role = replica``), not only for each reset's
    transaction (``SET LOCAL``, still run as a guard): PostgreSQL drops every cached plan of
    the backend each time that setting changes value, so the reset's statements, prepared by
    psycopg, were planned again at every reset (~2.6 ms of the backend for the ``EXISTS``
    query of ``delete_every_row`` alone). False where ``engine`` had it already."""
    from sqlalchemy import event

    if event.contains(engine, "connect", _replica_session):
        return False
    event.listen(engine, "connect", _replica_session)
    return True


def delete_every_row(conn: Connection, tables: list[str]) -> None:
    """``DELETE FROM`` each of ``tables`` (ordinary tables, not partitioned ones) that holds a
    row, in the connection's transaction: one query finds them (``EXISTS``, ~5 µs a table on
    the server) and only those are deleted from — a ``DELETE`` costs ~22 µs of the backend even
    on an empty table, and a test writes a few of the ~130. The caller turns the triggers off
    (``session_replication_role = replica``) where it must."""
    found = conn.exec_driver_sql(_non_empty(tuple(tables))).scalar()
    written = [t for t in found or () if t is not None]
    if written:
        conn.exec_driver_sql(" ".join(f'DELETE FROM "{t}";' for t in written))


@functools.cache
def _non_empty(tables: tuple[str, ...]) -> str:
    """The query naming which of ``tables`` hold a row (made once for each list)."""
    return (
        "SELECT ARRAY["
        + ", ".join(f"CASE WHEN EXISTS (SELECT FROM \"{t}\") THEN '{t}' END" for t in tables)
        + "]::text[]"
    )


_BASELINES: dict[str, _Baseline] = {}
_SEEDED_BASELINES: dict[str, _Baseline] = {}
"""The same, taken after seeding the municipalities (``_seed``): what ``system`` starts from."""


def reset_postgres(url: str, *, seeded: bool = False) -> None:
    """Empty the database at ``url`` (a ``pg_url``) back to its freshly migrated state (with
    the municipalities in, where ``seeded``)."""
    (_SEEDED_BASELINES if seeded else _BASELINES)[url].restore()


MODULE_COSTS = Path(__file__).with_name("module_costs.txt")
"""Each unit of work's seconds in a whole run (``<seconds> <scope>``), heaviest first: the
order in which pytest-xdist hands them out (see ``pytest_collection_modifyitems``)."""


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadscope``, the units of ``tests/work_units.py``: a module or a class,
    and all the browser tests as one (their Chromium launched once, not once per module a
    worker went back to them from another)."""
    if config.getvalue("dist") != "loadscope":
        return None
    return UnitScheduling(config, log)


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist's ``--dist loadscope`` hands out the modules by their number of tests,
    # largest first, unless told not to: the modules of a few long tests (the multi-server
    # and integrators' runs, the rows-after-500 worlds) came last, and one worker idled while
    # the other finished them. The order is ours (below).
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def _test_files(config: pytest.Config) -> list[Path]:
    """The test modules this session collects (``python_files`` under its arguments), sorted."""
    patterns = config.getini("python_files")
    found: set[Path] = set()
    for arg in config.args:
        path = Path(config.invocation_params.dir, arg.split("::", 1)[0])
        candidates = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        found.update(
            candidate
            for candidate in candidates
            if candidate.suffix == ".py"
            and any(fnmatch.fnmatch(candidate.name, pattern) for pattern in patterns)
        )
    return sorted(found)


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session) -> Iterator[None]:
    """The collection with the garbage collector paused, then one full collection.

    Collecting imports the ~190 test modules and makes ~3,200 items; where the cache is empty
    (a fresh clone) it also rewrites each module's asserts, whose syntax trees are millions of
    short-lived objects. Every so often the collector's oldest generation was walked in full,
    a heap of 250,000–380,000 objects (the project's modules, the items) at ~0.17 s a pass:
    6 passes warm (~0.65 s of CPU), 19 cold (~3.3 s), counted with ``gc.callbacks`` in one
    ``pytest --co``. Paused, nothing is walked until the collection ends, and one
    ``gc.collect()`` then frees what it left in cycles (~130,000 objects) and leaves the heap
    where the collector would have (everything alive in the oldest generation). Reference
    counting frees all the rest as before; the tests run with the collector as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        _rewrite_ahead(session)
        return (yield)
    finally:
        if was_enabled:
            gc.collect()
            gc.enable()


def _rewrite_ahead(session: pytest.Session) -> None:
    """In every pytest-xdist worker but the first: the test modules' rewritten code (pytest's
    assertion rewriting, cached as ``__pycache__/*-pytest-*.pyc``) written before it collects,
    starting from a different module in each worker.

    The workers collect every module, in the same order, at about the same pace: where the
    cache is empty (a fresh clone) each rewrote and compiled all ~190 modules itself. The
    first worker collects from the first module; worker ``k`` of ``n`` first goes through
    the modules from the ``k``-th ``n``-th of the list on (and round to the start), writing
    those not yet cached; so each part of the list is rewritten by one worker at about the
    same time, and each worker's collection reads the others' cached files. (With two
    workers the second started from the last module backwards; with three, the third
    repeated the first's work.) Where the cache is there this reads each module's header
    and source hash and rewrites nothing. The files are pytest's own, made by its own
    functions (``_rewrite_test``, ``_write_pyc``: the same atomic write it uses when two
    processes rewrite at once); what is collected and run is unchanged. Nothing is written
    where pytest would not write (``PYTHONDONTWRITEBYTECODE``)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or worker == "gw0" or sys.dont_write_bytecode:
        return
    if session.config.getoption("assertmode") != "rewrite":
        return
    from _pytest.assertion import rewrite

    state = session.config.stash[rewrite.assertstate_key]
    modules = _test_files(session.config)
    count = max(int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "2")), 2)
    start = len(modules) * (int(worker[2:]) % count) // count
    for module in modules[start:] + modules[:start]:
        cache = rewrite.get_cache_dir(module)
        pyc = cache / (module.name[:-3] + rewrite.PYC_TAIL)
        if rewrite._read_pyc(module, pyc) is not None or not rewrite.try_makedirs(cache):
            continue
        try:
            source_hash, code = rewrite._rewrite_test(module, session.config)
        except SyntaxError:
            continue  # reported by the collection itself, as without this
        rewrite._write_pyc(state, code, source_hash, pyc)


def _module_costs() -> dict[str, float]:
    costs: dict[str, float] = {}
    for line in MODULE_COSTS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            seconds, scope = line.split(maxsplit=1)
            costs[scope.strip()] = float(seconds)
    return costs


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist, the units of work (modules, and the classes of a module that has
    them) longest first (longest processing time first: the last unit handed out is a short
    one, so the workers finish together). A unit's cost is its seconds in
    ``tests/module_costs.txt``, or, for one not listed there (a new module), its number of
    tests times the median seconds a test. Each unit's tests keep their order; a plain
    ``pytest`` keeps the files' order."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return
    costs = _module_costs()
    scopes: dict[str, list[pytest.Item]] = {}
    for item in items:
        scopes.setdefault(xdist_scope(item.nodeid), []).append(item)
    per_test = _PER_TEST_SECONDS

    def cost(scope: str) -> float:
        return costs.get(scope, len(scopes[scope]) * per_test)

    # sorted() is stable: equal costs keep the files' order, identical on every worker.
    order = sorted(scopes, key=lambda scope: -cost(scope))
    items[:] = [item for scope in order for item in scopes[scope]]


_PER_TEST_SECONDS = 0.35
"""A test's seconds, for a module not in ``module_costs.txt`` (the median test of the run that
made it)."""


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """After the test's fixtures are torn down: the portals its clients kept for requests
    outside ``with`` (``tests/client.py``) end with it."""
    try:
        return (yield)
    finally:
        close_kept_portals()


@pytest.hookimpl(tryfirst=True)  # before pytest applies db_url's own two params
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``@pytest.mark.sqlite_only``: the test runs on SQLite only (the database plays no part
    in what it checks: a page's text, a check digit, a body that fails to parse). With
    ``writes_nothing=True`` its call phase is also held to writing nothing
    (``pytest_runtest_call`` below)."""
    if "db_url" in metafunc.fixturenames and metafunc.definition.get_closest_marker("sqlite_only"):
        metafunc.definition.add_marker(pytest.mark.parametrize("db_url", ["sqlite"], indirect=True))


_READS = frozenset({"SELECT", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"})
"""Statements that write no row: a query, and the transactions' own (on SQLite the app sends
``BEGIN`` or ``BEGIN IMMEDIATE``, which takes the write lock and writes nothing)."""


@contextlib.contextmanager
def statements_written() -> Iterator[list[str]]:
    """Every SQL statement but a query or a transaction's begin and end (``_READS``), executed
    by any engine (any thread: the app's own, a ``TestClient``'s) while the block runs, in the
    list it gives."""
    from sqlalchemy import event

    written: list[str] = []

    def executed(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if statement.lstrip().split(None, 1)[0].upper() not in _READS:
            written.append(statement)

    event.listen(Engine, "before_cursor_execute", executed)
    try:
        yield written
    finally:
        event.remove(Engine, "before_cursor_execute", executed)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """``@pytest.mark.sqlite_only(writes_nothing=True)``: SQLite only *because* the request is
    answered before anything is written (a body refused by its rules, after the caller's token
    is read), so the test fails if its call phase (the fixtures' set-up not included) executes
    anything but queries (``statements_written``): the day it writes, the reason it runs on one
    database is gone, and it must go back to both."""
    marker = item.get_closest_marker("sqlite_only")
    if marker is None or not marker.kwargs.get("writes_nothing"):
        return (yield)
    with statements_written() as written:
        result = yield
    if written:
        pytest.fail(
            "a sqlite_only(writes_nothing=True) test wrote: "
            + "; ".join(" ".join(s.split())[:120] for s in written[:5])
        )
    return result


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated database on each backend. Where the test uses ``system`` (which
    seeds the municipalities), they are in already (``_PRESEEDED``)."""
    seeded = "system" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "mynumber.sqlite3"
        template = request.getfixturevalue("sqlite_seeded_template") if seeded else sqlite_template
        shutil.copy(template, path)
        shutil.copy(sqlite_template, tmp_path / "mynumber-chips.sqlite3")
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_url")
        reset_postgres(url, seeded=seeded)
    _PRESEEDED.discard(url)
    if seeded:
        _PRESEEDED.add(url)
    return url


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def post() -> PostOffice:
    return PostOffice()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return settings_for(db_url, tmp_path / "var")


_SETTINGS_READ: dict[tuple[tuple[str, str], ...], Settings] = {}
"""``Settings`` read once for each set of ``MYNUMBER_*`` variables in the environment."""


def settings_for(database_url: str, data_dir: Path) -> Settings:
    """``Settings(database_url=…, data_dir=…, master_key=TEST_MASTER_KEY)``, the rest from the
    environment as that call reads it. pydantic-settings reads and validates every field's
    variable on each construction (~0.5 ms of CPU, ~1,800 tests); here the environment is read
    once for each set of ``MYNUMBER_*`` variables (names in any case, as it reads them) and
    the two fields given are set on a copy, with the types that validation gives them."""
    environment = tuple(
        sorted(
            (name, value)
            for name, value in os.environ.items()
            if name.upper().startswith("MYNUMBER_")
        )
    )
    read = _SETTINGS_READ.get(environment)
    if read is None:
        read = _SETTINGS_READ[environment] = Settings(
            database_url="", data_dir=Path("var"), master_key=TEST_MASTER_KEY
        )
    return read.model_copy(update={"database_url": str(database_url), "data_dir": Path(data_dir)})


@pytest.fixture(scope="session")
def key_source() -> KeyPool:
    """Card key pairs from a pool (an RSA-2048 pair costs ~40 ms; the product makes fresh ones),
    of keys made once and kept (``tests/premade_keys.py``)."""
    return KeyPool(premade_keys.take(premade_keys.KEY_SOURCE))


@pytest.fixture(scope="session")
def ca_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The card centre's CA made once per test session, copied into each test's data dir."""
    from mynumber.adapters.keys import KeyRing
    from mynumber.pki.ca import CertificateAuthority

    directory = tmp_path_factory.mktemp("ca") / "ca"
    keys = KeyRing.from_master(bytes.fromhex(TEST_MASTER_KEY))
    CertificateAuthority.load_or_create(
        directory,
        keys.ca_passphrase,
        now=START - dt.timedelta(days=365),
        base_url="http://127.0.0.1:8000/jpki",
    )
    _CA_TEMPLATE.update({name: (directory / name).read_bytes() for name in _CA_FILES})
    return directory


_CA_FILES = ("root-key.pem", "root-cert.pem", "issuing-key.pem", "issuing-cert.pem")
_CA_TEMPLATE: dict[str, bytes] = {}
"""The files of ``ca_template`` once it is made (this worker's suite-wide CA)."""


@pytest.fixture(scope="session", autouse=True)
def ca_decrypted_once() -> Iterator[None]:
    """The suite's CA (``ca_template``, copied into each test's data dir) is decrypted once
    per worker, not once per test: opening its two encrypted keys costs ~130 ms of CPU, and
    several hundred tests reach ``Services.ca``. Only a directory whose four files are
    byte for byte the template's, under the same passphrase and base URL, gets the CA loaded
    before; the result is an immutable value (a frozen dataclass), so nothing is shared that
    a test could change. Any other directory — the PKI unit tests' own, a forger's, a damaged
    or missing file, another passphrase — goes through the real load."""
    from mynumber.pki.ca import DEFAULT_BASE_URL, CertificateAuthority

    real = CertificateAuthority.load_or_create
    loaded: dict[tuple[bytes, str], CertificateAuthority] = {}

    def _is_template(directory: Path) -> bool:
        if not _CA_TEMPLATE:
            return False
        try:
            return all(
                (directory / name).read_bytes() == data for name, data in _CA_TEMPLATE.items()
            )
        except OSError:
            return False

    def load_or_create(
        cls: type[CertificateAuthority],
        directory: Path,
        passphrase: bytes,
        *,
        now: dt.datetime,
        base_url: str = DEFAULT_BASE_URL,
    ) -> CertificateAuthority:
        if not _is_template(Path(directory)):
            return real(directory, passphrase, now=now, base_url=base_url)
        key = (passphrase, base_url)
        if key not in loaded:
            loaded[key] = real(directory, passphrase, now=now, base_url=base_url)
        return loaded[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(CertificateAuthority, "load_or_create", classmethod(load_or_create))
        yield


@pytest.fixture(scope="session", autouse=True)
def faces_detected_once() -> Iterator[None]:
    """OpenCV's face detection (~0.1 s of CPU an image) runs once per worker for each distinct
    image: the suite shows the same few photos hundreds of times (every card application
    checks its photo, every clinic visit the camera's). Keyed by the exact pixels, shape and
    size limit — the detector is a pure function of those — and the boxes are immutable, so
    an answer given again is the answer the detector would give again. A new image, however
    slightly different, is detected afresh (the photo and face tests' own images are)."""
    import hashlib

    from mynumber.adapters import face, photo
    from mynumber.domain.photo_rules import FaceBox

    real = photo.detect_faces
    found: dict[tuple[bytes, str, tuple[int, ...], float], tuple[FaceBox, ...]] = {}

    def detect_faces(
        grey: photo.Grey, min_ratio: float = photo.rules.IGNORED_FACE_RATIO
    ) -> list[FaceBox]:
        key = (hashlib.blake2b(grey.tobytes()).digest(), grey.dtype.str, grey.shape, min_ratio)
        if key not in found:
            found[key] = tuple(real(grey, min_ratio))
        return list(found[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(photo, "detect_faces", detect_faces)
        patch.setattr(face, "detect_faces", detect_faces)
        yield


@pytest.fixture(scope="session", autouse=True)
def cli_commands_built_once() -> Iterator[None]:
    """Typer's ``CliRunner.invoke`` builds the click command tree from the Typer app on every
    call (``typer.main.get_command``: each command's signature and type hints read, its
    parameters made): ~50 ms of CPU for ``mynumber``'s CLI, and the suite invokes it ~250
    times in-process. The product's CLI builds it once per process, as here: once per worker
    for each app, given again while the app's registered commands, groups and callback are
    the same objects (a test that registers another command gets a new tree). Click makes a
    new context for every invocation; the commands call the same callbacks either way."""
    from typer import testing

    real = testing._get_command
    built: dict[int, tuple[Any, tuple[int, ...], Any]] = {}
    """By the app's id: the app (held, so its id stays its own), its shape, its tree."""

    def shape(app: Any) -> tuple[int, ...]:
        return (
            id(app),
            id(app.registered_callback),
            *(id(command) for command in app.registered_commands),
            *(part for group in app.registered_groups for part in shape(group.typer_instance)),
        )

    def get_command(app: Any) -> Any:
        key = shape(app)
        kept = built.get(id(app))
        if kept is None or kept[0] is not app or kept[1] != key:
            kept = built[id(app)] = (app, key, real(app))
        return kept[2]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(testing, "_get_command", get_command)
        yield


@pytest.fixture(scope="session", autouse=True)
def routes_built_once() -> Iterator[None]:
    """FastAPI (0.16x) builds an included route — its dependencies' signatures, pydantic
    adapters for every parameter and response — lazily, per app, on the first request that
    walks past it: 0.2–0.4 s of CPU for each app a test makes (~1,500 tests make one; the
    product makes one app per process). The built route is a function of the route and of
    how it was included (prefix, tags, responses, the app's operationId function…), so it is
    built once per worker for each such pair and given to every later app of the same shape.
    One thing of the including app goes into it, its ``dependency_overrides`` (the routes
    answer to the first app's): no test overrides a dependency; one that needs to must not
    reuse this. Without FastAPI's private hook (another version) the apps build as before."""
    from dataclasses import fields, replace

    from fastapi import routing

    effective = getattr(routing, "_EffectiveRouteContext", None)
    if effective is None or not hasattr(effective, "from_api_route"):
        yield
        return
    real = effective.from_api_route
    built: dict[int, list[tuple[Any, Any, Any]]] = {}
    shape = [f.name for f in fields(routing._RouterIncludeContext)]
    assert "dependency_overrides_provider" in shape, shape

    def from_api_route(cls: type, *, original_route: Any, include_context: Any) -> Any:
        key = replace(include_context, dependency_overrides_provider=None)
        same = built.setdefault(id(original_route), [])
        for route, context_key, context in same:
            if route is original_route and context_key == key:
                return context
        context = real(original_route=original_route, include_context=include_context)
        same.append((original_route, key, context))
        return context

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(effective, "from_api_route", classmethod(from_api_route))
        yield


@pytest.fixture(scope="session", autouse=True)
def templates_compiled_once(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The page templates' compiled code shared by this run's test processes (Jinja2's own
    ``FileSystemBytecodeCache``): each worker compiled the ~50 templates again, ~0.45 s of
    CPU. The folder is the run's own (the workers' temporary folders' parent), so every
    process reading it has the same Jinja2, Python and environment options (which Jinja2's
    key, the template's name and source, leaves out) and nothing is carried from one run to
    the next. The product's environment keeps no such cache: a server compiles each template
    once, when first asked for it."""
    import jinja2

    from mynumber.web.core import environment

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "templates-compiled"
    folder.mkdir(exist_ok=True)
    env = environment()
    before = env.bytecode_cache
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    try:
        yield
    finally:
        env.bytecode_cache = before


_POOL_AND_ENGINE_ARGUMENTS = frozenset(
    {
        "connect_args",
        "pool_size",
        "max_overflow",
        "pool_pre_ping",
        "pool_timeout",
        "hide_parameters",
    }
)
"""``create_engine``'s arguments that configure the pool, the connections or the engine, never
the dialect (what ``statements_compiled_once`` may share between engines)."""


@pytest.fixture(scope="session", autouse=True)
def statements_compiled_once() -> Iterator[None]:
    """SQLAlchemy compiles each statement once per engine (its compiled cache is the engine's,
    and the mappers' flush caches key on the dialect object): every test builds new engines, so
    every test compiled every statement it ran again — ~15 % of the CPU of the card, clinic and
    employer tests (py-spy). The product makes its engines once per process.

    Here each engine that ``make_engine`` creates (the register's, the PIN tries', the
    migrations') takes, once an earlier engine of the same kind has connected, that engine's
    dialect and one compiled cache shared with it. "The same kind" is the same dialect class
    and driver, the same server (host, port, user; any SQLite file) and the same dialect
    arguments: the dialect is then equal in everything it compiles from (its options and what
    ``initialize`` read from the same server), so a statement compiled for one is what the
    other would compile. Each engine keeps its own pool, connections and events, and still
    initializes its own dialect on its first connection (the pool's); a kind whose first
    engine never connected shares nothing until one does."""
    from sqlalchemy import event
    from sqlalchemy.engine import Dialect, make_url
    from sqlalchemy.util import LRUCache

    from mynumber.adapters.db import engine as engines

    real = engines.create_engine
    shared: dict[tuple[Any, ...], tuple[Dialect, LRUCache[Any, Any]]] = {}

    def create_engine(url: Any, **kwargs: Any) -> Engine:
        engine = real(url, **kwargs)
        parsed = make_url(url)
        server = (
            None
            if parsed.get_backend_name() == "sqlite"
            else (parsed.host, parsed.port, parsed.username)
        )
        kind = (
            type(engine.dialect),
            parsed.drivername,
            server,
            tuple(sorted(parsed.query.items())),
            tuple(
                sorted(
                    (k, repr(v)) for k, v in kwargs.items() if k not in _POOL_AND_ENGINE_ARGUMENTS
                )
            ),
        )
        if kind in shared:
            engine.dialect, engine._compiled_cache = shared[kind]
            return engine

        def initialized(_dbapi_connection: Any, _record: Any) -> None:
            # After create_engine's own first-connection listener (added before this one),
            # which ran ``engine.dialect.initialize``.
            shared.setdefault(kind, (engine.dialect, LRUCache(5000)))

        event.listen(engine.pool, "connect", initialized, _once_unless_exception=True)
        return engine

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engines, "create_engine", create_engine)
        yield


@pytest.fixture(scope="session", autouse=True)
def signing_keys_pooled() -> Iterator[None]:
    """The OpenID provider's RSA-2048 signing keys (``services.oidc.keys``: one made the first
    time each test's provider signs or publishes its JWKS, one more at each rotation; ~50–100 ms
    of CPU each) come from a pool made once per worker, the first time one is needed: real
    keys, handed out in turn like the cards' ``KeyPool``, so the keys a test's provider makes
    one after another (a rotation, then another) still differ. Two tests may hold the same key;
    each has its own database and provider, so nothing signed in one is checked in another."""
    from mynumber.services.oidc import keys as oidc_keys

    pool: list[KeyPool] = []

    def generate_private_key(*, public_exponent: int, key_size: int) -> rsa.RSAPrivateKey:
        if (public_exponent, key_size) != (65537, 2048):  # not what the pool holds
            return rsa.generate_private_key(public_exponent=public_exponent, key_size=key_size)
        if not pool:
            pool.append(KeyPool(premade_keys.take(premade_keys.SIGNING)))
        return pool[0].new_key()

    with pytest.MonkeyPatch.context() as patch:
        pooled = SimpleNamespace(
            generate_private_key=generate_private_key, RSAPrivateKey=rsa.RSAPrivateKey
        )
        patch.setattr(oidc_keys, "rsa", pooled)
        yield


YOUNG_GENERATION = 20_000
"""The collector's first threshold while the tests run (Python's default: 700)."""


@pytest.fixture(scope="session", autouse=True)
def young_generation_collected_less_often() -> Iterator[None]:
    """The garbage collector's youngest generation collected every 20,000 objects of net
    growth instead of every 700 (``gc.set_threshold``), as the access matrix's world already
    does: a test's requests, units of work and pages make and drop objects by the thousand,
    and the collections they set off (~5 a test; each older generation's every tenth) cost
    ~4.5 % of the ordinary tests' CPU (alternated pairs, docs/benchmarks.md, twelfth pass).
    Reference cycles are still collected, later (most die in the young generation now
    instead of being carried into the old ones); nothing else changes. The older thresholds
    stay; the previous ones are put back at the end."""
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


PRODUCT_PIN_ITERATIONS = pins.PBKDF2_ITERATIONS
"""The product's PBKDF2 count for a PIN's hash (``card.pins``), as imported."""
TEST_PIN_ITERATIONS = 1
"""The count the tests hash PINs with (``pins_stretched_cheaply``)."""


@pytest.fixture(scope="session", autouse=True)
def pins_stretched_cheaply() -> Iterator[None]:
    """A PIN's hash stretched once instead of 5,000 times (``card.pins.PBKDF2_ITERATIONS``),
    as the clerks' Argon2 is at its cheapest (``cheap_passwords``): the same salt, pepper,
    HMAC and constant-time comparison, ~1.2 ms less of CPU per PIN set or checked — ~2,200
    hashes in the unit and integration card, web, API and OpenID tests, ~3 % of their CPU.
    Every hash of a test run is made and checked at this count: this process's (its cards, the
    kept cards of ``snapshots``, the browser tests' server in a thread) and the processes it
    forks (``forked_servers._run`` takes the count of the process that forks it). The format at
    the product's count is checked by the tests that ask for ``product_pin_stretching``."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pins, "PBKDF2_ITERATIONS", TEST_PIN_ITERATIONS)
        yield


@pytest.fixture
def product_pin_stretching(monkeypatch: pytest.MonkeyPatch) -> int:
    """The product's PBKDF2 count for this test's PIN hashes (not ``pins_stretched_cheaply``'s);
    the count."""
    monkeypatch.setattr(pins, "PBKDF2_ITERATIONS", PRODUCT_PIN_ITERATIONS)
    return PRODUCT_PIN_ITERATIONS


@pytest.fixture
def system(
    settings: Settings,
    clock: SimulatedClock,
    post: PostOffice,
    key_source: KeyPool,
    ca_template: Path,
) -> Iterator[System]:
    from mynumber.demo.data import seed_municipalities

    preseeded = settings.database_url in _PRESEEDED
    _PRESEEDED.discard(settings.database_url)
    shutil.copytree(ca_template, settings.data_dir / "ca")
    lent: list[_KeptEngine] = []
    built = build_system(
        settings,
        clock=clock,
        post=post,
        key_source=key_source,
        run_migrations=False,
        engine=_lend(settings.resolved_database_url(), make_engine, lent),
        tries_engine=_lend(settings.resolved_chip_database_url(), make_tries_engine, lent),
    )
    if not preseeded:  # a database that did not come from ``db_url``
        with built.uow() as uow:
            seed_municipalities(uow.session)
            uow.commit()
    yield built
    # The test is done with the system: it is closed (``System.close``: the engines it made
    # itself); the engines lent it are given back as they are, their idle connection kept for
    # the next test.
    built.close()
    for kept in lent:
        kept.give_back()


_KEPT_ENGINES: dict[tuple[str, str], _KeptEngine] = {}
"""The PostgreSQL engines (and their pools' connections) that ``system`` lends each test's
``build_system`` (the register's, the PIN tries'), kept for the worker by URL and kind."""


@dataclass
class _KeptEngine:
    """A PostgreSQL engine kept from test to test: a new engine's first connection cost ~3.4 ms
    of CPU here (psycopg's connect, the dialect's four ``initialize`` queries) and a server
    backend started (its catalogue caches filled again), two a test.

    What a test could leave on it is checked when it is given back, and it is kept only if
    nothing is there: no listener added to the engine or its pool (``event.listen``: a test's
    counting or failing hooks), the same execution options, its own pool (``dispose`` makes a
    new one), no connection still checked out, one idle connection at most; then its session
    is reset to a new connection's (``_reset``). Otherwise it is disposed and the next test
    gets a new engine. The rows are the database's, reset by ``db_url`` as before."""

    key: tuple[str, str]
    engine: Engine
    pool: Any
    listeners: tuple[tuple[int, ...], ...]
    options: Any

    @staticmethod
    def fingerprint(engine: Engine) -> tuple[tuple[int, ...], ...]:
        return tuple(
            tuple(id(f) for f in getattr(getattr(dispatch, name), "listeners", ()))
            for dispatch in (engine.dispatch, engine.pool.dispatch)
            for name in dispatch._event_names
        )

    def untouched(self) -> bool:
        engine = self.engine
        return (
            engine.pool is self.pool
            and engine._execution_options == self.options
            and self.fingerprint(engine) == self.listeners
            and self.pool.checkedout() == 0
            # One connection at most, as a new pool has after one-at-a-time use: a pool of
            # several hands them out in turn (first in, first out), and a test that looks at
            # one connection's history (its prepared statements) would see only its share.
            and self.pool.checkedin() <= 1
        )

    def give_back(self) -> None:
        if not self.untouched():
            self.engine.dispose()
            return
        idle = [self.pool.connect() for _ in range(self.pool.checkedin())]
        try:
            for fairy in idle:
                self._reset(fairy.dbapi_connection)
        finally:
            for fairy in idle:
                fairy.close()
        _KEPT_ENGINES[self.key] = self

    @staticmethod
    def _reset(driver: Any) -> None:
        """The connection's session as a new connection's: psycopg's own prepared statements
        forgotten (it forgets them, and deallocates them, at a rollback), then ``DISCARD ALL``
        on the server (settings, prepared statements, temporary tables, advisory locks,
        listens, cursors)."""
        driver.execute("SELECT 1")  # a transaction to roll back, if none is open
        driver.rollback()
        driver.autocommit = True
        try:
            driver.execute("DISCARD ALL")
        finally:
            driver.autocommit = False


IDLE_ENGINES: list[Engine] = []
"""Engines of this worker that hold idle connections between tests (``Snapshots``' own), for
``close_idle_connections``."""


def close_idle_connections(database: str) -> None:
    """Every idle connection this worker keeps to the PostgreSQL database ``database`` closed
    (the resets' engines disposed; the engines ``system`` lends and those in ``IDLE_ENGINES``
    keep their pools, which connect again when next used): ``CREATE DATABASE … TEMPLATE``
    refuses a source anyone is connected to. A connection in use is not touched. Any other
    system a test or fixture builds is closed by its owner (``System.close``)."""
    for baseline in _BASELINES.values():
        baseline.engine.dispose()
    for engine in [kept.engine for kept in _KEPT_ENGINES.values()] + IDLE_ENGINES:
        if engine.url.database == database:
            engine.pool.dispose()  # the checked-in connections closed; the pool goes on


def _lend(url: str, make: Callable[[str], Engine], lent: list[_KeptEngine]) -> Engine | None:
    """For ``build_system``: on PostgreSQL, the engine ``make`` makes for ``url``, from
    ``_KEPT_ENGINES`` (lent to one test at a time) or made and kept, recorded in ``lent`` (what
    this test is to give back); on SQLite ``None``, for ``build_system`` to make (a test's
    files are its own: nothing to keep)."""
    if not url.startswith("postgresql"):
        return None
    key = (url, make.__qualname__)
    kept = _KEPT_ENGINES.pop(key, None)
    if kept is None:
        engine = make(url)
        kept = _KeptEngine(
            key, engine, engine.pool, _KeptEngine.fingerprint(engine), engine._execution_options
        )
    lent.append(kept)
    return kept.engine


# The chip's fixtures: tests/unit/card (over the in-memory store) and, on a real database,
# tests/integration/test_chip_store.py (which overrides ``store``).


@pytest.fixture(scope="session")
def key_pool() -> KeyPool:
    return KeyPool(premade_keys.take(premade_keys.KEY_POOL))


@pytest.fixture(scope="session")
def issuer_key() -> rsa.RSAPrivateKey:
    return premade_keys.one(premade_keys.ISSUER)


@pytest.fixture
def store() -> ChipStore:
    return MemoryChipStore()


@pytest.fixture
def chip_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def new_chip(store: ChipStore, chip_key: bytes, key_pool: KeyPool) -> Chip:
    """A manufactured card whose PINs are not yet set."""
    from tests.unit.card.support import CARD_ID, chip_data

    chip, _ = Chip.manufacture(
        store, card_id=CARD_ID, data=chip_data(), key_source=key_pool, chip_key=chip_key
    )
    return chip


@pytest.fixture
def chip(new_chip: Chip) -> Chip:
    """A collected card: PINs set (see ``tests.unit.card.support.RIGHT``)."""
    from tests.unit.card.support import initial_pins

    new_chip.set_initial_pins(**initial_pins())
    return new_chip


def system_at(
    url: str,
    data_dir: Path,
    key_source: KeyPool,
    *,
    engine: Engine | None = None,
    tries_engine: Engine | None = None,
) -> System:
    """A system on an already migrated database at ``url``, outside the ``system`` fixture
    (a world built once per module): the tests' master key, a simulated clock at ``START``,
    a post office of its own; on the engines given, if any (``build_system``'s)."""
    settings = Settings(database_url=url, data_dir=data_dir, master_key=TEST_MASTER_KEY)
    return build_system(
        settings,
        clock=SimulatedClock(START),
        post=PostOffice(),
        key_source=key_source,
        run_migrations=False,
        engine=engine,
        tries_engine=tries_engine,
    )


def ref(kind: str, id_: int) -> str:
    """The opaque reference the app gives record ``id_`` of ``kind`` ("per", "vis", "emp",
    "enr", "let", "mail" …; ``services.core.refs``) under the tests' master key: for building
    URLs and bodies from ids."""
    from mynumber.adapters.keys import KeyRing
    from mynumber.services.core.refs import Kind, References

    keys = KeyRing.from_master(bytes.fromhex(TEST_MASTER_KEY))
    return References.from_keys(keys).reference(Kind(kind), id_)


def unref(kind: str, reference: str) -> int:
    """The id behind a reference the app returned (the inverse of ``ref``)."""
    from mynumber.adapters.keys import KeyRing
    from mynumber.services.core.refs import Kind, References

    keys = KeyRing.from_master(bytes.fromhex(TEST_MASTER_KEY))
    return References.from_keys(keys).resolve(Kind(kind), reference)


def ward(municipality: str = "131016") -> Caller:
    return Caller(
        name=f"ward office {municipality}", role=Role.WARD_OFFICE, municipality_code=municipality
    )


def caller(role: Role, **kw: object) -> Caller:
    return Caller(name=f"test {role.value}", role=role, **kw)  # type: ignore[arg-type]
