"""Tables of health insurance (マイナ保険証): insurers, the insured, letters, clinics, visits and
medical records.

- ``insurers``: 保険者 — a municipality's National Health Insurance, an employer association, or
  the late-stage elderly union; ``insurance_enrolments``: 被保険者資格, one per person and
  insurer period, with the insured's numbers and income class.
- ``eligibility_letters``: 資格確認書 issued by an insurer (the fallback without a usable card).
- ``clinics`` and ``clinic_visits``: the reception terminal's visits (受付), how the patient was
  identified, the eligibility answer's enrolment, and the consent given at that visit.
- ``medical_records``: prescriptions and check-up results written by clinics and insurers.

No My Number anywhere here: a clinic identifies the patient by the card's certificate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base


class Insurer(Base):
    """保険者, by its insurer number (6 digits for National Health Insurance, else 8)."""

    __tablename__ = "insurers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    insurer_number: Mapped[str] = mapped_column(String(8), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name_ja: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    municipality_code: Mapped[str | None] = mapped_column(
        ForeignKey("municipalities.code"), nullable=True
    )
    created_at: Mapped[dt.datetime]


class InsuranceEnrolment(Base):
    """被保険者資格: one person insured by one insurer from ``valid_from`` (資格取得日) to
    ``valid_until`` (the day before 資格喪失日), open-ended while it lasts."""

    __tablename__ = "insurance_enrolments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    insurer_id: Mapped[int] = mapped_column(ForeignKey("insurers.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    symbol: Mapped[str] = mapped_column(String(20), default="")
    number: Mapped[str] = mapped_column(String(20))
    branch: Mapped[str] = mapped_column(String(2))
    income_class: Mapped[str] = mapped_column(String(20))
    certain_income: Mapped[bool] = mapped_column(Boolean, default=False)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    loss_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    employer: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime]
    __table_args__ = (
        UniqueConstraint(
            "insurer_id", "symbol", "number", "branch", name="uq_insurance_enrolments_numbers"
        ),
    )


class EligibilityLetterRecord(Base):
    """資格確認書: issued by the insurer for one enrolment, valid up to 5 years."""

    __tablename__ = "eligibility_letters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("insurance_enrolments.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(40))
    requested_by: Mapped[str] = mapped_column(String(100), default="")
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime]


class Clinic(Base):
    """保険医療機関・保険薬局: a clinic, hospital or pharmacy with a reception terminal."""

    __tablename__ = "clinics"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default="clinic")
    created_at: Mapped[dt.datetime]


class ClinicVisit(Base):
    """受付: one patient identified at one clinic's terminal, and what they consented to."""

    __tablename__ = "clinic_visits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("insurance_enrolments.id"), nullable=True
    )
    card_serial: Mapped[str | None] = mapped_column(String(32), nullable=True)
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("eligibility_letters.id"), nullable=True
    )
    method: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[dt.datetime]
    consent_medication: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_checkups: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_limit_amount: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class FaceAttempt(Base):
    """A failed face match at a clinic's terminal (the staff visual check comes after one)."""

    __tablename__ = "clinic_face_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    card_serial: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime]
    outcome: Mapped[str] = mapped_column(String(30))
    __table_args__ = (Index("ix_clinic_face_attempts_card", "clinic_id", "card_serial", "at"),)


class MedicalRecord(Base):
    """A prescription (処方・調剤) or a check-up result (健診結果) about one person."""

    __tablename__ = "medical_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    author: Mapped[str] = mapped_column(String(100))
    author_role: Mapped[str] = mapped_column(String(20))
    clinic_id: Mapped[int | None] = mapped_column(ForeignKey("clinics.id"), nullable=True)
    insurer_id: Mapped[int | None] = mapped_column(ForeignKey("insurers.id"), nullable=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime]
