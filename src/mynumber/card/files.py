"""ICチップの記録事項 — what the My Number Card chip holds, and who may read or use it.

What the chip holds (RULES.md "The chip"; OpenSC ``jpki.h``):

- 基本4情報 — the basic four items (name, address, date of birth, sex) and the 個人番号
  (My Number), in the card-face input-support AP: readable after the card-face input-support
  PIN (``CARD_FACE_INPUT``);
- 顔写真 — the face photo, in the card-face AP: readable without a PIN, for face matching at
  clinic and kiosk terminals;
- the user-authentication certificate and its CA certificate: readable without a PIN (that is
  how a terminal identifies the card before asking for the PIN);
- the signature certificate (it carries the basic four items): readable only after the
  signature PIN; its CA certificate without a PIN;
- two private keys that never leave the chip: the user-authentication key (利用者証明用, used
  after the user-authentication PIN) and the signature key (署名用, after the signature PIN).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from enum import StrEnum

from mynumber.card.pins import PinRef
from mynumber.domain.numbers import IndividualNumber


class CardFile(StrEnum):
    """A data file on the chip (names as stored; JPKI file IDs in the comments)."""

    MY_NUMBER = "my_number"  # card-face input-support AP, EF 0001
    BASIC_FOUR = "basic_four"  # card-face input-support AP, EF 0002
    PHOTO = "photo"  # card-face AP
    AUTH_CERT = "auth_cert"  # JPKI EF 000A
    AUTH_CA_CERT = "auth_ca_cert"  # JPKI EF 000B
    SIGNATURE_CERT = "signature_cert"  # JPKI EF 0001
    SIGNATURE_CA_CERT = "signature_ca_cert"  # JPKI EF 0002

    @property
    def required_pin(self) -> PinRef | None:
        """The PIN that must be verified in the session before this file is read, if any."""
        return _READ_ACCESS[self]


_READ_ACCESS: dict[CardFile, PinRef | None] = {
    CardFile.MY_NUMBER: PinRef.CARD_INFO_INPUT,
    CardFile.BASIC_FOUR: PinRef.CARD_INFO_INPUT,
    CardFile.PHOTO: None,
    CardFile.AUTH_CERT: None,
    CardFile.AUTH_CA_CERT: None,
    CardFile.SIGNATURE_CERT: PinRef.SIGNATURE,
    CardFile.SIGNATURE_CA_CERT: None,
}


class KeySlot(StrEnum):
    """A private key on the chip (JPKI key files ``0017`` and ``001A``)."""

    USER_AUTH = "user_auth"
    SIGNATURE = "signature"

    @property
    def required_pin(self) -> PinRef:
        """The PIN that must be verified in the session before this key signs."""
        return PinRef.USER_AUTHENTICATION if self is KeySlot.USER_AUTH else PinRef.SIGNATURE

    @property
    def certificate(self) -> CardFile:
        """The file holding this key's certificate."""
        return CardFile.AUTH_CERT if self is KeySlot.USER_AUTH else CardFile.SIGNATURE_CERT

    @property
    def ca_certificate(self) -> CardFile:
        """The file holding the certificate of the CA that issued this key's certificate."""
        return CardFile.AUTH_CA_CERT if self is KeySlot.USER_AUTH else CardFile.SIGNATURE_CA_CERT


@dataclass(frozen=True)
class BasicFourItems:
    """基本4情報: name, address, date of birth and sex, as printed on the card."""

    name: str
    address: str
    date_of_birth: dt.date
    sex: str

    def encode(self) -> bytes:
        """The file's bytes (UTF-8 JSON; a real chip uses TLV, nobody outside the card sees it)."""
        return json.dumps(
            {
                "name": self.name,
                "address": self.address,
                "date_of_birth": self.date_of_birth.isoformat(),
                "sex": self.sex,
            },
            ensure_ascii=False,
        ).encode("utf-8")

    @classmethod
    def decode(cls, raw: bytes) -> BasicFourItems:
        """The items from the file's bytes."""
        items = json.loads(raw.decode("utf-8"))
        return cls(
            items["name"],
            items["address"],
            dt.date.fromisoformat(items["date_of_birth"]),
            items["sex"],
        )


@dataclass(frozen=True)
class ChipData:
    """What the card centre writes on a chip at manufacture (and the ward office after a move)."""

    my_number: IndividualNumber
    basic_four: BasicFourItems
    photo: bytes | None = field(repr=False)  # None: an infant's card carries no photo

    def to_files(self) -> dict[str, bytes]:
        """The data as chip files (no photo file on a card without a photo)."""
        files = {
            CardFile.MY_NUMBER.value: self.my_number.digits.encode("ascii"),
            CardFile.BASIC_FOUR.value: self.basic_four.encode(),
        }
        if self.photo is not None:
            files[CardFile.PHOTO.value] = self.photo
        return files
