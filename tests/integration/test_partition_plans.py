"""Every hot query touches one partition of each partitioned table (issue 21; docs/scale.md,
"Partitioning"), on a PostgreSQL database partitioned by migration 0016.

The statements are the services' own, caught at the driver (psycopg's cursor, which both
SQLAlchemy and ``bulk_insert`` use) while the hot paths run. Just before each one runs, it is
run once more under ``EXPLAIN (ANALYZE, FORMAT JSON)`` inside a savepoint that is then rolled
back: planned with the same parameters, on the very state of the transaction it ran in. A
partition counts as touched when a plan node read it (``Actual Loops`` > 0; a partition pruned
at run time shows as never executed) or, for the rows an INSERT routes (a plan names only the
parent), when the transaction's own statistics (``pg_stat_xact_user_tables``) show it written.

Each is also run a third time as a prepared statement under its **generic plan** (``PREPARE``
with ``plan_cache_mode = force_generic_plan``, then ``EXPLAIN (ANALYZE) EXECUTE``): the plan
PostgreSQL keeps for a statement psycopg has prepared, instead of planning it again for every
run (docs/benchmarks.md, "Clinic eligibility checks"). A generic plan knows no values, so only
run-time pruning can keep it to one partition; it must.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from cryptography import x509
from psycopg import ClientCursor, Cursor
from psycopg import Connection as DriverConnection
from rich.console import Console
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError

from mynumber.adapters.db.engine import alembic_config
from mynumber.adapters.db.models import Registration
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.adapters.db.partitions import PARTITION_KEYS, PARTITIONS, partitioned_table_of
from mynumber.adapters.mail import PostOffice
from mynumber.bench.enrol import Cards, enrol
from mynumber.bootstrap import System, build_system
from mynumber.card.keys import KeyPool
from mynumber.config import Settings
from mynumber.demo.data import seed_municipalities
from mynumber.domain.access import Purpose
from mynumber.domain.clock import SimulatedClock
from mynumber.services.core import tokens
from mynumber.services.core.audit import verify_chain
from mynumber.services.core.records import active_registration
from mynumber.services.insurance import clinic
from mynumber.services.insurance.checks import CardCheck, check_cards
from mynumber.services.insurance.eligibility import EligibilityAnswer
from mynumber.services.jpki import card_auth
from mynumber.services.jpki.certificates import certificate_record, revocation_lookup
from mynumber.services.registry.numbers import find_by_number, read_my_number
from tests.conftest import TEST_MASTER_KEY, ward, worker_database_name
from tests.integration.bench_support import (
    Loads,
    bench_keys,
    copy_of_worker_database,
    drop_later,
    loads_fixture,
)
from tests.integration.helpers import register

postgresql_only = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
"""The ``system`` on PostgreSQL only: SQLite has no partitions."""

RESIDENTS = 200
"""Residents with cards, certificates and an active registration (``bench enrol``)."""

HISTORY = 47
"""Earlier cards, certificates and registrations of each resident, copied from the loaded ones
with new keys (``_add_history``): enough rows in each partition for the planner to look a row
up by index, as it does at ten million, rather than read a partition of a few pages whole."""

_HISTORY = {
    "cards": "'serial', upper(substr(md5(random()::text), 1, 16)), 'status', 'invalid'",
    "certificates": "'serial', upper(md5(random()::text)), 'revoked_at', now()",
    "registrations": "'status', 'moved_out', 'ended_on', DATE '2020-01-01'",
}

_DML = re.compile(r"^\s*(WITH|SELECT|INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_NAMED = re.compile(r"%\((\w+)\)s")


@dataclass
class Planned:
    statement: str
    touched: dict[str, set[str]]
    """Each partitioned table the statement read or wrote: the partitions it touched."""
    plan: Any
    generic: dict[str, set[str]] = field(default_factory=dict)
    """The same under the statement's generic plan."""
    generic_plan: Any = None


@dataclass
class _Recorder:
    planned: list[Planned] = field(default_factory=list)
    active: bool = False


_RECORDER = _Recorder()


