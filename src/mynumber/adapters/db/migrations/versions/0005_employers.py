"""employers: employers, staff, employees, collected numbers, deletions, pay, letter requests

Revision ID: 0005
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mynumber.adapters.db.types import UtcDateTime

revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", sa.Integer(), primary_key=True)


def _fk(name: str, target: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.Integer(), sa.ForeignKey(target), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "employers",
        _id(),
        sa.Column("corporate_number", sa.String(13), nullable=False, unique=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("insurer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "employer_staff",
        _id(),
        _fk("employer_id", "employers.id"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("staff_role", sa.String(20), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_employer_staff_employer_id", "employer_staff", ["employer_id"])
    op.create_table(
        "employees",
        _id(),
        _fk("employer_id", "employers.id"),
        sa.Column("employee_code", sa.String(40), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_kana", sa.String(100), nullable=False),
        sa.Column("address", sa.String(200), nullable=False),
        sa.Column("hired_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        _fk("person_id", "persons.id", nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("employer_id", "employee_code", name="uq_employees_code"),
    )
    op.create_index("ix_employees_employer_id", "employees", ["employer_id"])
    op.create_index("ix_employees_person_id", "employees", ["person_id"])
    op.create_table(
        "employee_numbers",
        _id(),
        sa.Column(
            "employee_id", sa.Integer(), sa.ForeignKey("employees.id"), nullable=False, unique=True
        ),
        sa.Column("number_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("number_lookup", sa.String(64), nullable=True),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("number_proof", sa.String(40), nullable=False),
        sa.Column("identity_proof", sa.String(40), nullable=False),
        sa.Column("collected_by", sa.String(100), nullable=False),
        sa.Column("collected_at", UtcDateTime(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=True),
    )
    op.create_table(
        "employee_number_deletions",
        _id(),
        _fk("employer_id", "employers.id"),
        _fk("employee_id", "employees.id"),
        sa.Column("left_on", sa.Date(), nullable=False),
        sa.Column("retention_ended_on", sa.Date(), nullable=False),
        sa.Column("deleted_at", UtcDateTime(), nullable=False),
        sa.Column("deleted_by", sa.String(100), nullable=False),
    )
    op.create_index(
        "ix_employee_number_deletions_employer_id", "employee_number_deletions", ["employer_id"]
    )
    op.create_index(
        "ix_employee_number_deletions_employee_id", "employee_number_deletions", ["employee_id"]
    )
    op.create_table(
        "employee_annual_pay",
        _id(),
        _fk("employee_id", "employees.id"),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("payment_amount", sa.Integer(), nullable=False),
        sa.Column("withholding_tax", sa.Integer(), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("employee_id", "year", name="uq_annual_pay_year"),
    )
    op.create_index("ix_employee_annual_pay_employee_id", "employee_annual_pay", ["employee_id"])
    op.create_table(
        "employer_letter_requests",
        _id(),
        _fk("employer_id", "employers.id"),
        _fk("employee_id", "employees.id"),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
    )
    op.create_index(
        "ix_employer_letter_requests_employer_id", "employer_letter_requests", ["employer_id"]
    )
    op.create_index(
        "ix_employer_letter_requests_employee_id", "employer_letter_requests", ["employee_id"]
    )


def downgrade() -> None:
    for table in (
        "employer_letter_requests",
        "employee_annual_pay",
        "employee_number_deletions",
        "employee_numbers",
        "employees",
        "employer_staff",
        "employers",
    ):
        op.drop_table(table)
