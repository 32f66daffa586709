"""The tests' own PostgreSQL databases commit without waiting for the disk
(``create_test_database``: ``synchronous_commit = off``), for every connection to them; and a
copy of the worker's database is made from it, not refused for connections left open."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from mynumber.bootstrap import System
from mynumber.card.keys import KeyPool
from tests.conftest import system_at, worker_database_name
from tests.integration.bench_support import _clone, copy_of_worker_database, drop_later
from tests.integration.helpers import idle_in_every_pool

pytestmark = pytest.mark.postgres


def _synchronous_commit(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return str(conn.scalar(text("SHOW synchronous_commit")))
    finally:
        engine.dispose()


def test_the_workers_database_commits_without_waiting_for_the_disk(pg_url: str) -> None:
    assert _synchronous_commit(pg_url) == "off"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_the_products_own_connections_to_it_do_too(system: System) -> None:
    with system.engine.connect() as conn:
        assert conn.scalar(text("SHOW synchronous_commit")) == "off"


def test_a_copy_of_the_workers_database_does_too(pg_url: str) -> None:
    # CREATE DATABASE … TEMPLATE copies the files, not the database's own settings.
    name = worker_database_name("sync_copy", "main")
    url = copy_of_worker_database(pg_url, name)
    try:
        assert _synchronous_commit(url) == "off"
    finally:
        drop_later(name)  # its checkpoint not waited for


def test_a_copy_is_not_refused_after_a_system_is_closed(
    pg_url: str, tmp_path: Path, ca_template: Path, key_source: KeyPool
) -> None:
    """PostgreSQL refuses ``CREATE DATABASE … TEMPLATE`` while anyone is connected to the
    source; ``copy_of_worker_database`` then waits 5 s and migrates a new database instead. A
    system a module builds for itself holds idle connections in three pools (the register's,
    the PIN tries', the clinic desk's asynchronous units): its owner closes them in one call
    (``System.close``), so the copy itself is made (``_clone`` raises if refused)."""
    shutil.copytree(ca_template, tmp_path / "var" / "ca")
    system = system_at(pg_url, tmp_path / "var", key_source)
    name = worker_database_name("held_copy", "main")
    source = make_url(pg_url).database
    assert source is not None
    try:
        idle_in_every_pool(system)  # one idle connection left in each pool
        system.close()
        _clone(source, name)
    finally:
        system.close()
        drop_later(name)
