"""staff: organisations, clerks with their own logins, server-side browser sessions; API
tokens that expire and are revoked at a time; the clerk named in the audit log

Revision ID: 0009_staff
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mynumber.adapters.db.types import UtcDateTime

revision: str = "0009_staff"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("municipality_code", sa.String(6), nullable=True),
        sa.Column("scope_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("organisations") as batch:
        batch.create_index("ix_organisations_name", ["name"])
    op.create_table(
        "clerks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "organisation_id", sa.Integer(), sa.ForeignKey("organisations.id"), nullable=False
        ),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("employer_staff_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("login"),
    )
    with op.batch_alter_table("clerks") as batch:
        batch.create_index("ix_clerks_organisation_id", ["organisation_id"])
    op.create_table(
        "browser_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("clerk_id", sa.Integer(), sa.ForeignKey("clerks.id"), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("card_serial", sa.String(32), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", UtcDateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("browser_sessions") as batch:
        batch.create_index("ix_browser_sessions_clerk_id", ["clerk_id"])
        batch.create_index("ix_browser_sessions_created_at", ["created_at"])
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("expires_at", UtcDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", UtcDateTime(timezone=True), nullable=True))
        batch.create_index("ix_api_tokens_organisation_id", ["organisation_id"])
    # A plain ADD COLUMN (no table copy on SQLite): the append-only triggers stay in place.
    op.add_column("audit_log", sa.Column("clerk", sa.String(64), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_log", "clerk")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_index("ix_api_tokens_organisation_id")
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
        batch.drop_column("organisation_id")
    op.drop_table("browser_sessions")
    op.drop_table("clerks")
    op.drop_table("organisations")