def _plan(connection: DriverConnection[Any], query: str, params: Any) -> Planned:
    cursor = Cursor(connection)  # a plain cursor: its own statements are not planned again
    try:
        touched, plan = _explained(cursor, f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", params)
        numbered, values = _numbered(query, params)
        cursor.execute("SAVEPOINT partition_generic")
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")  # undone below
        cursor.execute(f"PREPARE partition_plan AS {numbered}")
        # The values as literals: EXECUTE takes no bound parameters.
        literals = ClientCursor(connection).mogrify(", ".join(["%s"] * len(values)), values)
        try:
            generic, generic_plan = _explained(
                cursor, f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE partition_plan({literals})"
            )
        finally:
            cursor.execute("DEALLOCATE partition_plan")
            cursor.execute("ROLLBACK TO SAVEPOINT partition_generic")
            cursor.execute("RELEASE SAVEPOINT partition_generic")
    finally:
        cursor.close()
    return Planned(query, touched, plan, generic, generic_plan)


def _explained(
    cursor: Cursor[Any], explain: str, params: Any = None
) -> tuple[dict[str, set[str]], Any]:
    """Run ``explain`` in a savepoint rolled back after it: the partitions touched, the plan."""
    cursor.execute("SAVEPOINT partition_plan")
    before = _writes_and_scans(cursor)
    cursor.execute(explain, params)
    row = cursor.fetchone()
    assert row is not None
    plan = row[0]
    after = _writes_and_scans(cursor)
    cursor.execute("ROLLBACK TO SAVEPOINT partition_plan")
    cursor.execute("RELEASE SAVEPOINT partition_plan")
    touched: dict[str, set[str]] = {}
    for relation in [*_read_in(plan[0]["Plan"]), *_changed(before, after)]:
        parent = partitioned_table_of(relation)
        if parent is not None:
            touched.setdefault(parent, set()).add(relation)
    return touched, plan


def _numbered(query: str, params: Any) -> tuple[str, list[Any]]:
    """A psycopg statement with PREPARE's ``$1``, ``$2`` … and its values in that order."""
    if isinstance(params, dict):
        names = list(dict.fromkeys(_NAMED.findall(query)))
        return (
            _NAMED.sub(lambda m: f"${names.index(m[1]) + 1}", query),
            [params[name] for name in names],
        )
    # %s, and %b / %t where a statement asks for a binary or text parameter (the clinic
    # checks' arrays are sent binary).
    numbers = iter(range(1, len(_POSITIONAL.findall(query)) + 1))
    return _POSITIONAL.sub(lambda _: f"${next(numbers)}", query), list(params or ())


_POSITIONAL = re.compile("%[sbt]")


def _read_in(node: dict[str, Any]) -> Iterator[str]:
    if "Relation Name" in node and node.get("Actual Loops", 0) > 0:
        yield node["Relation Name"]
    for child in node.get("Plans", []):
        yield from _read_in(child)


def _partition_scans(node: dict[str, Any]) -> Iterator[str]:
    """The node types of the partitions a plan read (an index scan, at this size)."""
    if partitioned_table_of(node.get("Relation Name", "")) and node.get("Actual Loops", 0) > 0:
        yield node["Node Type"]
    for child in node.get("Plans", []):
        yield from _partition_scans(child)


def _searches(node: dict[str, Any], table: str) -> int:
    """How many times the plan searched a partition of ``table`` (its scans' loops)."""
    own = (
        node.get("Actual Loops", 0)
        if partitioned_table_of(node.get("Relation Name", "")) == table
        else 0
    )
    return own + sum(_searches(child, table) for child in node.get("Plans", []))


def _writes_and_scans(cursor: Cursor[Any]) -> dict[str, int]:
    cursor.execute(
        "SELECT relname, seq_scan + COALESCE(idx_scan, 0) + n_tup_ins + n_tup_upd + n_tup_del "
        "FROM pg_stat_xact_user_tables"
    )
    return {name: count for name, count in cursor.fetchall()}


def _changed(before: dict[str, int], after: dict[str, int]) -> list[str]:
    return [name for name, count in after.items() if count > before.get(name, 0)]


class _PlanningCursor(Cursor[Any]):
    def execute(self, query: Any, params: Any = None, **kwargs: Any) -> Any:
        if _RECORDER.active and isinstance(query, str) and _DML.match(query):
            _RECORDER.planned.append(_plan(self.connection, query, params))
        return super().execute(query, params, **kwargs)

    def executemany(self, query: Any, params_seq: Any, **kwargs: Any) -> Any:
        params_seq = list(params_seq)
        if _RECORDER.active and isinstance(query, str) and _DML.match(query) and params_seq:
            _RECORDER.planned.append(_plan(self.connection, query, params_seq[0]))
        return super().executemany(query, params_seq, **kwargs)


@contextmanager
def planned() -> Iterator[list[Planned]]:
    """The statements run inside the block, each with the partitions it touched."""
    _RECORDER.planned, _RECORDER.active = [], True
    try:
        yield _RECORDER.planned
    finally:
        _RECORDER.active = False


@pytest.fixture(scope="module")
def loads(request: pytest.FixtureRequest) -> Iterator[Loads]:
    # Loaded in this process (workers=0): the plans do not depend on who wrote the rows.
    # ANALYZE without VACUUM (``bench enrol --no-vacuum``): the planner's figures are
    # ANALYZE's, and the history added after the load leaves the pages not all-visible again
    # whatever VACUUM had marked.
    yield from loads_fixture(
        request, ("postgresql",), count=RESIDENTS, sample=10, workers=0, vacuum=False
    )


@pytest.fixture(scope="module")
def world(loads: Loads) -> Iterator[tuple[System, Cards, str]]:
    """One loaded PostgreSQL database (``bench_support``) for the module's hot-path tests:
    what they write (a visit, a registration) leaves every statement's partitions as they
    were, and the partitions' figures as the history made them."""
    load = loads.get("postgresql")
    system = load.system
    _add_history(system)

    def plan_every_statement(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        dbapi_connection.cursor_factory = _PlanningCursor

    event.listen(system.engine, "checkout", plan_every_statement)
    yield system, load.cards, load.token
    event.remove(system.engine, "checkout", plan_every_statement)


def _add_history(system: System) -> None:
    with system.engine.begin() as conn:
        for table, changes in _HISTORY.items():
            new_id = (
                f"'id', nextval(pg_get_serial_sequence('{table}', 'id')), "
                if table != "certificates"
                else ""
            )
            # Each new row made once, in a MATERIALIZED CTE, and only then spread into
            # columns: ``(f(…)).*`` would call ``f`` once per column (PostgreSQL expands it
            # to ``(f(…)).a, (f(…)).b, …``), ~35 calls a card row, each with its own
            # ``nextval`` and ``random()`` — 8 s of the server's CPU for these rows.
            conn.execute(
                text(
                    f"WITH history AS MATERIALIZED (SELECT jsonb_populate_record(NULL::{table}, "
                    f"to_jsonb(t) || jsonb_build_object({new_id}{changes})) AS row "
                    f"FROM {table} AS t, generate_series(1, {HISTORY})) "
                    f"INSERT INTO {table} SELECT (row).* FROM history"
                )
            )
    with system.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"ANALYZE {', '.join(_HISTORY)}"))


