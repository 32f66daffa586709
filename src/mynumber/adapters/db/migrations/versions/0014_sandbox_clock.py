"""sandbox: the simulated clock of `mynumber serve --sandbox` (issue 19)

One row: the moment the sandbox clock shows, shared by the server and `mynumber sandbox
clock`, kept across restarts.

Revision ID: 0014_sandbox_clock
Revises: 0013_pin_reset_pre_applications
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mynumber.adapters.db.types import UtcDateTime

revision: str = "0014_sandbox_clock"
down_revision: str | None = "0013_pin_reset_pre_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sandbox_clock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("now", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("sandbox_clock")
