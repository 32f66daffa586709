"""Beyond one machine, tried on one (issue 21.5; docs/scale.md, "Beyond one machine").

Three PostgreSQL servers of the test's own (``postgres_instances``): ``east``, the primary of
one group of municipalities (Tokyo's), migrated with the project's Alembic migrations; its
streaming replica ``east_replica`` (``pg_basebackup -R``); ``west``, the primary of another
group (Osaka's). A ``coordinator`` database on ``east`` sees both groups' registrations as one
table partitioned by municipality, each partition a ``postgres_fdw`` foreign table on its
group's primary. The service writes through the same code on each primary; the replica
serves reads and refuses writes; one primary stopped, the other group carries on; the
replica promoted, its group carries on there.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from mynumber.adapters.db.models import Counter, Person, Registration
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
from mynumber.services.insurance import clinic
from mynumber.services.registry import numbers
from mynumber.services.registry.numbers import REGISTRY_SEQUENCE
from tests.conftest import START, TEST_MASTER_KEY, ward
from tests.integration import postgres_instances
from tests.integration.bench_support import bench_keys
from tests.integration.helpers import register
from tests.integration.postgres_instances import Instance, Servers

EAST = ("011002", "131016", "131041", "131130", "141003")  # Hokkaido, Tokyo, Kanagawa
WEST = ("231002", "261009", "271004", "401307")  # Aichi, Kyoto, Osaka, Fukuoka
TOKYO, OSAKA = "131016", "271004"
WEST_BLOCK = 1_000_000_000
"""The west group's first registry sequence number: each primary draws registry codes (and so
My Numbers) from a block of its own, or both would give their first resident the same one.
(``counters.value`` is a 32-bit INTEGER: blocks must end below 2,147,483,647.)"""
READ_ONLY = "25006"  # SQLSTATE read_only_sql_transaction
CATCH_UP = 60.0


@dataclass
class Group:
    primary: Instance
    system: System


@dataclass
class World:
    servers: Servers
    east: Group
    west: Group
    replica: Instance
    replica_system: System
    coordinator: Engine
    cards: Cards
    clinic_token: str


def _system(url: str, data_dir: Path, ca_template: Path, key_source: KeyPool, **kw: Any) -> System:
    if not (data_dir / "ca").exists():
        shutil.copytree(ca_template, data_dir / "ca")
    settings = Settings(database_url=url, data_dir=data_dir, master_key=TEST_MASTER_KEY)
    return build_system(
        settings, clock=SimulatedClock(START), post=PostOffice(), key_source=key_source, **kw
    )


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, ca_template: Path, key_source: KeyPool
) -> Iterator[World]:
    why = postgres_instances.missing()
    if why:
        pytest.skip(why)
    servers = Servers.make(Path("/tmp"))
    engines: list[Engine] = []
    systems: list[System] = []
    try:
        east, west = servers.new("east"), servers.new("west")
        east.initdb()
        west.fresh_copy_of(east)
        for instance in (east, west):  # side by side: each start waits on its own
            instance.launch()
        for instance in (east, west):
            instance.ready()
            with psycopg_autocommit(instance) as conn:
                conn.execute(text("CREATE DATABASE mynumber"))
        # The same code on each primary: the project's migrations (build_system runs them).
        data = tmp_path_factory.mktemp("var")
        east_system = _system(east.url("mynumber"), data / "east", ca_template, key_source)
        west_system = _system(west.url("mynumber"), data / "west", ca_template, key_source)
        systems += [east_system, west_system]
        for system in (east_system, west_system):
            with system.uow() as uow:
                seed_municipalities(uow.session)  # the register's list; each group uses its own
                uow.commit()
        _start_registry_codes_at(west_system, WEST_BLOCK)
        # A few insured residents with cards in Tokyo, and a clinic there (the bench's set-up),
        # loaded in this process (no worker process to start for three residents), the cards'
        # key pairs the test loads' own (made once per process).
        cards, token = enrol(east_system, 3, Console(quiet=True), workers=0, keys=bench_keys())
        replica = servers.new("east_replica")
        replica.base_backup_of(east)
        replica.start()
        replica_system = _system(
            replica.url("mynumber"), data / "east", ca_template, key_source, run_migrations=False
        )
        systems.append(replica_system)
        coordinator = _coordinator(east, west)
        engines.append(coordinator)
        yield World(
            servers,
            Group(east, east_system),
            Group(west, west_system),
            replica,
            replica_system,
            coordinator,
            cards,
            token,
        )
    finally:
        for system in systems:
            system.close()
        for engine in engines:
            engine.dispose()
        servers.close()


class psycopg_autocommit:
    """An autocommit connection to an instance's ``postgres`` database (for DDL)."""

    def __init__(self, instance: Instance, database: str = "postgres") -> None:
        self.engine = create_engine(instance.url(database), isolation_level="AUTOCOMMIT")

    def __enter__(self) -> Any:
        self.conn = self.engine.connect()
        return self.conn

    def __exit__(self, *exc: object) -> None:
        self.conn.close()
        self.engine.dispose()


