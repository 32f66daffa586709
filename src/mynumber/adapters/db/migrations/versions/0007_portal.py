"""portal: face registration for terminals, child benefit applications

Revision ID: 0007
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mynumber.adapters.db.types import UtcDateTime

revision: str = "0007"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "portal_face_registrations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("card_serial", sa.String(32), nullable=False),
        sa.Column("registered_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", UtcDateTime(timezone=True), nullable=True),
    )
    with op.batch_alter_table("portal_face_registrations") as batch:
        batch.create_index("ix_portal_face_registrations_person_id", ["person_id"])
        batch.create_index(
            "uq_portal_face_one_active",
            ["person_id"],
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL"),
        )
    op.create_table(
        "child_benefit_applications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("municipality_code", sa.String(6), nullable=False),
        sa.Column("child_name", sa.String(100), nullable=False),
        sa.Column("child_date_of_birth", sa.Date(), nullable=False),
        sa.Column("lives_with_applicant", sa.Boolean(), nullable=False),
        sa.Column("eligible_until", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("received_at", UtcDateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "person_id", "child_name", "child_date_of_birth", name="uq_child_benefit_child"
        ),
    )
    with op.batch_alter_table("child_benefit_applications") as batch:
        batch.create_index("ix_child_benefit_applications_person_id", ["person_id"])


def downgrade() -> None:
    op.drop_table("child_benefit_applications")
    op.drop_table("portal_face_registrations")
