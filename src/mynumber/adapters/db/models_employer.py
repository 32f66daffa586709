"""Tables of employers (事業者): the employer, its staff accounts, its employees, the My
Numbers it collected (sealed), pay for the withholding slip, deletions, and 資格確認書
requests made by HR.

The number lives only in ``employee_numbers.number_sealed`` (AES-GCM, bound to the row) and
``number_lookup`` (keyed hash); deleting it after the retention period sets both to NULL and
leaves a row in ``employee_number_deletions``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base


class Employer(Base):
    """事業者, identified by its Corporate Number (法人番号)."""

    __tablename__ = "employers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    corporate_number: Mapped[str] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    insurer_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The health insurance association (健康保険組合) its staff are insured with, if any."""
    created_at: Mapped[dt.datetime]


class EmployerStaff(Base):
    """A staff member's account: one token (kept as a keyed hash) and one staff role."""

    __tablename__ = "employer_staff"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    staff_role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class Employee(Base):
    """An employee of one employer; ``person_id`` when the register knows them."""

    __tablename__ = "employees"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    employee_code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    name_kana: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(200))
    hired_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id"), nullable=True, index=True
    )
    created_at: Mapped[dt.datetime]
    __table_args__ = (UniqueConstraint("employer_id", "employee_code", name="uq_employees_code"),)


class EmployeeNumber(Base):
    """The My Number an employer collected, sealed, with why and how it was confirmed."""

    __tablename__ = "employee_numbers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), unique=True)
    number_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    number_lookup: Mapped[str | None] = mapped_column(String(64), nullable=True)
    purposes: Mapped[list[str]] = mapped_column(JSON)
    number_proof: Mapped[str] = mapped_column(String(40))
    identity_proof: Mapped[str] = mapped_column(String(40))
    collected_by: Mapped[str] = mapped_column(String(100))
    collected_at: Mapped[dt.datetime]
    deleted_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class EmployeeNumberDeletion(Base):
    """A record that a number was deleted (廃棄の記録) — what, when, by whom, why; no digits."""

    __tablename__ = "employee_number_deletions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    left_on: Mapped[dt.date] = mapped_column(Date)
    retention_ended_on: Mapped[dt.date] = mapped_column(Date)
    deleted_at: Mapped[dt.datetime]
    deleted_by: Mapped[str] = mapped_column(String(100))


class AnnualPay(Base):
    """One year's pay and income tax withheld, the figures of the 源泉徴収票."""

    __tablename__ = "employee_annual_pay"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    payment_amount: Mapped[int] = mapped_column(Integer)
    withholding_tax: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[dt.datetime]
    __table_args__ = (UniqueConstraint("employee_id", "year", name="uq_annual_pay_year"),)


class EligibilityLetterRequest(Base):
    """HR's request for a 資格確認書 from the health insurance association, and its outcome."""

    __tablename__ = "employer_letter_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employees.id"), index=True)
    requested_by: Mapped[str] = mapped_column(String(100))
    requested_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(20))
    letter_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
