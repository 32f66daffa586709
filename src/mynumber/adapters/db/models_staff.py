"""Tables of the staff accounts: organisations, their clerks (事務取扱担当者 and counter
staff, each with their own login) and the browser sessions of clerks and residents.

A session row is found by the SHA-256 of the random id the cookie carries, so a copy of the
table does not hand out live sessions. No row holds a password (only its Argon2 hash), an API
token or a My Number.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base


class Organisation(Base):
    """An office that uses the system: a ward office, the card centre, a clinic, an insurer,
    an employer, a tax office or a kiosk. Its API tokens and its clerks belong to it."""

    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20))
    municipality_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    scope_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime]


class Clerk(Base):
    """One person working for an organisation, with their own login and password."""

    __tablename__ = "clerks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    employer_staff_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """For an employer's clerk: their staff account (payroll, HR or manager)."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime]


class BrowserSession(Base):
    """A logged-in browser (a clerk's, or a resident's on the portal), or a visitor's
    pending messages; ``id`` is the SHA-256 of the cookie's random session id."""

    __tablename__ = "browser_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # staff | resident | visitor
    clerk_id: Mapped[int | None] = mapped_column(ForeignKey("clerks.id"), nullable=True, index=True)
    person_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    card_serial: Mapped[str | None] = mapped_column(String(32), nullable=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(index=True)
    last_seen_at: Mapped[dt.datetime]
