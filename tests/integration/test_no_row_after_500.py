"""A 500 never leaves a row behind (issue 16.2), on SQLite and PostgreSQL.

Every route that writes — API and pages, from the access matrix's table, each with a granted
caller and its valid sample request — is sent once with a fault armed: the register's session
raises as it commits, after its last flush. The answer is a 500 (problem+json
over the API, the error page on a page) and not one row of any table, chips and PIN tries
included, has changed.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine, event, select

from mynumber.adapters.db.all_models import Base
from mynumber.adapters.db.chip_store import SqlChipStore
from mynumber.bootstrap import System
from tests.integration.access_expectations import API, PAGES, PUBLIC, Row
from tests.integration.access_world import World
from tests.integration.test_access_matrix import _send, world  # noqa: F401 - the fixture

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


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


def _digest(engine: Engine) -> dict[str, str]:
    """Every table's rows, as one hash per table (order-free)."""
    found: dict[str, str] = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            found[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return found


def _everything(system: System) -> dict[str, dict[str, str]]:
    store = system.services.chips
    assert isinstance(store, SqlChipStore)
    return {"register": _digest(system.engine), "tries": _digest(store._tries)}


def _caller(r: Row) -> str:
    return "none" if r.scope == PUBLIC else sorted(r.granted)[0]


def _fail_every_write(w: World, rows: list[Row], *, page: bool) -> tuple[int, list[str]]:
    """Send each writing row with the fault armed: (rows that reached a flush or commit, what
    went wrong)."""
    reached, wrong = 0, []
    for r in rows:
        if r.method not in WRITES or (r.scope != PUBLIC and not r.granted):
            continue
        subject = r.fresh(w, w.a) if r.fresh is not None else w.a
        parts = r.sample(w, subject, _caller(r))  # its own set-up writes come before
        ready = replace(r, sample=lambda *_, parts=parts: dict(parts))
        before = _everything(w.system)
        with failing_after_the_flush(w.system) as fired:
            resp = _send(ready, w, subject, _caller(r), page=page, self_person=subject)
        if not fired:
            continue
        reached += 1
        if resp.status_code < 300:
            continue  # answered after all: the check desk tries a failed group's checks alone
        if resp.status_code != 500:
            wrong.append(f"{r.method} {r.path}: {resp.status_code} after {fired[0]}")
        after = _everything(w.system)
        changed = [
            f"{db}.{t}" for db in before for t in before[db] if before[db][t] != after[db][t]
        ]
        if changed:
            wrong.append(f"{r.method} {r.path} ({resp.status_code}): rows left in {changed}")
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