def _start_registry_codes_at(system: System, first: int) -> None:
    """The group's block of registry codes: the next one drawn is ``first``."""
    with system.uow() as uow:
        sequence = uow.session.execute(
            text("SELECT to_regclass('registry_codes') IS NOT NULL")
        ).scalar_one()
        if sequence:  # a PostgreSQL sequence (docs/scale.md, "Nothing serialises the country")
            uow.session.execute(text("SELECT setval('registry_codes', :v, false)"), {"v": first})
        else:  # the counter row holds the last code drawn
            uow.session.execute(
                update(Counter).where(Counter.name == REGISTRY_SEQUENCE).values(value=first - 1)
            )
        uow.commit()


def _coordinator(east: Instance, west: Instance) -> Engine:
    """The ``coordinator`` database: ``registrations`` partitioned by municipality, each
    group's partition a foreign table on that group's primary."""
    with psycopg_autocommit(east) as conn:
        conn.execute(text("CREATE DATABASE coordinator"))
    engine = create_engine(east.url("coordinator"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CREATE EXTENSION postgres_fdw"))
        for name, instance in (("group_east", east), ("group_west", west)):
            conn.execute(
                text(
                    f"CREATE SERVER {name} FOREIGN DATA WRAPPER postgres_fdw OPTIONS "
                    f"(host '127.0.0.1', port '{instance.port}', dbname 'mynumber')"
                )
            )
            conn.execute(
                text(f"CREATE USER MAPPING FOR postgres SERVER {name} OPTIONS (user 'postgres')")
            )
        # The columns as the primaries' migrations made them, not written out again here.
        conn.execute(text("CREATE SCHEMA shape"))
        conn.execute(
            text(
                "IMPORT FOREIGN SCHEMA public LIMIT TO (registrations) "
                "FROM SERVER group_east INTO shape"
            )
        )
        conn.execute(
            text(
                "CREATE TABLE registrations (LIKE shape.registrations) "
                "PARTITION BY LIST (municipality_code)"
            )
        )
        for group, codes in (("east", EAST), ("west", WEST)):
            listed = ", ".join(f"'{code}'" for code in codes)
            conn.execute(
                text(
                    f"CREATE FOREIGN TABLE registrations_{group} PARTITION OF registrations "
                    f"FOR VALUES IN ({listed}) SERVER group_{group} "
                    "OPTIONS (table_name 'registrations')"
                )
            )
    return engine


def _foreign_scans(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan] if plan.get("Node Type") == "Foreign Scan" else []
    for child in plan.get("Plans", []):
        found += _foreign_scans(child)
    return found


def _caught_up(primary: Instance, replica: Instance) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    with psycopg_autocommit(primary) as conn:
        target = conn.execute(text("SELECT pg_current_wal_lsn()")).scalar_one()
    deadline = time.monotonic() + CATCH_UP
    with psycopg_autocommit(replica) as conn:
        while not conn.execute(
            text("SELECT pg_last_wal_replay_lsn() >= CAST(:t AS pg_lsn)"), {"t": target}
        ).scalar_one():
            if time.monotonic() > deadline:
                raise TimeoutError(f"replica not at {target} after {CATCH_UP} s")
            time.sleep(0.02)


def _registry_code(system: System, person_id: int) -> str:
    with system.reading() as uow:
        return uow.session.scalars(select(Person.registry_code).where(Person.id == person_id)).one()


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


# --- (a) a streaming read replica ----------------------------------------------------------


def test_a_write_on_the_primary_is_read_on_the_replica(world: World) -> None:
    east, replica = world.east, world.replica_system
    person = register(east.system, TOKYO, name_latin="Replica Reader").person_id
    _caught_up(east.primary, world.replica)
    with replica.reading() as uow:
        row = uow.session.execute(
            select(Person.name_latin, Registration.municipality_code)
            .join(Registration, Registration.person_id == Person.id)
            .where(Person.id == person)
        ).one()
        assert tuple(row) == ("REPLICA READER", TOKYO)  # names kept as the register writes them
        assert uow.session.execute(text("SELECT pg_is_in_recovery()")).scalar_one() is True
    assert replica.readiness().ready  # every migration there: replayed, not run


def test_the_replica_refuses_writes_even_a_read_that_audits(world: World) -> None:
    east, replica = world.east, world.replica_system
    person = register(east.system, TOKYO, name_latin="Audited Read").person_id
    _caught_up(east.primary, world.replica)
    with pytest.raises(DBAPIError) as refused:
        register(replica, TOKYO, name_latin="Never Written")
    assert _sqlstate(refused.value) == READ_ONLY
    # Reading a My Number writes its audit entry (at commit, before the answer leaves): it
    # belongs on the primary, not on a replica.
    with pytest.raises(DBAPIError) as refused, replica.uow() as uow:
        numbers.read_my_number(
            uow.session,
            replica.services,
            caller=ward(TOKYO),
            person_id=person,
            purpose=Purpose.RESIDENT_REGISTRY,
        )
        uow.commit()
    assert _sqlstate(refused.value) == READ_ONLY
    with east.system.uow() as uow:
        number = numbers.read_my_number(
            uow.session,
            east.system.services,
            caller=ward(TOKYO),
            person_id=person,
            purpose=Purpose.RESIDENT_REGISTRY,
        )
        uow.commit()
    assert len(number.digits) == 12
    with east.system.reading() as uow:
        names = set(uow.session.scalars(select(Person.name_latin)))
        assert verify_chain(uow.session).ok
    assert "NEVER WRITTEN" not in names


# --- (b) two primaries behind a coordinator ------------------------------------------------


def test_the_coordinator_finds_residents_of_both_groups(world: World) -> None:
    tokyo = register(world.east.system, TOKYO, name_latin="Tokyo Resident").person_id
    osaka = register(world.west.system, OSAKA, name_latin="Osaka Resident").person_id
    # Each group draws registry codes from its own block: no number is issued twice.
    east_code = _registry_code(world.east.system, tokyo)
    west_code = _registry_code(world.west.system, osaka)
    assert int(east_code) < WEST_BLOCK <= int(west_code)
    with world.coordinator.connect() as conn:
        found = conn.execute(
            text(
                "SELECT municipality_code, person_id FROM registrations "
                "WHERE address = :a ORDER BY municipality_code"
            ),
            {"a": "1-1 Chiyoda, Chiyoda-ku, Tokyo"},
        ).all()
    assert (TOKYO, tokyo) in found and (OSAKA, osaka) in found


def test_a_one_municipality_query_goes_to_one_server(world: World) -> None:
    register(world.west.system, OSAKA, name_latin="Pruned Query")
    query = "SELECT person_id, address FROM registrations WHERE municipality_code = :m"
    with world.coordinator.connect() as conn:
        plan = conn.execute(
            text(f"EXPLAIN (VERBOSE, FORMAT JSON) {query}"), {"m": OSAKA}
        ).scalar_one()
        plan = plan if isinstance(plan, list) else json.loads(plan)
        scans = _foreign_scans(plan[0]["Plan"])
        assert [scan["Relation Name"] for scan in scans] == ["registrations_west"]
        assert "municipality_code" in scans[0]["Remote SQL"]  # filtered there, not here
        conn.execute(text("SELECT postgres_fdw_disconnect_all()"))
        assert conn.execute(text(query), {"m": OSAKA}).all()
        opened = conn.execute(text("SELECT server_name FROM postgres_fdw_get_connections()"))
        assert [name for (name,) in opened] == ["group_west"]


# --- (c) one primary stopped ----------------------------------------------------------------


def test_with_one_primary_down_the_other_group_carries_on(world: World) -> None:
    east, west = world.east, world.west
    west.primary.stop()
    try:
        assert not west.system.readiness().ready
        assert west.system.readiness().database == "unreachable"
        with pytest.raises(OperationalError):
            register(west.system, OSAKA, name_latin="Waits For Osaka")
        # Tokyo's registrations and clinic checks go on.
        tokyo = register(east.system, TOKYO, name_latin="During The Outage").person_id
        with east.system.uow() as uow:
            svc = east.system.services
            caller = tokens.authenticate(uow.session, svc, world.clinic_token)
            nonce = clinic.new_challenge(uow.session, svc, caller=caller).nonce
            answer = clinic.check_with_pin(
                uow.session,
                svc,
                caller=caller,
                nonce=nonce,
                certificate_der=world.cards.certificates[0],
                signature=world.cards.sign(0, nonce),
            )
            uow.commit()
        assert answer.eligible
        with world.coordinator.connect() as conn:
            # A question for Tokyo never reaches the stopped server…
            found = conn.execute(
                text("SELECT person_id FROM registrations WHERE municipality_code = :m"),
                {"m": TOKYO},
            ).scalars()
            assert tokyo in set(found)
            # …one for the whole country cannot be answered.
            with pytest.raises(OperationalError, match="group_west"):
                conn.execute(text("SELECT count(*) FROM registrations")).scalar_one()
    finally:
        if west.primary.process is None:
            west.primary.start()
    # Back: the west group answers again, the coordinator sees both.
    assert west.system.readiness().ready
    osaka = register(west.system, OSAKA, name_latin="After The Outage").person_id
    with world.coordinator.connect() as conn:
        everyone = set(
            conn.execute(text("SELECT municipality_code, person_id FROM registrations")).all()
        )
    assert {(TOKYO, tokyo), (OSAKA, osaka)} <= set(map(tuple, everyone))
    with east.system.reading() as uow:
        assert verify_chain(uow.session).ok
    with west.system.reading() as uow:
        assert verify_chain(uow.session).ok


# --- (d) failover: the replica promoted ------------------------------------------------------


def test_the_promoted_replica_takes_over_its_group(world: World) -> None:
    east, promoted = world.east, world.replica_system
    before = register(east.system, TOKYO, name_latin="Before Failover").person_id
    _caught_up(east.primary, world.replica)
    east.primary.stop()
    assert not east.system.readiness().ready
    with psycopg_autocommit(world.replica) as conn:
        assert conn.execute(text("SELECT pg_promote(wait => true)")).scalar_one() is True
    # The same code on the promoted server: what east committed is there, and it takes writes.
    after = register(promoted, TOKYO, name_latin="After Failover").person_id
    assert after != before
    with promoted.uow() as uow:
        svc = promoted.services
        caller = tokens.authenticate(uow.session, svc, world.clinic_token)
        nonce = clinic.new_challenge(uow.session, svc, caller=caller).nonce
        answer = clinic.check_with_pin(
            uow.session,
            svc,
            caller=caller,
            nonce=nonce,
            certificate_der=world.cards.certificates[1],
            signature=world.cards.sign(1, nonce),
        )
        uow.commit()
    assert answer.eligible
    with promoted.reading() as uow:
        names = set(
            uow.session.scalars(select(Person.name_latin).where(Person.id.in_([before, after])))
        )
        assert names == {"BEFORE FAILOVER", "AFTER FAILOVER"}
        assert verify_chain(uow.session).ok
