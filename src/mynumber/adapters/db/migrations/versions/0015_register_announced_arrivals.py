"""register: arrivals announced by an online 転出届 (引越しワンストップ)

Issue 17, "moving online": the card holder files the 転出届 in the portal with the card and
announces the visit to the new municipality, whose office sees it and completes the 転入届.

Revision ID: 0015_register_announced_arrivals
Revises: 0014_register_number_changes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mynumber.adapters.db.types import UtcDateTime

_TIME = UtcDateTime(timezone=True)

revision: str = "0015_register_announced_arrivals"
down_revision: str | None = "0014_register_number_changes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "announced_arrivals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("from_municipality", sa.String(length=6), nullable=False),
        sa.Column("to_municipality", sa.String(length=6), nullable=False),
        sa.Column("card_serial", sa.String(length=32), nullable=False),
        sa.Column("planned_move_on", sa.Date(), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("visit_deadline", sa.Date(), nullable=False),
        sa.Column("filed_at", _TIME, nullable=False),
        sa.Column("completed_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_announced_arrivals_person_id", "announced_arrivals", ["person_id"])
    op.create_index(
        "ix_announced_arrivals_to_municipality", "announced_arrivals", ["to_municipality"]
    )


def downgrade() -> None:
    op.drop_index("ix_announced_arrivals_to_municipality", table_name="announced_arrivals")
    op.drop_index("ix_announced_arrivals_person_id", table_name="announced_arrivals")
    op.drop_table("announced_arrivals")
