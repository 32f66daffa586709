"""The test fixtures' PostgreSQL reset (``reset_postgres``) leaves the database as migrated:
the migrations' own rows and nothing else, sequences from the start, the audit log's
trigger still on."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from mynumber.bootstrap import System
from mynumber.demo.data import seed_municipalities
from tests.conftest import reset_postgres, worker_database_name
from tests.integration.helpers import register

# Only PostgreSQL is reset this way (SQLite tests copy a migrated file).
on_postgres = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    found = create_engine(pg_url)
    yield found
    found.dispose()


def _seed(system: System) -> None:
    """The municipalities again (the ``system`` fixture seeds them; a reset removes them)."""
    with system.uow() as uow:
        seed_municipalities(uow.session)
        uow.commit()


def _contents(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, sorted (to compare one moment with another)."""
    with engine.connect() as conn:
        tables = conn.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).all()
        return {
            t: sorted((tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
            for t in tables
        }


@pytest.mark.postgres
@on_postgres
def test_a_reset_brings_back_the_database_as_migrated(
    pg_url: str,
    engine: Engine,
    system: System,
) -> None:
    reset_postgres(pg_url)
    migrated = _contents(engine)
    _seed(system)
    first = register(system).person_id
    assert _contents(engine) != migrated  # people, registrations, audit…
    reset_postgres(pg_url)
    reset_postgres(pg_url)  # twice in a row is as good as once
    assert _contents(engine) == migrated
    _seed(system)
    assert register(system).person_id == first  # the sequences start again


@pytest.mark.postgres
@on_postgres
def test_after_a_reset_the_audit_log_still_refuses_deletes(
    pg_url: str,
    engine: Engine,
    system: System,
) -> None:
    register(system)
    reset_postgres(pg_url)
    _seed(system)
    register(system)
    with engine.begin() as conn, pytest.raises(Exception, match="append-only"):
        conn.execute(text("DELETE FROM audit_log"))


def test_each_worker_has_a_database_of_its_own() -> None:
    names = {worker_database_name("test", w) for w in ("gw0", "gw1", "gw0")}
    assert len(names) == 3 and all(n.startswith(("test_gw0_", "test_gw1_")) for n in names)


@pytest.mark.sqlite_only  # what the marker does, tested on itself
def test_a_test_marked_sqlite_only_runs_on_sqlite_alone(
    db_url: str, request: pytest.FixtureRequest
) -> None:
    assert db_url.startswith("sqlite:///")
    assert request.node.name.endswith("[sqlite]")  # a [postgresql] twin would fail here


@pytest.mark.postgres
@on_postgres
def test_the_seeded_reset_is_the_migrated_database_and_the_seeded_municipalities(
    pg_url: str,
    engine: Engine,
    system: System,
) -> None:
    """What ``db_url`` gives a test that uses ``system`` (seeded once per worker) is what
    seeding in every test gave."""
    reset_postgres(pg_url)
    _seed(system)
    seeded_here = _contents(engine)
    register(system)
    reset_postgres(pg_url, seeded=True)
    assert _contents(engine) == seeded_here
    assert seeded_here["municipalities"]


def test_the_seeded_sqlite_template_is_the_template_and_the_seeded_municipalities(
    sqlite_template: Path, sqlite_seeded_template: Path, tmp_path: Path
) -> None:
    """The same for SQLite: the seeded template, copied alone as ``db_url`` copies it, holds
    the template's rows after seeding."""
    shutil.copy(sqlite_template, tmp_path / "here.sqlite3")
    here = create_engine(f"sqlite:///{tmp_path / 'here.sqlite3'}")
    with Session(here) as session:
        seed_municipalities(session)
        session.commit()
    shutil.copy(sqlite_seeded_template, tmp_path / "kept.sqlite3")  # the file alone, as db_url
    kept = create_engine(f"sqlite:///{tmp_path / 'kept.sqlite3'}")
    try:
        assert _sqlite_contents(here) == _sqlite_contents(kept)
        assert _sqlite_contents(kept)["municipalities"]
    finally:
        here.dispose()
        kept.dispose()


def _sqlite_contents(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as conn:
        tables = conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'table'")).all()
        return {
            t: sorted((tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
            for t in tables
        }
