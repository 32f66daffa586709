"""SQLite: the write-ahead log checkpointed by a thread of its own while the service runs.

By default SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: that
commit copies the logged pages into the database file and syncs it before it returns. In a
million-resident file the pages are scattered and the sync is slow, and on the service the
commit runs in the event loop (``api.check_desk``), so every request waits for it. While the
service runs, its connections do not checkpoint (``wal_autocheckpoint=0``) and this thread
does, every ``every`` seconds, in ``PASSIVE`` mode: it copies what no reader still needs
without taking a lock the writer waits for, and ``sqlite3`` lets the other threads run
meanwhile. The WAL stays short, as it would with SQLite's own checkpoints (a WAL left to grow
slows every read).

The rounds share one ``sqlite3`` connection, kept while the checkpointer runs: a new one
parses the whole schema at its first statement (~1.1 ms of CPU for the register's ~150
tables, indexes and triggers, docs/benchmarks.md), four times a second for as long as the
service runs.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import Engine, event


class WalCheckpointer:
    """``start()`` when the service starts, ``stop()`` when it stops (one per engine)."""

    def __init__(self, engine: Engine, every: float = 0.25) -> None:
        if not self.applies_to(engine):
            raise ValueError("only a SQLite database file has a write-ahead log")
        self.engine, self.every = engine, every
        self.last: tuple[int, int, int] = (0, 0, 0)
        """The last checkpoint's (busy, pages in the WAL, pages copied to the file)."""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: sqlite3.Connection | None = None
        """The rounds' connection, kept from the first round to the last checkpoint."""

    @staticmethod
    def applies_to(engine: Engine) -> bool:
        """Whether ``engine`` is a SQLite file (PostgreSQL and in-memory SQLite need none)."""
        database = engine.url.database
        return engine.dialect.name == "sqlite" and bool(database) and database != ":memory:"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        event.listen(self.engine, "connect", _without_auto_checkpoints)
        self.engine.dispose()  # the pooled connections were opened checkpointing themselves
        self._thread = threading.Thread(target=self._run, name="wal-checkpointer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        event.remove(self.engine, "connect", _without_auto_checkpoints)
        self.engine.dispose()
        self.checkpoint()  # the last: its connection closed after it (``_stop`` is set)

    def checkpoint(self) -> tuple[int, int, int]:
        connection = self._connection
        if connection is None:
            # Opened in the rounds' thread, closed in the one that calls ``stop``.
            connection = sqlite3.connect(
                str(self.engine.url.database), timeout=30, check_same_thread=False
            )
        try:
            # fetchall: the statement ends here, no read left open on a kept connection
            ((busy, logged, copied),) = connection.execute(
                "PRAGMA wal_checkpoint(PASSIVE)"
            ).fetchall()
        except BaseException:
            self._connection = None  # the next round starts on a new one
            connection.close()
            raise
        if self._thread is not None and not self._stop.is_set():
            self._connection = connection  # kept for the next round
        else:
            self._connection = None
            connection.close()
        self.last = (busy, logged, copied)
        return self.last

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.checkpoint()
            except sqlite3.Error:  # the next round tries again; SQLite's log stays intact
                continue


def _without_auto_checkpoints(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")
