"""Wiring: settings → engine, keys, clock, post. Called by the API, CLI and tests; never at
import time."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from types import TracebackType

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from mynumber.adapters.db.async_units import AsyncUnits
from mynumber.adapters.db.chip_store import SqlChipStore, adopt_chips, join_sessions
from mynumber.adapters.db.engine import make_engine, migrate, pending_migrations, read_only
from mynumber.adapters.db.uow import UnitOfWork, session_factory
from mynumber.adapters.keys import KeyRing
from mynumber.adapters.mail import PostOffice
from mynumber.card.keys import FreshKeys, KeySource
from mynumber.config import ConfigurationError, Settings
from mynumber.domain.clock import Clock, SimulatedClock, SystemClock
from mynumber.services.core import metrics, tokens
from mynumber.services.core.audit_chain import AUDIT_KEY
from mynumber.services.core.audit_checkpoints import AuditCheckpointer, CheckpointFile
from mynumber.services.core.context import Caller, Services
from mynumber.services.sandbox import clock as sandbox_clock

TRIES_POOL_SIZE = 10
"""Connections for the PIN tries. Each is held for one short statement pair and never while
waiting for another connection, so a small pool serves any number of requests (they queue
for milliseconds); docs/reliability.md."""


@dataclass(frozen=True)
class Readiness:
    ready: bool
    database: str  # "ok" or "unreachable"
    pending_migrations: list[str]
    error: str  # the kind of database error, never its text


@dataclass
class System:
    """Everything a running mynumber needs, built once. Its owner (the one who built it: the
    ``serve`` command, a CLI command, a benchmark, a test) closes it when done with it:
    ``close()``, or ``with build_system(...) as system:``."""

    settings: Settings
    engine: Engine
    services: Services
    tries_engine: Engine
    """The PIN tries' engine (``SqlChipStore``'s own pool)."""
    owned_engines: tuple[Engine, ...]
    """The engines ``close`` disposes: those ``build_system`` made, not those it was given
    (their pools are their giver's, who may lend them again)."""
    sessions: sessionmaker[Session] = field(init=False, repr=False)
    reader_engine: Engine = field(init=False, repr=False)
    """``engine`` for transactions that only read (``read_only``)."""
    reader_sessions: sessionmaker[Session] = field(init=False, repr=False)
    _async_units: list[AsyncUnits] = field(init=False, repr=False, default_factory=list)
    """What ``async_units`` handed out and nobody closed yet."""

    def __post_init__(self) -> None:
        # The audit key travels with the sessions, never into the database.
        info = {AUDIT_KEY: self.services.keys.audit_key}
        self.sessions = session_factory(self.engine, info)
        self.reader_engine = read_only(self.engine)
        self.reader_sessions = session_factory(self.reader_engine, info)
        # The chip writes in the unit of work's transaction (docs/architecture.md, "Card and
        # register: all or nothing").
        join_sessions(self.sessions)
        join_sessions(self.reader_sessions)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)

    def async_units(self) -> AsyncUnits | None:
        """On PostgreSQL, units of work whose round trips wait in the calling event loop (one
        set per loop: its connections are that loop's); on SQLite ``None``. Their sessions are
        ``uow()``'s kind, with the same audit key and listeners (the clinic checks' desk)."""
        if self.engine.dialect.name != "postgresql":
            return None
        units = AsyncUnits(self.engine.url, self.sessions)
        self._async_units = [*(u for u in self._async_units if not u.closed), units]
        return units

    def close(self) -> None:
        """Close every connection the system keeps: the pools of the engines it owns (the
        register's, ``engine``'s, which ``reader_engine`` shares; the PIN tries',
        ``tries_engine``) and those of the ``async_units`` it handed out and nobody closed
        (their event loop may be gone: they are closed in one of their own). An engine given to
        ``build_system`` is left as it is, open and usable. A connection still in use is not
        touched. Calling it again does no harm; a system used after it opens connections again
        (as an engine does after ``dispose``), which the next ``close`` closes."""
        units, self._async_units = self._async_units, []
        try:
            for each in units:
                each.close_outside_loop()
        finally:
            for engine in self.owned_engines:
                engine.dispose()

    def __enter__(self) -> System:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[Connection]:
        """A bare connection in a transaction that writes, committed when the block ends
        without an error (Core statements only: no unit of work, no audit queue)."""
        return self.engine.begin()

    def read_connection(self) -> AbstractContextManager[Connection]:
        """A bare connection that only reads (Core statements only, no unit of work): its
        transaction is rolled back when the block ends."""
        return self.reader_engine.connect()

    def reading(self) -> UnitOfWork:
        """A unit of work that only reads (it must not write: on SQLite it holds no lock)."""
        return UnitOfWork(self.reader_sessions)

    def database_answers(self) -> str:
        """Ask the database a trivial question (``SELECT 1``); the backend's name."""
        with self.reader_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return self.engine.dialect.name

    def readiness(self) -> Readiness:
        """Whether requests can be served: the database answers and its schema has every
        migration (several heads: each must be applied)."""
        try:
            with self.reader_engine.connect() as conn:
                pending = pending_migrations(conn)
        except SQLAlchemyError as exc:
            return Readiness(False, "unreachable", [], type(exc).__name__)
        return Readiness(not pending, "ok", pending, "")

    def audit_chain_length(self) -> tuple[int, int]:
        """The audit log's entries and chains (for the operator's metrics)."""
        with self.reading() as uow:
            return metrics.audit_chain_length(uow.session)

    def audit_checkpoints(self) -> CheckpointFile:
        """The audit log's signed checkpoints, outside the database."""
        return CheckpointFile(
            self.settings.resolved_audit_checkpoint_file(), self.services.keys.audit_signing_seed
        )

    def audit_checkpointer(self) -> AuditCheckpointer:
        """Checkpoints while serving: at start, every N entries, at stop."""
        return AuditCheckpointer(
            self.reader_sessions,
            self.audit_checkpoints(),
            self.services.clock.now,
            every=self.settings.audit_checkpoint_every,
        )

    def caller_of(self, token: str) -> Caller:
        """The caller behind an API token (``tokens.authenticate``), or ``Unauthenticated``."""
        with self.reading() as uow:
            return tokens.authenticate(uow.session, self.services, token)


