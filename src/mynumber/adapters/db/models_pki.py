"""Tables of the card centre's relying parties: card-authentication nonces and e-Tax receipts.

- ``card_auth_challenges``: each nonce a server sent a card (利用者証明のチャレンジ), when it
  expires and when it was used. A nonce is answered once: the ``used_at`` column is set by one
  conditional UPDATE, so two racing answers cannot both succeed.
- ``tax_receipts``: the tax office's receipt (受付) of each signed e-Tax return, with the
  signed document as received and the serial of the signature certificate that signed it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base


class CardAuthChallenge(Base):
    """A nonce sent to a card, valid for a few minutes and for one answer only."""

    __tablename__ = "card_auth_challenges"
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    relying_party: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]  # checked, never searched: no index (migration 0008)
    used_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class TaxReceipt(Base):
    """受付結果: one accepted e-Tax return."""

    __tablename__ = "tax_receipts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt_number: Mapped[str] = mapped_column(String(24), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    tax_year: Mapped[int] = mapped_column(Integer)
    certificate_serial: Mapped[str] = mapped_column(String(50))
    signed_at: Mapped[dt.datetime]
    received_at: Mapped[dt.datetime]
    document_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    signed_xml: Mapped[bytes] = mapped_column(LargeBinary)


class PinResetPreApplication(Base):
    """事前申請: a smartphone pre-application to reset a PIN at a kiosk (JPKI暗証番号リセット),
    made with the card (its PIN and a face match proved), used once within 24 hours
    (``domain.kiosk``)."""

    __tablename__ = "pin_reset_pre_applications"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_serial: Mapped[str] = mapped_column(String(32), index=True)
    pin_kind: Mapped[str] = mapped_column(String(32))
    made_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
