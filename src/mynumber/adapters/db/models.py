"""Tables of the store of record.

The authority's tables hold no private keys and no PINs: those live on the chip
(``chip_states``, which stands for the card in the resident's pocket).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ColumnClause,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Sequence,
    String,
    Text,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from mynumber.adapters.db.types import UtcDateTime
from mynumber.domain.registration import RegistrationStatus


class Base(DeclarativeBase):
    # SQLAlchemy reads this mapping from the class; it is never mutated.
    type_annotation_map = {  # noqa: RUF012
        dt.datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Municipality(Base):
    """市区町村, by its 6-digit local government code."""

    __tablename__ = "municipalities"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_ja: Mapped[str] = mapped_column(String(100))


class Person(Base):
    """A person known to the register, kept for life (even after leaving Japan)."""

    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registry_code: Mapped[str] = mapped_column(String(11), unique=True)
    number_lookup: Mapped[str] = mapped_column(String(64), unique=True)
    number_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    identity_key: Mapped[str] = mapped_column(String(64), unique=True)
    name_latin: Mapped[str] = mapped_column(String(100))
    name_kana: Mapped[str] = mapped_column(String(100), default="")
    name_kanji: Mapped[str] = mapped_column(String(100), default="")
    date_of_birth: Mapped[dt.date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))
    nationality: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[dt.datetime]


class Registration(Base):
    """One stay at one address in one municipality (住民票)."""

    __tablename__ = "registrations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))
    address: Mapped[str] = mapped_column(String(200))
    started_living_on: Mapped[dt.date] = mapped_column(Date)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=RegistrationStatus.ACTIVE.value)
    ended_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    moved_to: Mapped[str | None] = mapped_column(String(20), nullable=True)
    planned_move_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # The 転出届: when it was filed and whether that was late (住民基本台帳法 第24条).
    moving_out_filed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    moving_out_late: Mapped[bool] = mapped_column(Boolean, default=False)
    residence_card_number: Mapped[str | None] = mapped_column(String(12), nullable=True)
    status_of_residence: Mapped[str | None] = mapped_column(String(60), nullable=True)
    period_of_stay_ends: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    id_documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    __table_args__ = (
        # At most one active registration per person: the database, not the code, makes
        # two racing moving-in notifications for one person end with exactly one winner.
        Index(
            "uq_registrations_one_active",
            "person_id",
            unique=True,
            sqlite_where=text(f"status = '{RegistrationStatus.ACTIVE.value}'"),
            postgresql_where=text(f"status = '{RegistrationStatus.ACTIVE.value}'"),
        ),
    )


ACTIVE: ColumnClause[str] = literal_column(f"'{RegistrationStatus.ACTIVE.value}'")
"""Compare ``Registration.status`` with this literal, not with a parameter: SQLite uses the
partial index of active registrations only against a literal, and re-plans a parameterised
statement on every execution (≈60 µs each time, more than the rest of a card look-up)."""


class NotificationLetter(Base):
    """個人番号通知書, with the 23-digit application ID (申請書ID) for the card."""

    __tablename__ = "notification_letters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    application_id: Mapped[str] = mapped_column(String(23), unique=True)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="created")
    superseded: Mapped[bool] = mapped_column(Boolean, default=False)


class MailItem(Base):
    """A letter or postcard in the post, with its delivery outcome."""

    __tablename__ = "mail_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    ref_id: Mapped[int] = mapped_column(Integer)
    address: Mapped[str] = mapped_column(String(200))
    municipality_code: Mapped[str] = mapped_column(String(6))
    sent_at: Mapped[dt.datetime]
    due_at: Mapped[dt.datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="in_transit", index=True)
    failure: Mapped[str | None] = mapped_column(String(20), nullable=True)
    settled_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class AuditEntry(Base):
    """Append-only record of every read or change of personal data, in one keyed hash chain
    per organisation (``services.core.audit``)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_chain_seq", "chain_id", "seq", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[int] = mapped_column(Integer)
    """The ``audit_head`` row of the chain the entry belongs to."""
    seq: Mapped[int] = mapped_column(Integer)
    """The entry's number in its chain: 1, 2, 3 … without gaps."""
    at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60))
    person_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    clerk: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The clerk's login when a person (not a machine's token) acted; hashed when set."""


class AuditHead(Base):
    """One chain's head (one per organisation): locked while appending to that chain only."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain: Mapped[str] = mapped_column(String(130), unique=True, index=True)
    """The chain's name: ``<role>/<organisation>`` (``services.core.audit.chain_of``)."""
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class ApiToken(Base):
    """A per-organisation API token, stored as a keyed hash, bound to one role."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    municipality_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    scope_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime]
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    """The ``organisations`` row (tokens issued before migration 0009 have none)."""
    expires_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class Counter(Base):
    """Named counters: on SQLite the resident-registry code sequence (``registry_code``); on
    PostgreSQL that is ``REGISTRY_CODES`` (migration 0016_h21conc) and the table is empty."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


REGISTRY_CODES = Sequence("registry_codes")
"""PostgreSQL's sequence of resident-registry codes (migration 0016_h21conc): ``nextval``
never waits for another transaction, where one counter row locked until commit made every
registration in Japan wait for the one before (docs/scale.md)."""