def build_system(
    settings: Settings,
    *,
    clock: Clock | None = None,
    post: PostOffice | None = None,
    key_source: KeySource | None = None,
    run_migrations: bool = True,
    engine: Engine | None = None,
    tries_engine: Engine | None = None,
) -> System:
    """Build the system for ``settings``; migrate the database unless told not to. Where
    ``engine`` (the register's, as ``make_engine`` makes it) or ``tries_engine`` (as
    ``make_tries_engine`` makes it) is given, on ``settings``' databases, the system uses it
    and leaves it open when closed: it stays its giver's. The engines it makes are its own."""
    if settings.sandbox and settings.mode == "production":
        raise ConfigurationError("The sandbox never runs in production mode.")
    url = settings.resolved_database_url()
    chip_url = settings.resolved_chip_database_url()
    owned: list[Engine] = []
    if engine is None:
        engine = make_engine(url)
        owned.append(engine)
    if tries_engine is None:
        tries_engine = make_tries_engine(chip_url)
        owned.append(tries_engine)
    if run_migrations:
        try:
            migrate(url, engine=engine)  # looked at through the system's own engines
            if chip_url != url:
                migrate(chip_url, engine=tries_engine)
        except BaseException:
            for made in owned:
                made.dispose()
            raise
    if chip_url != url and chip_url.startswith("sqlite"):
        adopt_chips(tries_engine, engine)  # chips kept apart before (SQLite): now the register's
    keys = KeyRing.from_key_file(settings.key_file())
    services = Services(
        clock=clock or SystemClock(),
        keys=keys,
        post=post or PostOffice(),
        base_url=settings.resolved_public_base_url(),
        chips=SqlChipStore(engine, tries_engine),
        key_source=key_source or FreshKeys(),
        ca_dir=settings.data_dir / "ca",
    )
    return System(
        settings=settings,
        engine=engine,
        services=services,
        tries_engine=tries_engine,
        owned_engines=tuple(owned),
    )


def make_tries_engine(url: str) -> Engine:
    """The PIN tries' engine on ``url``. The tries, and only they, are written apart from the
    register's transaction: on an engine of their own (its own pool), so a request never holds
    two connections of one pool."""
    return make_engine(url, pool_size=TRIES_POOL_SIZE, max_overflow=0)


def build_sandbox_system(
    settings: Settings,
    *,
    post: PostOffice | None = None,
    key_source: KeySource | None = None,
    run_migrations: bool = True,
    start: dt.datetime | None = None,
) -> System:
    """The sandbox (``settings.sandbox``): the system on a simulated clock that starts where
    the sandbox's database left it (the first time: ``start``, or the wall clock's time)."""
    if not settings.sandbox:
        raise ConfigurationError("Sandbox settings expected (Settings.for_sandbox()).")
    clock = SimulatedClock(start or SystemClock().now().replace(second=0, microsecond=0))
    system = build_system(
        settings, clock=clock, post=post, key_source=key_source, run_migrations=run_migrations
    )
    try:
        with system.uow() as uow:
            moment = sandbox_clock.stored(uow.session)
            if moment is None:
                sandbox_clock.keep(uow.session, clock.now())
            else:
                clock.restore(moment)
            uow.commit()
    except BaseException:
        system.close()  # nobody else holds it yet
        raise
    return system
