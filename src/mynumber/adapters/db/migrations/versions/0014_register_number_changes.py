"""register: retired My Numbers and the notices to their holders (番号法 第7条第2項)

Issue 17, "changing a number": a number that leaked is changed; the old one is kept as its
keyed hash only, refused when presented and never assigned again; employers and insurers
that hold it get a notice.

Revision ID: 0014_register_number_changes
Revises: 0013_pin_reset_pre_applications
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mynumber.adapters.db.types import UtcDateTime

_TIME = UtcDateTime(timezone=True)

revision: str = "0014_register_number_changes"
down_revision: str | None = "0013_pin_reset_pre_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retired_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number_lookup", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("retired_registry_code", sa.String(length=11), nullable=False),
        sa.Column("ground", sa.String(length=20), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number_lookup"),
    )
    op.create_index("ix_retired_numbers_person_id", "retired_numbers", ["person_id"])
    op.create_table(
        "number_change_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("retired_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("holder_role", sa.String(length=20), nullable=False),
        sa.Column("holder_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=True),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.ForeignKeyConstraint(["retired_id"], ["retired_numbers.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_number_change_notices_retired_id", "number_change_notices", ["retired_id"])
    op.create_index("ix_number_change_notices_person_id", "number_change_notices", ["person_id"])
    op.create_index("ix_number_change_notices_holder_id", "number_change_notices", ["holder_id"])


def downgrade() -> None:
    op.drop_index("ix_number_change_notices_holder_id", table_name="number_change_notices")
    op.drop_index("ix_number_change_notices_person_id", table_name="number_change_notices")
    op.drop_index("ix_number_change_notices_retired_id", table_name="number_change_notices")
    op.drop_table("number_change_notices")
    op.drop_index("ix_retired_numbers_person_id", table_name="retired_numbers")
    op.drop_table("retired_numbers")
