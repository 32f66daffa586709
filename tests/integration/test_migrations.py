"""The migrations build the schema the models describe, on both backends."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from mynumber.adapters.db import engine as engine_module
from mynumber.adapters.db.all_models import Base
from mynumber.adapters.db.engine import alembic_config, migrate, pending_migrations
from mynumber.adapters.db.partitions import include_name


def test_the_migrated_schema_is_the_models_schema(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert (
                compare_metadata(
                    MigrationContext.configure(conn, opts={"include_name": include_name}),
                    Base.metadata,
                )
                == []
            )
    finally:
        engine.dispose()


def test_a_database_at_the_newest_schema_is_only_looked_at(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every command and server start migrates: with nothing pending, alembic's upgrade (its
    environment and every revision loaded again) is not run at all."""

    def upgrade(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("upgrade run on a database at the newest schema")

    monkeypatch.setattr(engine_module.command, "upgrade", upgrade)
    migrate(db_url)


def test_a_database_one_migration_behind_is_brought_to_the_newest_schema(db_url: str) -> None:
    head = "0016_h17misc_express_pins"
    command.downgrade(alembic_config(db_url), f"{head}@-1")
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert pending_migrations(conn) == [head]
        migrate(db_url)
        with engine.connect() as conn:
            assert pending_migrations(conn) == []
    finally:
        engine.dispose()


def test_the_look_uses_the_engine_it_is_given_and_leaves_it_open(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build_system`` has its engines before it migrates: the look at the schema goes
    through the one given (no engine made and disposed for it), whose connection stays in its
    pool; behind the newest schema, the upgrade still runs."""

    def no_new_engine(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an engine made for the look")

    given = engine_module.make_engine(db_url)
    try:
        with monkeypatch.context() as patch:  # the look only (an upgrade makes its own)
            patch.setattr(engine_module, "make_engine", no_new_engine)
            migrate(db_url, engine=given)
        assert given.pool.checkedin() == 1  # its connection back in its pool, not closed
        head = "0016_h17misc_express_pins"
        command.downgrade(alembic_config(db_url), f"{head}@-1")
        given.pool.dispose()  # the downgrade's DDL waits for no one's open transaction
        migrate(db_url, engine=given)
        with given.connect() as conn:
            assert pending_migrations(conn) == []
    finally:
        given.dispose()
