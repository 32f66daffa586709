"""cards: the endorsement field (追記欄) and the reissue when it is full

Issue 17 (RULES.md "time to issue", "fees"): each change written on the card's face is one
line of the 追記欄 (``domain.endorsements``); a card whose field is full is reissued free,
and may be express. ``card_endorsements`` keeps each line with its date and kind (the
counter's card page lists them); ``card_applications.reissue_reason`` says why a card still
in hand is reissued.

Revision ID: 0016_h17tsuiki_endorsements
Revises: 0015_register_announced_arrivals
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_h17tsuiki_endorsements"
down_revision: str | None = "0015_register_announced_arrivals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "card_endorsements",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("card_serial", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("endorsed_on", sa.Date(), nullable=False),
        sa.Column("on_face", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_card_endorsements_card_serial", "card_endorsements", ["card_serial"])
    with op.batch_alter_table("card_applications") as batch:
        batch.add_column(sa.Column("reissue_reason", sa.String(30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("card_applications") as batch:
        batch.drop_column("reissue_reason")
    op.drop_index("ix_card_endorsements_card_serial", table_name="card_endorsements")
    op.drop_table("card_endorsements")
