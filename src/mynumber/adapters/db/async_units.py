"""Units of work whose round trips to PostgreSQL are awaited in the event loop.

The clinic checks' desk (``api.check_desk``) answers a group of checks in one transaction of
about ten statements. Run in a worker thread, that thread has to win the interpreter back from
the event loop after every round trip, and while the loop is reading requests it waits up to
the interpreter's switch interval (5 ms) each time: a group's transaction took 11 ms at the
median and 28 ms at the 99th percentile where its own CPU was ~4 ms (docs/benchmarks.md,
issue 21). Here the same synchronous code runs in SQLAlchemy's greenlet over psycopg's
asynchronous connection: each statement hands the loop back until the server answers, and the
transaction's next step is one more callback among the requests', with no thread to wake.

The code a unit runs is the one the thread ran (``Session`` in, commit by the caller): the rules
and the audit queue do not know how the statements travel.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

T = TypeVar("T")

POOL_SIZE = 2
"""The desk works through one group at a time (and a failed group's checks one by one): it
never holds more than one connection, and takes no more from the server than these."""


class AsyncUnits:
    """Sessions on an asynchronous engine to the database at ``url`` (PostgreSQL only), of
    the kind ``sessions`` makes (the register's, ``System.sessions``): the same class, so that
    what listens to its sessions (the chip store joining their transactions, a test's fault)
    hears these too, and the same ``info`` (the audit key)."""

    def __init__(self, url: URL, sessions: sessionmaker[Session]) -> None:
        # No pre-ping: it is a round trip of its own before every group (one in eleven). A
        # connection the server dropped fails the group's first statement instead; SQLAlchemy
        # then discards it and every older pooled one, and the desk answers that group's checks
        # one by one on fresh connections (``api.check_desk``).
        self.engine: AsyncEngine = create_async_engine(
            url, pool_pre_ping=False, hide_parameters=True, pool_size=POOL_SIZE, max_overflow=0
        )
        self._sessions = async_sessionmaker(
            self.engine,
            expire_on_commit=False,
            info=sessions.kw.get("info"),
            sync_session_class=sessions.class_,
        )
        self.closed = False
        """``close`` ran (its owner is done with these units)."""

    async def run(self, work: Callable[[Session], T]) -> T:
        """``work(session)`` in a session of its own, closed (rolled back unless ``work``
        committed) when it returns or raises."""
        async with self._sessions() as session:
            return await session.run_sync(work)

    async def close(self) -> None:
        """Close the pooled connections."""
        self.closed = True
        await self.engine.dispose()

    def close_outside_loop(self) -> None:
        """``close`` from code that is not in an event loop, or not in the one these units
        served (it may have ended: a test client's request, an app whose lifespan never ran):
        in a loop of its own, on a thread of its own (this thread may be running a loop).
        Closing a connection is one call to the driver (psycopg's ``PGconn.finish``), which
        needs no particular loop."""
        if self.closed:
            return
        pool = self.engine.sync_engine.pool  # a queue pool (``pool_size``)
        if isinstance(pool, QueuePool) and pool.checkedin() == pool.checkedout() == 0:
            # Never connected, or closed already: no loop to start.
            self.closed = True
            return
        failed: list[BaseException] = []

        def close() -> None:
            try:
                asyncio.run(self.close())
            except BaseException as error:  # raised below, in the caller's thread
                failed.append(error)

        closing = threading.Thread(target=close, name="async-units-close")
        closing.start()
        closing.join()
        if failed:
            raise failed[0]
