"""card lifecycle: application kinds and due dates, collection, suspension, moving, notices

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mynumber.adapters.db.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = mynumber.adapters.db.types.UtcDateTime(timezone=True)
_OPEN = sa.text("status IN ('received', 'manufactured')")
_ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    with op.batch_alter_table("card_applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="new")
        )
        batch_op.add_column(sa.Column("replaces_card_serial", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("express_reason", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("due_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("collect_by", sa.Date(), nullable=True))
        batch_op.create_index(
            "uq_card_applications_one_open",
            ["person_id"],
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.add_column(sa.Column("collected_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("suspended_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("invalidated_at", _TIME, nullable=True))
        batch_op.add_column(sa.Column("moving_to", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("moving_out_planned_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("moved_in_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("moving_in_filed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("chip_updated_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("validity_extended", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("card_notice_sent_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("certificate_notice_sent_on", sa.Date(), nullable=True))
        batch_op.create_index(
            "uq_cards_one_active",
            ["person_id"],
            unique=True,
            sqlite_where=_ACTIVE,
            postgresql_where=_ACTIVE,
        )


def downgrade() -> None:
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index("uq_cards_one_active", sqlite_where=_ACTIVE, postgresql_where=_ACTIVE)
        for name in (
            "certificate_notice_sent_on",
            "card_notice_sent_on",
            "validity_extended",
            "chip_updated_on",
            "moving_in_filed_on",
            "moved_in_on",
            "moving_out_planned_on",
            "moving_to",
            "invalidated_at",
            "suspended_at",
            "collected_at",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("card_applications", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_card_applications_one_open", sqlite_where=_OPEN, postgresql_where=_OPEN
        )
        for name in ("collect_by", "due_at", "express_reason", "replaces_card_serial", "kind"):
            batch_op.drop_column(name)