def one_partition_each(statements: Sequence[Planned], *tables: str) -> list[Planned]:
    """The statements that touched ``tables``, after checking that none of them touched more
    than one partition of any table; each of ``tables`` touched by at least one of them."""
    for done in statements:
        for table, partitions in done.touched.items():
            assert len(partitions) == 1, (table, sorted(partitions), done.statement, done.plan)
        for table, partitions in done.generic.items():
            assert len(partitions) == 1, (
                table,
                sorted(partitions),
                done.statement,
                done.generic_plan,
            )
    for table in tables:
        assert any(table in done.touched for done in statements), (table, statements)
    return [done for done in statements if set(tables) & set(done.touched)]


@postgresql_only
def test_the_large_tables_are_hash_partitioned(system: System) -> None:
    with system.engine.connect() as conn:
        found: dict[str, int] = dict(
            conn.execute(
                text(
                    "SELECT c.relname, count(i.inhrelid) FROM pg_partitioned_table p "
                    "JOIN pg_class c ON c.oid = p.partrelid "
                    "LEFT JOIN pg_inherits i ON i.inhparent = c.oid "
                    "WHERE p.partstrat = 'h' GROUP BY c.relname"
                )
            ).all()
        )
        keys: dict[str, str] = dict(
            conn.execute(
                text(
                    "SELECT c.relname, a.attname FROM pg_partitioned_table p "
                    "JOIN pg_class c ON c.oid = p.partrelid "
                    "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = p.partattrs[0]"
                )
            ).all()
        )
    assert found == dict.fromkeys(PARTITION_KEYS, PARTITIONS)
    assert keys == PARTITION_KEYS


