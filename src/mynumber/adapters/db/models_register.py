"""The register's tables added for issue 17: retired My Numbers and the notices to their
holders (番号法 第7条第2項).

A retired number is kept only as its keyed hash (``number_lookup``, the same hash as
``persons.number_lookup``): enough to refuse it when presented and to find who recorded it,
never the digits.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base


class RetiredNumber(Base):
    """A My Number changed under 番号法 第7条第2項: never assigned again, refused when shown."""

    __tablename__ = "retired_numbers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number_lookup: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    retired_registry_code: Mapped[str] = mapped_column(String(11))
    ground: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[dt.date] = mapped_column(Date)
    changed_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime]


class NumberChangeNotice(Base):
    """A notice to one holder of a changed number (an employer that collected it, an insurer
    that enrols the person) to collect the new one. It carries no digits."""

    __tablename__ = "number_change_notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    retired_id: Mapped[int] = mapped_column(ForeignKey("retired_numbers.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    holder_role: Mapped[str] = mapped_column(String(20))
    holder_id: Mapped[int] = mapped_column(Integer, index=True)
    """The employer's or the insurer's id (``holder_role`` says which)."""
    employee_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    enrolment_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    changed_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime]


class AnnouncedArrival(Base):
    """来庁予定の連絡: an online 転出届 (引越しワンストップ) told the new municipality that the
    person will come on ``visit_on`` to file the 転入届 with their card."""

    __tablename__ = "announced_arrivals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    from_municipality: Mapped[str] = mapped_column(String(6))
    to_municipality: Mapped[str] = mapped_column(String(6), index=True)
    card_serial: Mapped[str] = mapped_column(String(32))
    planned_move_on: Mapped[dt.date] = mapped_column(Date)
    visit_on: Mapped[dt.date] = mapped_column(Date)
    visit_deadline: Mapped[dt.date] = mapped_column(Date)
    filed_at: Mapped[dt.datetime]
    completed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
