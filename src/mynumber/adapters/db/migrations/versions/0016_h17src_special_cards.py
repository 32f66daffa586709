"""immigration: bureaus, stay cases and the special residence card's kind

Issue 17, "the special residence card" (特定在留カード, from 2026-06-14): a card of a new kind,
issued and renewed with the stay at a regional immigration bureau, which keeps a stay case of
the resident.

Revision ID: 0016_h17src_special_cards
Revises: 0015_register_announced_arrivals
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mynumber.adapters.db.types import UtcDateTime

_TIME = UtcDateTime(timezone=True)

revision: str = "0016_h17src_special_cards"
down_revision: str | None = "0015_register_announced_arrivals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "immigration_bureaus",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_ja", sa.String(length=100), nullable=False),
        sa.Column("prefectures", sa.String(length=150), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "stay_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bureau_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("card_serial", sa.String(length=32), nullable=False),
        sa.Column("opened_at", _TIME, nullable=False),
        sa.Column("updated_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["bureau_id"], ["immigration_bureaus.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bureau_id", "person_id", name="uq_stay_cases_bureau_person"),
    )
    op.create_index("ix_stay_cases_bureau_id", "stay_cases", ["bureau_id"])
    op.create_index("ix_stay_cases_person_id", "stay_cases", ["person_id"])
    with op.batch_alter_table("cards") as batch:
        batch.add_column(
            sa.Column(
                "kind",
                sa.String(length=30),
                server_default="my_number_card",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("kind")
    op.drop_index("ix_stay_cases_person_id", table_name="stay_cases")
    op.drop_index("ix_stay_cases_bureau_id", table_name="stay_cases")
    op.drop_table("stay_cases")
    op.drop_table("immigration_bureaus")
