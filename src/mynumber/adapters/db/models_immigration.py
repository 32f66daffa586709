"""Tables of the immigration bureaus (地方出入国在留管理局) and the stay cases they hold.

A stay case is what relates a bureau to a foreign resident in this system: opened when the
bureau issues a special residence card (特定在留カード) with a stay application, it lets that
bureau renew the card with the next stay renewal (``domain.policy``). It holds no My Number.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base


class ImmigrationBureau(Base):
    """A regional immigration bureau; its organisation's tokens are bound to it (scope)."""

    __tablename__ = "immigration_bureaus"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    name_ja: Mapped[str] = mapped_column(String(100))
    prefectures: Mapped[str] = mapped_column(String(150))
    """The prefectures it serves (管轄), as 2-digit codes joined by commas ("13,14")."""
    created_at: Mapped[dt.datetime]


class StayCase(Base):
    """A bureau's case of one foreign resident's stay, with the special residence card."""

    __tablename__ = "stay_cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("immigration_bureaus.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    card_serial: Mapped[str] = mapped_column(String(32))
    """The special residence card the case's latest grant issued."""
    opened_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    __table_args__ = (
        UniqueConstraint("bureau_id", "person_id", name="uq_stay_cases_bureau_person"),
    )
