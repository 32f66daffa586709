"""Alembic environment: our metadata, batch mode so SQLite and PostgreSQL share migrations."""

from __future__ import annotations

from alembic import context

from mynumber.adapters.db.all_models import Base
from mynumber.adapters.db.engine import make_engine
from mynumber.adapters.db.partitions import include_name

config = context.config


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url") or ""
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
