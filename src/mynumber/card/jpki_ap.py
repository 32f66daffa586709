"""公的個人認証AP・券面事項入力補助AP — the chip's applications as a card reader sees them.

A real My Number Card answers ISO 7816-4 commands for several applications (AP), each a
dedicated file selected by its AID, holding elementary files (EF) selected by a 2-byte file ID.
This module maps those onto our chip (``Chip``, ``CardSession``): the same PIN counters, keys
and data, no second copy. Identifiers from OpenSC ``src/libopensc/jpki.h``, ``card-jpki.c``,
``pkcs15-jpki.c`` and the ``jpki/myna`` project (RULES.md "The chip"), not from a published
J-LIS specification:

- 公的個人認証AP (JPKI) ``D3 92 F0 00 26 01 00 00 00 01``: signature certificate ``0001`` and
  its CA ``0002``, token ``0006`` (``JPKIAPICCTOKEN2``, space-padded to 32 bytes: "this is a My
  Number Card"), authentication certificate ``000A`` and its CA ``000B``; the
  authentication key ``0017`` and PIN ``0018``; the signature key ``001A`` and PIN ``001B``.
- 券面事項入力補助AP (card-face input support) ``D3 92 10 00 31 00 01 01 04 08``: My Number
  ``0001``, basic four items ``0002``, PIN ``0011``.
- 券面事項確認AP (card face) ``D3 92 10 00 31 00 01 01 04 02``: the face photo ``0002``.

File formats a reader relies on: certificates are plain DER (a reader learns the length from
the 4-byte header ``30 82 hi lo``); the My Number EF is ``FF 40 0C`` and the 12 ASCII digits; the
basic-four EF is ``FF 20 <len>`` followed by ``DF21`` header (empty here), ``DF22`` name,
``DF23`` address, ``DF24`` date of birth (``YYYYMMDD``), ``DF25`` sex, UTF-8, as ``jpki/myna``
reads them. *Our choices:* the photo is stored as given (a real card keeps JPEG 2000 in a TLV);
the resident-registry AP (住基AP) is not offered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mynumber.card.files import BasicFourItems, CardFile, KeySlot
from mynumber.card.pins import PinRef

ATR = bytes.fromhex("3BE000FF8131FE4514")
"""Answer to reset: the one OpenSC's ``jpki`` driver matches (``card-jpki.c`` ``jpki_atrs``);
T=1, no historical bytes, checksum ``14``."""

JPKI_AID = bytes.fromhex("D392F000260100000001")
CARD_INFO_INPUT_AID = bytes.fromhex("D3921000310001010408")
CARD_FACE_AID = bytes.fromhex("D3921000310001010402")

TOKEN = b"JPKIAPICCTOKEN2".ljust(32, b" ")
"""EF ``0006`` of the JPKI AP: a My Number Card (the Basic Resident Registry card said
``JPKIAPICCTOKEN``)."""

MY_NUMBER_TAG = b"\xff\x40"
BASIC_FOUR_TAG = b"\xff\x20"
_BASIC_FOUR_ITEM_TAGS = (b"\xdf\x21", b"\xdf\x22", b"\xdf\x23", b"\xdf\x24", b"\xdf\x25")


def _as_stored(raw: bytes) -> bytes:
    return raw


@dataclass(frozen=True)
class DataFile:
    """A transparent EF (READ BINARY): a chip file in its card format, or fixed bytes."""

    card_file: CardFile | None
    encode: Callable[[bytes], bytes] = _as_stored
    fixed: bytes | None = None


@dataclass(frozen=True)
class PinFile:
    """A PIN's EF: select it, then VERIFY / CHANGE REFERENCE DATA act on that PIN."""

    pin_ref: PinRef


@dataclass(frozen=True)
class KeyFile:
    """A private key's EF: select it, then COMPUTE DIGITAL SIGNATURE uses that key."""

    slot: KeySlot


ElementaryFile = DataFile | PinFile | KeyFile


@dataclass(frozen=True)
class Application:
    """An application (DF) on the card: its AID and its EFs by file ID."""

    name: str
    aid: bytes
    files: Mapping[bytes, ElementaryFile] = field(repr=False)


def encode_my_number(digits: bytes) -> bytes:
    """The My Number EF: ``FF``, then the digits as a TLV ``40 0C <12 ASCII digits>``."""
    return b"\xff" + _tlv(b"\x40", digits)


def encode_basic_four(raw: bytes) -> bytes:
    """The basic-four EF from the chip's stored items (see the module note for the layout)."""
    items = BasicFourItems.decode(raw)
    values = (
        b"",
        items.name.encode(),
        items.address.encode(),
        items.date_of_birth.strftime("%Y%m%d").encode(),
        items.sex.encode(),
    )
    body = b"".join(
        _tlv(tag, value) for tag, value in zip(_BASIC_FOUR_ITEM_TAGS, values, strict=True)
    )
    # jpki/myna reads the outer length as one byte, or as 82 hi lo when the high bit is set.
    length = bytes([len(body)]) if len(body) < 0x80 else b"\x82" + len(body).to_bytes(2, "big")
    return BASIC_FOUR_TAG + length + body