def test_a_clinic_check_reads_and_writes_one_partition_of_each_table(
    world: tuple[System, Cards, str],
) -> None:
    system, cards, token = world
    svc = system.services
    with system.uow() as uow:
        caller = tokens.authenticate(uow.session, svc, token)
        nonce = clinic.new_challenge(uow.session, svc, caller=caller).nonce
        uow.commit()
    with planned() as statements, system.uow() as uow:
        answer = clinic.check_with_pin(
            uow.session,
            svc,
            caller=caller,
            nonce=nonce,
            certificate_der=cards.certificates[7],
            signature=cards.sign(7, nonce),
        )
        uow.commit()
    assert answer.eligible
    # The card read: certificate by serial → card by serial → the holder's active registration.
    (card_read,) = one_partition_each(statements, "certificates", "cards", "registrations")
    assert set(card_read.touched) == {"certificates", "cards", "registrations"}
    assert all("Index" in scan for scan in _partition_scans(card_read.plan[0]["Plan"]))
    (visit,) = one_partition_each(statements, "clinic_visits")
    assert visit.statement.lstrip().upper().startswith("INSERT")
    (appended,) = one_partition_each(statements, "audit_log")
    assert appended.statement.lstrip().upper().startswith("INSERT")
    assert any("audit_head" in done.statement for done in statements)  # the chain's head


def test_a_group_of_checks_looks_each_card_up_in_its_own_partition(
    world: tuple[System, Cards, str],
) -> None:
    """The check desk's groups (``check_cards``): under the generic plan the joined card read
    searches each serial in one partition of each table — pruned at run time, value by value —
    rather than every partition for every serial (``= ANY(array)`` could prune only in a plan
    made for the values, planned afresh before each run)."""
    system, cards, token = world
    svc = system.services
    size = 6
    with system.uow() as uow:
        caller = tokens.authenticate(uow.session, svc, token)
        issued = card_auth.issue_challenges(uow.session, svc, [caller] * size)
        uow.commit()
    checks = [
        CardCheck(
            caller, cards.certificates[i], "pin", nonce=c.nonce, signature=cards.sign(i, c.nonce)
        )
        for i, c in enumerate(issued)
    ]
    with planned() as statements, system.uow() as uow:
        outcomes = check_cards(uow.session, svc, checks)
        uow.commit()
    assert all(isinstance(outcome, EligibilityAnswer) for outcome in outcomes), outcomes
    (card_read,) = [done for done in statements if "certificates" in done.touched]
    for table in ("certificates", "cards", "registrations"):
        assert _searches(card_read.plan[0]["Plan"], table) == size, (table, card_read.plan)
        assert _searches(card_read.generic_plan[0]["Plan"], table) == size, (
            table,
            card_read.generic_plan,
        )


def test_a_certificate_is_found_by_its_serial_in_one_partition(
    world: tuple[System, Cards, str],
) -> None:
    system, cards, _ = world
    certificate = x509.load_der_x509_certificate(cards.certificates[3])
    with planned() as statements:
        with system.uow() as uow:
            record = certificate_record(uow.session, certificate)
        with system.uow() as uow:  # a session of its own: not answered from the first's map
            revoked = revocation_lookup(uow.session)(certificate.serial_number)
    assert record is not None and revoked is None
    found = one_partition_each(statements, "certificates")
    assert len(found) == 2


def test_a_number_finds_its_resident_and_the_registration_in_one_partition(
    world: tuple[System, Cards, str],
) -> None:
    system, _, _ = world
    svc = system.services
    with planned() as registering:
        moved_in = register(system)
    one_partition_each(registering, "registrations", "audit_log")
    with system.uow() as uow:
        number = read_my_number(
            uow.session,
            svc,
            caller=ward(),
            person_id=moved_in.person_id,
            purpose=Purpose.RESIDENT_REGISTRY,
        )
        uow.commit()
    with planned() as statements, system.uow() as uow:
        person = find_by_number(
            uow.session, svc, caller=ward(), number=number, purpose=Purpose.RESIDENT_REGISTRY
        )
        registration = active_registration(uow.session, person.id)
        uow.commit()
    assert person.id == moved_in.person_id
    assert registration is not None and registration.id == moved_in.registration_id
    by_number = [done for done in statements if "number_lookup" in done.statement]
    assert by_number and all(not done.touched for done in by_number)  # persons: one table
    one_partition_each(statements, "registrations", "audit_log")


