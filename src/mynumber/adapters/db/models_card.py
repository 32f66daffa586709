"""Tables for cards: the chips (the card store) and the authority's records.

Two worlds share one database but not one meaning:
- ``chip_*`` tables are the card store — they stand for the chips in residents' pockets
  (sealed private keys, PIN hashes, chip files). Only ``SqlChipStore`` touches them, in the
  caller's transaction: a card operation changes the chip and the register together or not at
  all. The one exception is ``chip_tries``, the PIN retry counters: written in transactions of
  their own (on SQLite in a file of their own), so a wrong PIN counts even when the request
  that carried it fails (docs/architecture.md, "Card and register: all or nothing").
- ``cards``, ``card_applications`` and ``certificates`` are the authority's records (J-LIS and
  the ward office): public certificates, serials, status. No private key, no PIN.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String, text
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base


class ChipRecord(Base):
    __tablename__ = "chip_states"
    card_id: Mapped[str] = mapped_column(String(32), primary_key=True)


class ChipPin(Base):
    __tablename__ = "chip_pins"
    card_id: Mapped[str] = mapped_column(
        ForeignKey("chip_states.card_id", ondelete="CASCADE"), primary_key=True
    )
    pin_ref: Mapped[str] = mapped_column(String(32), primary_key=True)
    pin_hash: Mapped[bytes] = mapped_column(LargeBinary)
    salt: Mapped[bytes] = mapped_column(LargeBinary)
    tries_left: Mapped[int] = mapped_column(Integer)
    max_tries: Mapped[int] = mapped_column(Integer)


class ChipTry(Base):
    """A PIN's retry counter, apart from the PIN (``SqlChipStore.take_try``). Keyed by the
    PIN's salt as well: a PIN set anew (new salt) starts with its full count of tries, and a
    PIN change that rolls back leaves the old PIN's counter as it was."""

    __tablename__ = "chip_tries"
    card_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pin_ref: Mapped[str] = mapped_column(String(32), primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(64), primary_key=True)
    tries_left: Mapped[int] = mapped_column(Integer)


class ChipKey(Base):
    __tablename__ = "chip_keys"
    card_id: Mapped[str] = mapped_column(
        ForeignKey("chip_states.card_id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[str] = mapped_column(String(32), primary_key=True)
    sealed_private_key: Mapped[bytes] = mapped_column(LargeBinary)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)


class ChipFile(Base):
    __tablename__ = "chip_files"
    card_id: Mapped[str] = mapped_column(
        ForeignKey("chip_states.card_id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class CardApplication(Base):
    """交付申請: an application for a card through one of the four channels."""

    __tablename__ = "card_applications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    application_form_id: Mapped[str | None] = mapped_column(String(23), nullable=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    express: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[dt.datetime]
    ready_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    rejection_reason: Mapped[str | None] = mapped_column(String(60), nullable=True)
    card_serial: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The card lifecycle (migration 0003).
    kind: Mapped[str] = mapped_column(String(20), default="new", server_default="new")
    replaces_card_serial: Mapped[str | None] = mapped_column(String(32), nullable=True)
    express_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    collect_by: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # The legal representative (法定代理人) who applied for an under-15 (migration 0014).
    representative_relation: Mapped[str | None] = mapped_column(String(20), nullable=True)
    representative_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    representative_born_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # An express application's PINs, sealed until the card is made (migration 0016).
    pins_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Why a card still in hand is reissued (``endorsements.ReissueReason``; migration 0016).
    reissue_reason: Mapped[str | None] = mapped_column(String(30), nullable=True)
    __table_args__ = (
        # One open application per person: two racing applications end with one winner.
        Index(
            "uq_card_applications_one_open",
            "person_id",
            unique=True,
            sqlite_where=text("status IN ('received', 'manufactured')"),
            postgresql_where=text("status IN ('received', 'manufactured')"),
        ),
    )


class Card(Base):
    """The authority's record of one card: serial, holder, status, validity."""

    __tablename__ = "cards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("card_applications.id"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(20), index=True)
    invalid_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    municipality_code: Mapped[str] = mapped_column(String(6))
    chip_address: Mapped[str] = mapped_column(String(200))
    manufactured_at: Mapped[dt.datetime]
    issued_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    expires_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    certificates_expire_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    insurance_use: Mapped[bool] = mapped_column(Boolean, default=False)
    # The card lifecycle (migration 0003).
    collected_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    suspended_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    invalidated_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    moving_to: Mapped[str | None] = mapped_column(String(20), nullable=True)
    moving_out_planned_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    moved_in_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    moving_in_filed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    chip_updated_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    validity_extended: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    card_notice_sent_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    certificate_notice_sent_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # The 申請書ID printed on the latest renewal notice (migration 0014_counter_renewal_ids).
    renewal_application_id: Mapped[str | None] = mapped_column(
        String(23), nullable=True, index=True
    )
    """Not unique in the database (cards are partitioned by serial, migration 0016): 23 random
    digits, drawn as the notification letters' are."""
    # What the card carries (migration 0014; ``domain.card_kinds``): a face-authentication
    # card has no PINs; ``no_signature`` says why no signature certificate was issued.
    face_authentication: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    no_signature: Mapped[str | None] = mapped_column(String(30), nullable=True)
    # Which card (migration 0016_h17src; ``card_kinds.CardKind``): the usual My Number Card
    # or the special residence card (特定在留カード), which follows the stay.
    kind: Mapped[str] = mapped_column(
        String(30), default="my_number_card", server_default="my_number_card"
    )


class CardEndorsement(Base):
    """One change written on a card's face (追記欄), or recorded without a line once it is
    full (``domain.endorsements``; migration 0016_h17tsuiki)."""

    __tablename__ = "card_endorsements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_serial: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    endorsed_on: Mapped[dt.date] = mapped_column(Date)
    on_face: Mapped[bool] = mapped_column(Boolean)


class Certificate(Base):
    """An issued certificate (public part only) and its revocation."""

    __tablename__ = "certificates"
    serial: Mapped[str] = mapped_column(String(50), primary_key=True)
    card_serial: Mapped[str] = mapped_column(String(32), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    not_before: Mapped[dt.datetime]
    not_after: Mapped[dt.datetime]
    der: Mapped[bytes] = mapped_column(LargeBinary)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    revocation_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
