"""card store: the PIN retry counters apart from the PINs (``chip_tries``)

The chip's state is now written in the register's transaction; only the retry counters are
written on their own (docs/architecture.md, "Card and register: all or nothing"). The counters
kept so far in ``chip_pins.tries_left`` are carried over, keyed by each PIN's salt.

Revision ID: 0012_chip_tries
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_chip_tries"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chip_tries",
        sa.Column("card_id", sa.String(length=32), nullable=False),
        sa.Column("pin_ref", sa.String(length=32), nullable=False),
        sa.Column("salt", sa.LargeBinary(length=64), nullable=False),
        sa.Column("tries_left", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("card_id", "pin_ref", "salt"),
    )
    op.execute(
        "INSERT INTO chip_tries (card_id, pin_ref, salt, tries_left) "
        "SELECT card_id, pin_ref, salt, tries_left FROM chip_pins "
        "WHERE tries_left < max_tries"
    )


def downgrade() -> None:
    op.drop_table("chip_tries")
