"""Tables of the My Number Portal (マイナポータル): face registration for terminals and
child benefit (児童手当) applications made online.

Neither holds a My Number: the portal knows the resident by the register's person id, which
the card authentication (利用者証明) gave it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base


class FaceRegistration(Base):
    """顔認証の登録: the resident agreed that terminals match their face against the chip photo."""

    __tablename__ = "portal_face_registrations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    card_serial: Mapped[str] = mapped_column(String(32))
    registered_at: Mapped[dt.datetime]
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    __table_args__ = (
        # One registration in force per person: two racing registrations, one wins.
        Index(
            "uq_portal_face_one_active",
            "person_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )


class ChildBenefitApplication(Base):
    """児童手当の認定請求: a parent asks for child benefit for a child in their household."""

    __tablename__ = "child_benefit_applications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    municipality_code: Mapped[str] = mapped_column(String(6))
    child_name: Mapped[str] = mapped_column(String(100))
    child_date_of_birth: Mapped[dt.date] = mapped_column(Date)
    lives_with_applicant: Mapped[bool] = mapped_column(Boolean)
    eligible_until: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[dt.datetime]
    __table_args__ = (
        # The same child is claimed once by the same parent (names stored normalised).
        UniqueConstraint(
            "person_id", "child_name", "child_date_of_birth", name="uq_child_benefit_child"
        ),
    )
