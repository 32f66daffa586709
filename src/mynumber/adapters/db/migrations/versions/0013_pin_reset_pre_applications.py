"""kiosk: smartphone pre-applications to reset a PIN at a convenience-store kiosk

RULES.md "unlock / reset": the signature PIN is reset at a kiosk within 24 hours of a
smartphone pre-application that proved the 4-digit PIN and the face (issue 17.7).

Revision ID: 0013_pin_reset_pre_applications
Revises: 0012_chip_tries
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mynumber.adapters.db.types import UtcDateTime

_TIME = UtcDateTime(timezone=True)

revision: str = "0013_pin_reset_pre_applications"
down_revision: str | None = "0012_chip_tries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pin_reset_pre_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_serial", sa.String(length=32), nullable=False),
        sa.Column("pin_kind", sa.String(length=32), nullable=False),
        sa.Column("made_at", _TIME, nullable=False),
        sa.Column("used_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_pin_reset_pre_applications_card_serial", "pin_reset_pre_applications", ["card_serial"]
    )


def downgrade() -> None:
    op.drop_index(
        "ix_pin_reset_pre_applications_card_serial", table_name="pin_reset_pre_applications"
    )
    op.drop_table("pin_reset_pre_applications")
