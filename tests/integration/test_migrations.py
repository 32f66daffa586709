"""The migrations build the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from mynumber.adapters.db.all_models import Base
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
