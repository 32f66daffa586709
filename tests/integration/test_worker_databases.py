"""The tests' own PostgreSQL databases commit without waiting for the disk
(``create_test_database``: ``synchronous_commit = off``), for every connection to them."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from mynumber.bootstrap import System
from tests.conftest import worker_database_name
from tests.integration.bench_support import copy_of_worker_database, drop_later

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
