"""Shared fixtures: a fresh database on each backend, a simulated clock, callers.

Database tests run on SQLite and on PostgreSQL (127.0.0.1:5432, database ``test``, trust
auth). When PostgreSQL is unreachable the PostgreSQL cases skip locally and fail in CI.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mynumber.adapters.db.all_models import Base
from mynumber.adapters.db.engine import migrate
from mynumber.adapters.mail import PostOffice
from mynumber.bootstrap import System, build_system
from mynumber.card.keys import KeyPool
from mynumber.config import Settings
from mynumber.domain.access import Role
from mynumber.domain.clock import JST, SimulatedClock
from mynumber.services.core.context import Caller

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
def pg_url() -> Iterator[str]:
    """A database of this test session's own, migrated once, dropped at the end."""
    if not _pg_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 and CI=true")
        pytest.skip("PostgreSQL not reachable")
    name = f"mynumber_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    migrate(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
        ), {"n": name})
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text(
            "INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, :h)"
        ), {"h": "0" * 64})
        conn.execute(text("INSERT INTO counters (name, value) VALUES ('registry_code', 0)"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A fresh, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "mynumber.sqlite3"
        shutil.copy(sqlite_template, path)
        shutil.copy(sqlite_template, tmp_path / "mynumber-chips.sqlite3")
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_url")
    reset_postgres(url)
    return url


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
def post() -> PostOffice:
    return PostOffice()


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=db_url, data_dir=tmp_path / "var", master_key=TEST_MASTER_KEY)


@pytest.fixture(scope="session")
def key_source() -> KeyPool:
    """Card key pairs from a pool (an RSA-2048 pair costs ~40 ms; the product makes fresh ones)."""
    return KeyPool.generate(6)


@pytest.fixture(scope="session")
def ca_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The card centre's CA made once per test session, copied into each test's data dir."""
    from mynumber.adapters.keys import KeyRing
    from mynumber.pki.ca import CertificateAuthority
    directory = tmp_path_factory.mktemp("ca") / "ca"
    keys = KeyRing.from_master(bytes.fromhex(TEST_MASTER_KEY))
    CertificateAuthority.load_or_create(directory, keys.ca_passphrase,
                                        now=START - dt.timedelta(days=365),
                                        base_url="http://127.0.0.1:8000/jpki")
    return directory


@pytest.fixture
def system(settings: Settings, clock: SimulatedClock, post: PostOffice, key_source: KeyPool,
           ca_template: Path) -> Iterator[System]:
    from mynumber.demo.data import seed_municipalities
    shutil.copytree(ca_template, settings.data_dir / "ca")
    built = build_system(settings, clock=clock, post=post, key_source=key_source,
                         run_migrations=False)
    with built.uow() as uow:
        seed_municipalities(uow.session)
        uow.commit()
    yield built
    built.engine.dispose()


def ward(municipality: str = "131016") -> Caller:
    return Caller(name=f"ward office {municipality}", role=Role.WARD_OFFICE,
                  municipality_code=municipality)


def caller(role: Role, **kw: object) -> Caller:
    return Caller(name=f"test {role.value}", role=role, **kw)  # type: ignore[arg-type]
