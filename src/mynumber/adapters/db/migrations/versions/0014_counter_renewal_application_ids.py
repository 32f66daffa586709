"""cards: the application ID printed on the renewal notice

RULES.md "renewal notice": the 有効期限通知書 carries a new application ID (申請書ID) and its
QR code, so the holder can apply online for the new card (issue 17).

Revision ID: 0014_counter_renewal_ids
Revises: 0013_pin_reset_pre_applications
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_counter_renewal_ids"
down_revision: str | None = "0013_pin_reset_pre_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.add_column(sa.Column("renewal_application_id", sa.String(length=23), nullable=True))
        batch.create_index(
            "ix_cards_renewal_application_id", ["renewal_application_id"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.drop_index("ix_cards_renewal_application_id")
        batch.drop_column("renewal_application_id")