def test_the_load_fills_every_partition_through_the_parent(
    world: tuple[System, Cards, str],
) -> None:
    """The load writes to the parent tables (its binary COPY is routed row by row): every
    partition holds a share."""
    system, _, _ = world
    with system.engine.connect() as conn:
        for table in ("registrations", "cards", "certificates"):
            shares = conn.execute(
                text(f"SELECT tableoid::regclass::text, count(*) FROM {table} GROUP BY 1")
            ).all()
            assert len(shares) == PARTITIONS, (table, shares)
        assert conn.scalar(select(Registration.id).limit(1)) is not None
        assert conn.scalar(select(Card.id).limit(1)) is not None
        assert conn.scalar(select(Certificate.serial).limit(1)) is not None


# --- converting a loaded database ----------------------------------------------------------

BEFORE_PARTITIONS = tuple(
    ScriptDirectory.from_config(alembic_config("sqlite://"))
    .get_revision("0016_h21part_partitions")
    .down_revision
    or ()
)
"""The heads the partitioning migration merges: the schema just before it."""


@pytest.fixture
def unpartitioned(
    pg_url: str,
    tmp_path: Path,
    clock: SimulatedClock,
    post: PostOffice,
    key_source: KeyPool,
    ca_template: Path,
) -> Iterator[System]:
    """A database of its own without migration 0016 (plain tables)."""
    name = worker_database_name("h21part_convert", "main")
    # Every migration but 0016 and what depends on it (the newest code needs the others):
    # the empty database (a copy of this worker's, migrated to the heads) is turned back,
    # then loaded.
    url = copy_of_worker_database(pg_url, name, seeded=False)
    command.downgrade(alembic_config(url), BEFORE_PARTITIONS[0])
    settings = Settings(database_url=url, data_dir=tmp_path / "var", master_key=TEST_MASTER_KEY)
    shutil.copytree(ca_template, settings.data_dir / "ca")
    built = build_system(
        settings, clock=clock, post=post, key_source=key_source, run_migrations=False
    )
    try:
        yield built
    finally:
        built.close()
        drop_later(name)


def _contents(system: System) -> dict[str, Any]:
    """Each converted table's rows (as a sorted list of tuples) and whether it is partitioned."""
    with system.engine.connect() as conn:
        partitioned = set(
            conn.execute(
                text("SELECT CAST(partrelid AS regclass)::text FROM pg_partitioned_table")
            ).scalars()
        )
        return {
            table: (
                table in partitioned,
                sorted(tuple(row) for row in conn.execute(text(f"SELECT * FROM {table}"))),
            )
            for table in PARTITION_KEYS
        }


def _clinic_check(system: System, cards: Cards, token: str, index: int) -> bool:
    with system.uow() as uow:
        caller = tokens.authenticate(uow.session, system.services, token)
        nonce = clinic.new_challenge(uow.session, system.services, caller=caller).nonce
        answer = clinic.check_with_pin(
            uow.session,
            system.services,
            caller=caller,
            nonce=nonce,
            certificate_der=cards.certificates[index],
            signature=cards.sign(index, nonce),
        )
        uow.commit()
    return answer.eligible


def test_the_migration_converts_a_loaded_database_and_back(unpartitioned: System) -> None:
    system = unpartitioned
    url = system.settings.database_url
    with system.uow() as uow:
        seed_municipalities(uow.session)
        uow.commit()
    cards, token = enrol(system, 40, Console(quiet=True), sample=5, workers=0, keys=bench_keys())
    assert _clinic_check(system, cards, token, 1)  # a visit to convert
    before = _contents(system)
    assert all(not partitioned and rows for partitioned, rows in before.values())
    command.upgrade(alembic_config(url), "heads")
    after = _contents(system)
    assert after == {table: (True, rows) for table, (_, rows) in before.items()}
    with system.uow() as uow:
        assert verify_chain(uow.session).ok  # the chains read back from their partitions
    # The converted tables take new rows: a visit, audit entries.
    assert _clinic_check(system, cards, token, 2)
    # And their guards: the audit log is append-only.
    with system.engine.connect() as conn, pytest.raises(DBAPIError, match="append-only"):
        conn.execute(text("DELETE FROM audit_log"))
    grown = _contents(system)
    # Down to one of the heads 0016 merges: only 0016 depends on it, the others stay applied.
    command.downgrade(alembic_config(url), BEFORE_PARTITIONS[0])
    assert _contents(system) == {table: (False, rows) for table, (_, rows) in grown.items()}
    command.upgrade(alembic_config(url), "heads")
    assert _contents(system) == grown
