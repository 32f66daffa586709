"""children: the legal representative on an application; the face-authentication card

RULES.md "The card" — children (the legal representative, 法定代理人, applies for an under-15
and sets the PINs; no signature certificate under 15), the face-authentication card
(顔認証マイナンバーカード: no PINs, no signature certificate). Issue 17 (children, the
face-authentication card).

Revision ID: 0014_children_representation
Revises: 0013_pin_reset_pre_applications
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_children_representation"
down_revision: str | None = "0013_pin_reset_pre_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("card_applications") as batch:
        batch.add_column(sa.Column("representative_relation", sa.String(20), nullable=True))
        batch.add_column(sa.Column("representative_name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("representative_born_on", sa.Date(), nullable=True))
    with op.batch_alter_table("cards") as batch:
        batch.add_column(
            sa.Column(
                "face_authentication",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch.add_column(sa.Column("no_signature", sa.String(30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.drop_column("no_signature")
        batch.drop_column("face_authentication")
    with op.batch_alter_table("card_applications") as batch:
        batch.drop_column("representative_born_on")
        batch.drop_column("representative_name")
        batch.drop_column("representative_relation")
