"""cards: the PINs of an express application, sealed until the card is made

Issue 17.6: an express card (特急発行) is mailed by registered post, not collected, so the
applicant chooses the PINs at the application; they are kept sealed (data keys, bound to the
application) until the card centre sets them on the chip, then erased.

Revision ID: 0016_h17misc_express_pins
Revises: 0015_register_announced_arrivals
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_h17misc_express_pins"
down_revision: str | None = "0015_register_announced_arrivals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("card_applications") as batch:
        batch.add_column(sa.Column("pins_sealed", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("card_applications") as batch:
        batch.drop_column("pins_sealed")
