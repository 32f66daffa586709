"""pki: card-authentication nonces, e-Tax receipts

Revision ID: 0004
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mynumber.adapters.db.types

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = mynumber.adapters.db.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "card_auth_challenges",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("relying_party", sa.String(length=100), nullable=False),
        sa.Column("issued_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("used_at", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("nonce"),
    )
    with op.batch_alter_table("card_auth_challenges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_card_auth_challenges_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "tax_receipts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=24), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("tax_year", sa.Integer(), nullable=False),
        sa.Column("certificate_serial", sa.String(length=50), nullable=False),
        sa.Column("signed_at", _TIME, nullable=False),
        sa.Column("received_at", _TIME, nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_xml", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("receipt_number"),
        sa.UniqueConstraint("document_sha256"),
    )
    with op.batch_alter_table("tax_receipts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tax_receipts_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tax_receipts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tax_receipts_person_id"))
    op.drop_table("tax_receipts")
    with op.batch_alter_table("card_auth_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_auth_challenges_expires_at"))
    op.drop_table("card_auth_challenges")