def decode_my_number(ef: bytes) -> str:
    """The 12 digits from the My Number EF; ``ValueError`` if it is not one."""
    tag, value, _ = _read_tlv(ef[1:])
    if ef[:1] != b"\xff" or tag != b"\x40":
        raise ValueError("not a My Number EF")
    return value.decode("ascii")


def decode_basic_four(ef: bytes) -> BasicFourItems:
    """The basic four items from the basic-four EF; ``ValueError`` if it is not one."""
    if ef[:2] != BASIC_FOUR_TAG or len(ef) < 3:
        raise ValueError("not a basic-four EF")
    start, length = (3, ef[2]) if ef[2] < 0x80 else (5, int.from_bytes(ef[3:5], "big"))
    body, values = ef[start : start + length], []
    for tag in _BASIC_FOUR_ITEM_TAGS:
        found, value, body = _read_tlv(body)
        if found != tag:
            raise ValueError("unexpected tag in the basic-four EF")
        values.append(value.decode())
    born = dt.datetime.strptime(values[3], "%Y%m%d").date()
    return BasicFourItems(values[1], values[2], born, values[4])


def _tlv(tag: bytes, value: bytes) -> bytes:
    return tag + _der_length(len(value)) + value


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    size = (length.bit_length() + 7) // 8
    return bytes([0x80 | size]) + length.to_bytes(size, "big")


def _read_tlv(data: bytes) -> tuple[bytes, bytes, bytes]:
    """(tag, value, rest) of the first TLV; tags of one or two bytes (``xF`` low bits → two)."""
    tag_size = 2 if data[:1] and data[0] & 0x1F == 0x1F else 1
    tag, at = data[:tag_size], tag_size
    if at >= len(data):
        raise ValueError("truncated TLV")
    first = data[at]
    if first < 0x80:
        length, at = first, at + 1
    else:
        size = first & 0x7F
        length, at = int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size
    if at + length > len(data):
        raise ValueError("truncated TLV")
    return tag, data[at : at + length], data[at + length :]


JPKI = Application(
    "JPKI",
    JPKI_AID,
    {
        b"\x00\x01": DataFile(CardFile.SIGNATURE_CERT),
        b"\x00\x02": DataFile(CardFile.SIGNATURE_CA_CERT),
        b"\x00\x06": DataFile(None, fixed=TOKEN),
        b"\x00\x0a": DataFile(CardFile.AUTH_CERT),
        b"\x00\x0b": DataFile(CardFile.AUTH_CA_CERT),
        b"\x00\x17": KeyFile(KeySlot.USER_AUTH),
        b"\x00\x18": PinFile(PinRef.USER_AUTHENTICATION),
        b"\x00\x1a": KeyFile(KeySlot.SIGNATURE),
        b"\x00\x1b": PinFile(PinRef.SIGNATURE),
    },
)
CARD_INFO_INPUT = Application(
    "card-face input support",
    CARD_INFO_INPUT_AID,
    {
        b"\x00\x01": DataFile(CardFile.MY_NUMBER, encode_my_number),
        b"\x00\x02": DataFile(CardFile.BASIC_FOUR, encode_basic_four),
        b"\x00\x11": PinFile(PinRef.CARD_INFO_INPUT),
    },
)
CARD_FACE = Application(
    "card face",
    CARD_FACE_AID,
    {
        b"\x00\x02": DataFile(CardFile.PHOTO),
    },
)
APPLICATIONS = (JPKI, CARD_INFO_INPUT, CARD_FACE)

# File IDs a terminal uses (``mynumber.adapters.pcsc``).
SIGNATURE_CERT_FID, TOKEN_FID, AUTH_CERT_FID = b"\x00\x01", b"\x00\x06", b"\x00\x0a"
MY_NUMBER_FID, BASIC_FOUR_FID, PHOTO_FID = b"\x00\x01", b"\x00\x02", b"\x00\x02"
PIN_FIDS: Mapping[PinRef, tuple[bytes, bytes]] = {
    PinRef.USER_AUTHENTICATION: (JPKI_AID, b"\x00\x18"),
    PinRef.SIGNATURE: (JPKI_AID, b"\x00\x1b"),
    PinRef.CARD_INFO_INPUT: (CARD_INFO_INPUT_AID, b"\x00\x11"),
}
KEY_FIDS: Mapping[KeySlot, bytes] = {KeySlot.USER_AUTH: b"\x00\x17", KeySlot.SIGNATURE: b"\x00\x1a"}
CERTIFICATE_FIDS: Mapping[KeySlot, bytes] = {
    KeySlot.USER_AUTH: AUTH_CERT_FID,
    KeySlot.SIGNATURE: SIGNATURE_CERT_FID,
}


def application_by_aid(aid: bytes) -> Application | None:
    """The application whose AID is ``aid`` (full match), or ``None``."""
    return next((app for app in APPLICATIONS if app.aid == aid), None)
