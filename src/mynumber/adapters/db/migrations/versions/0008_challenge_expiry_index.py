"""pki: no index on a nonce's expiry

A nonce is found by its key; its expiry is only checked. With the index, PostgreSQL's plan for
spending a group's nonces could walk every unexpired nonce (tens of thousands while terminals
are busy) instead of looking up the few it was given, and every nonce issued paid for the
index.

Revision ID: 0008
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("card_auth_challenges", schema=None) as batch_op:
        batch_op.drop_index("ix_card_auth_challenges_expires_at")


def downgrade() -> None:
    with op.batch_alter_table("card_auth_challenges", schema=None) as batch_op:
        batch_op.create_index("ix_card_auth_challenges_expires_at", ["expires_at"], unique=False)
