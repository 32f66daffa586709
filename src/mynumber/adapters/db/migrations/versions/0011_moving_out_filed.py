"""registry: when the 転出届 was filed and whether it was late

住民基本台帳法 第24条: a 転出届 is filed before moving or within 14 days after (for moving
abroad, before leaving); a late one is accepted and recorded as late (issue 17.10).

Revision ID: 0011_moving_out
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_moving_out"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moving_out_filed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("moving_out_late", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("moving_out_late")
        batch_op.drop_column("moving_out_filed_on")
