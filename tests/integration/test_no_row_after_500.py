"""A 500 never leaves a row behind (issue 16.2), on SQLite and PostgreSQL.

Every route that writes — API and pages, from the access matrix's table, each with a granted
caller and its valid sample request — is sent once with a fault armed: the register's session
raises as it commits, after its last flush. The answer is a 500 (problem+json
over the API, the error page on a page) and not one row of any table, chips and PIN tries
included, has changed.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, event

from mynumber.adapters.db.all_models import Base
from mynumber.adapters.db.chip_store import SqlChipStore
from mynumber.bootstrap import System
from tests.integration.access_expectations import API, PAGES, PUBLIC, Row
from tests.integration.access_world import World
from tests.integration.test_access_matrix import _send, world  # noqa: F401 - the fixture

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _sent(rows: list[Row]) -> list[Row]:
    """The rows this module sends: the writing ones someone may call, once each."""
    return [r for r in rows if r.method in WRITES and (r.scope == PUBLIC or r.granted)]


FRESH_ROWS = Counter(r.fresh.__name__ for r in _sent(API + PAGES) if r.fresh is not None)
"""The spare residents and waiting applications this module's rows use (one a row), for the
matrix's ``world``: it makes as many as the matrix itself uses (one a granted caller)."""


class Fault(Exception):
    """The failure injected after the flush."""


@contextmanager
def failing_after_the_flush(system: System) -> Iterator[list[str]]:
    """The next commit of a register session in the app raises ``Fault``, after its last
    flush; yields where."""
    fired: list[str] = []
    test_thread = threading.get_ident()  # the sample's own set-up writes are not the request

    def fail(where: str) -> Any:
        def listener(*_args: Any) -> None:
            if not fired and threading.get_ident() != test_thread:
                fired.append(where)
                raise Fault(where)

        return listener

    # At the commit: after the last flush, when every write of the request (the chip's too)
    # has been made — the latest point a request can fail before its answer.
    before_commit = fail("before_commit")
    event.listen(system.sessions, "before_commit", before_commit)
    try:
        yield fired
    finally:
        event.remove(system.sessions, "before_commit", before_commit)


def _digest(engine: Engine) -> dict[str, object]:
    """Every table's rows, order-free, one value per table to compare with a later look.

    PostgreSQL: each table's rows as text (``row::text``: every column, as stored), sorted,
    joined and hashed (``md5``) by the server, every table in one statement. SQLite: the rows
    themselves as a multiset (``Counter`` of the driver's tuples: every value there is an
    int, float, str, bytes or None), compared exactly. Both replace a ``repr`` of every row,
    sorted and hashed here, which was a third of this module's CPU (py-spy)."""
    tables = [table.name for table in Base.metadata.sorted_tables]
    quote = engine.dialect.identifier_preparer.quote
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT {i}, md5(coalesce(string_agg(digest_row::text, E'\\n' "
                    f"ORDER BY digest_row::text), '')) FROM {quote(name)} digest_row"
                    for i, name in enumerate(tables)
                )
            )
            found: dict[str, object] = {tables[i]: md5 for i, md5 in cursor.fetchall()}
        else:
            found = {}
            for name in tables:
                cursor.execute(f"SELECT * FROM {quote(name)}")
                found[name] = Counter(cursor.fetchall())
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    assert sorted(found) == sorted(tables)
    return found


READS = re.compile(r"\s*(SELECT|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|SET|SHOW)\b", re.I)


class Snapshots:
    """``_everything``, looked at again only when a statement that may change a row (any but
    a read) went through any engine since the last look; otherwise the last look is still
    the state. Only a ``before`` is ever taken from here: the ``after`` that is compared is
    always read afresh. A write this misses (a raw driver cursor, say) could only make the
    test fail, never pass: the stale ``before`` would differ from an untouched ``after``."""

    def __init__(self, system: System) -> None:
        self.system = system
        self.last: dict[str, dict[str, object]] | None = None
        self.looked, self.reused = 0, 0

    def _saw(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not READS.match(statement):
            self.last = None

    # Every engine of the process, not only the system's two: the clinic checks' desk writes
    # through an asynchronous engine of its own on PostgreSQL (``System.async_units``).
    def __enter__(self) -> Snapshots:
        event.listen(Engine, "before_cursor_execute", self._saw)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self._saw)

    def now(self) -> dict[str, dict[str, object]]:
        if self.last is not None:
            self.reused += 1
            return self.last
        return self.fresh()

    def fresh(self) -> dict[str, dict[str, object]]:
        self.looked += 1
        self.last = _everything(self.system)
        return self.last


def _everything(system: System) -> dict[str, dict[str, object]]:
    store = system.services.chips
    assert isinstance(store, SqlChipStore)
    found = {"register": _digest(system.engine)}
    if store._tries.url != system.engine.url:  # on PostgreSQL the same database, read once
        found["tries"] = _digest(store._tries)
    return found


def _caller(r: Row) -> str:
    return "none" if r.scope == PUBLIC else sorted(r.granted)[0]


def _fail_every_write(w: World, rows: list[Row], *, page: bool) -> tuple[int, list[str]]:
    """Send each writing row with the fault armed: (rows that reached a flush or commit, what
    went wrong)."""
    reached, wrong = 0, []
    # No row here is sent from a spare's own portal (``_browser`` would refuse one not logged
    # in): a spare gets its resident token, not a portal login too.
    w.spares_log_in = False
    with Snapshots(w.system) as snapshots:
        for r in _sent(rows):
            subject = r.fresh(w, w.a) if r.fresh is not None else w.a
            parts = r.sample(w, subject, _caller(r))  # its own set-up writes come before
            ready = replace(r, sample=lambda *_, parts=parts: dict(parts))
            before = snapshots.now()
            with failing_after_the_flush(w.system) as fired:
                resp = _send(ready, w, subject, _caller(r), page=page, self_person=subject)
            if not fired:
                continue
            reached += 1
            if resp.status_code < 300:
                continue  # answered after all: the check desk tries a failed group's checks alone
            if resp.status_code != 500:
                wrong.append(f"{r.method} {r.path}: {resp.status_code} after {fired[0]}")
            after = snapshots.fresh()
            changed = [
                f"{db}.{t}" for db in before for t in before[db] if before[db][t] != after[db][t]
            ]
            if changed:
                wrong.append(f"{r.method} {r.path} ({resp.status_code}): rows left in {changed}")
    print(f"\n{snapshots.looked} looks at every row, {snapshots.reused} reused")
    return reached, wrong


def test_no_api_route_leaves_a_row_behind_a_500(world: World) -> None:  # noqa: F811
    reached, wrong = _fail_every_write(world, API, page=False)
    print(f"\n{world.system.engine.dialect.name}: {reached} API writes failed after the flush")
    assert wrong == [], "\n".join(wrong)
    assert reached >= 30


def test_no_page_leaves_a_row_behind_a_500(world: World) -> None:  # noqa: F811
    reached, wrong = _fail_every_write(world, PAGES, page=True)
    print(f"\n{world.system.engine.dialect.name}: {reached} page writes failed after the flush")
    assert wrong == [], "\n".join(wrong)
    assert reached >= 15
