"""APDU — the My Number Card's command set (ISO/IEC 7816-4), answered by our chip.

``JpkiCard`` is the card as a reader sees it: it takes command APDUs (bytes) and returns
response APDUs (data ‖ SW1 SW2). It is a pure command processor over a ``Chip``: no I/O of its
own, the same PIN counters, keys and data as every other use of the card (RULES.md "The chip";
OpenSC ``card-jpki.c``). Transport is someone else's job (``mynumber.adapters.vpcd``).

Commands (``mynumber.card.jpki_ap`` has the AIDs and file IDs), and what they answer:

- SELECT application ``00 A4 04 0C Lc AID``: ``90 00``; an unknown AID ``6A 82``.
- SELECT file ``00 A4 02 0C 02 FID``: ``90 00``; an unknown or absent EF ``6A 82``.
- VERIFY ``00 20 00 80 Lc PIN``: ``90 00``; wrong ``63 Cx`` (x tries left); locked ``69 83``;
  the PIN never set (card not collected) ``69 84``; no signature PIN on a card handed over
  without a signature certificate ``6A 88``; any PIN on a face-authentication card (it
  carries none) ``69 85``. Empty, ``00 20 00 80``: ``63 Cx`` always,
  spending no try.
- CHANGE REFERENCE DATA ``00 24 01 80 Lc <new PIN>``, after a VERIFY in this session:
  ``90 00``; not verified ``69 82``; a new PIN that breaks the rules ``6A 80``.
- READ BINARY ``00 B0 <offset> Le``: the bytes; not allowed yet ``69 82``; an offset at or past
  the end ``6B 00``; a short EF identifier in P1 ``6A 81``.
- COMPUTE DIGITAL SIGNATURE ``80 2A 00 80 Lc <DigestInfo> 00``, after selecting a key EF:
  PKCS#1 v1.5 by the card; its PIN not verified ``69 82``; too long for the key ``6A 80``;
  an Le shorter than the signature ``6C xx``.

Everything else: malformed APDU or wrong Lc/Le ``67 00``; wrong P1-P2 ``6A 86``; a command on
the wrong kind of EF ``69 81``, with no EF selected ``69 86``; unknown instruction ``6D 00``;
unknown class ``6E 00``; an erased chip (the card returned) ``62 85`` to every command;
anything unforeseen ``6F 00`` — never an exception to the caller. What each word means for the
person: ``mynumber.card.status_words``.

*Our choices:* the security state (verified PINs) is kept while the same application stays
selected and is forgotten when another application is selected or the card is reset or powered
off, as on a real chip; an empty VERIFY answers ``63 Cx`` even after a successful VERIFY
(OpenSC's driver requires ``63`` to read the counter); READ BINARY past the end of a file
returns the remaining bytes with ``90 00``; a new PIN must meet ``mynumber.domain.pins.check_pin``.
A run of READ BINARY commands on the same EF reads the chip once: the content is kept until the
next command of any other kind (or a reset), so a certificate read in 256-byte chunks costs one
load of the chip's store, not one a chunk; nothing but a command could change it in between.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from typing import TypeVar

from mynumber.card.chip import Chip
from mynumber.card.files import KeySlot
from mynumber.card.jpki_ap import (
    ATR,
    Application,
    DataFile,
    ElementaryFile,
    KeyFile,
    PinFile,
    application_by_aid,
)
from mynumber.card.session import CardSession
from mynumber.domain.card_kinds import FaceAuthenticationCard
from mynumber.domain.errors import (
    CardError,
    InvalidInput,
    NoSignatureCertificate,
    NotFound,
    PinLocked,
    Unauthenticated,
    WrongPin,
)
from mynumber.domain.pins import check_pin

logger = logging.getLogger(__name__)

SHORT_LE_MAX = 256
EXTENDED_LE_MAX = 65536
MAX_RESPONSE_DATA = 65533
"""A response and its status word must fit one vpcd frame (2-byte length)."""


class SW(IntEnum):
    """Status words (ISO/IEC 7816-4 §5.6)."""

    OK = 0x9000
    TERMINATED = 0x6285
    WRONG_LENGTH = 0x6700
    INCOMPATIBLE_FILE = 0x6981
    SECURITY_STATUS_NOT_SATISFIED = 0x6982
    AUTHENTICATION_BLOCKED = 0x6983
    REFERENCE_DATA_NOT_USABLE = 0x6984
    CONDITIONS_OF_USE_NOT_SATISFIED = 0x6985
    NO_CURRENT_EF = 0x6986
    WRONG_DATA = 0x6A80
    FUNCTION_NOT_SUPPORTED = 0x6A81
    FILE_NOT_FOUND = 0x6A82
    WRONG_P1_P2 = 0x6A86
    REFERENCED_DATA_NOT_FOUND = 0x6A88
    WRONG_OFFSET = 0x6B00
    WRONG_LE = 0x6C00
    INS_NOT_SUPPORTED = 0x6D00
    CLA_NOT_SUPPORTED = 0x6E00
    NO_PRECISE_DIAGNOSIS = 0x6F00


def tries_left_sw(tries_left: int) -> int:
    """``63 Cx``: verification failed (or was only asked), ``x`` tries left."""
    return 0x63C0 | min(max(tries_left, 0), 0x0F)


class StatusError(Exception):
    """Raised inside the card to answer with a status word and no data."""

    def __init__(self, sw: int) -> None:
        super().__init__(f"SW {sw:04X}")
        self.sw = sw


@dataclass(frozen=True)
class Command:
    """A command APDU. ``le`` is Ne, the bytes expected (``None``: no Le field)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None

    @classmethod
    def parse(cls, raw: bytes) -> Command:
        """Decode short and extended APDUs (cases 1–4); ``StatusError(67 00)`` if malformed."""
        if len(raw) < 4:
            raise StatusError(SW.WRONG_LENGTH)
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if body[0] != 0 or len(body) == 1:
            data, le = _short_body(body)
        else:
            data, le = _extended_body(body)
        return cls(cla, ins, p1, p2, data, le)

    def to_bytes(self) -> bytes:
        """Encode, short when it fits and extended otherwise."""
        head = bytes([self.cla, self.ins, self.p1, self.p2])
        short = len(self.data) <= 255 and (self.le is None or self.le <= SHORT_LE_MAX)
        if short:
            lc = bytes([len(self.data)]) + self.data if self.data else b""
            le = b"" if self.le is None else bytes([self.le % SHORT_LE_MAX])
            return head + lc + le
        lc = b"\x00" + len(self.data).to_bytes(2, "big") + self.data if self.data else b"\x00"
        le = b"" if self.le is None else (self.le % EXTENDED_LE_MAX).to_bytes(2, "big")
        return head + lc + le


def _short_body(body: bytes) -> tuple[bytes, int | None]:
    if len(body) == 1:
        return b"", body[0] or SHORT_LE_MAX
    lc = body[0]
    rest = len(body) - 1 - lc
    if rest == 0:
        return body[1:], None
    if rest == 1:
        return body[1:-1], body[-1] or SHORT_LE_MAX
    raise StatusError(SW.WRONG_LENGTH)


def _extended_body(body: bytes) -> tuple[bytes, int | None]:
    if len(body) == 3:
        return b"", int.from_bytes(body[1:3], "big") or EXTENDED_LE_MAX
    if len(body) < 3:
        raise StatusError(SW.WRONG_LENGTH)
    lc = int.from_bytes(body[1:3], "big")
    rest = len(body) - 3 - lc
    if lc == 0 or rest not in (0, 2):
        raise StatusError(SW.WRONG_LENGTH)
    if rest == 0:
        return body[3:], None
    return body[3:-2], int.from_bytes(body[-2:], "big") or EXTENDED_LE_MAX


@dataclass(frozen=True)
class Response:
    """A response APDU: data and the status word."""

    data: bytes
    sw: int

    def to_bytes(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def parse(cls, raw: bytes) -> Response:
        """Split ``data ‖ SW1 SW2``; ``ValueError`` if shorter than a status word."""
        if len(raw) < 2:
            raise ValueError("a response APDU has at least the two status bytes")
        return cls(raw[:-2], int.from_bytes(raw[-2:], "big"))


Handler = Callable[["JpkiCard", Command], bytes]
F = TypeVar("F", DataFile, PinFile, KeyFile)


class JpkiCard:
    """The My Number Card's command processor over one ``Chip`` (one card in one reader)."""

    atr = ATR

    def __init__(self, chip: Chip) -> None:
        self.chip = chip
        self._session: CardSession = chip.open_session()
        self._application: Application | None = None
        self._current: ElementaryFile | None = None
        self._reading: tuple[DataFile, bytes] | None = None
        """The EF a run of READ BINARY commands reads, and its content."""

    def __repr__(self) -> str:
        return f"JpkiCard({self.chip.card_id!r})"

    def power_on(self) -> None:
        """Power up: a fresh security state, the master file selected."""
        self.reset()

    def reset(self) -> None:
        """Warm reset: as ``power_on``."""
        self._session.close()
        self._application = None
        self._current = None
        self._reading = None

    def power_off(self) -> None:
        """Power down: nothing survives but what the chip stores (PIN counters, data)."""
        self.reset()

    def process(self, apdu: bytes) -> bytes:
        """Answer one command APDU with a response APDU (bytes in, bytes out)."""
        return self.respond(apdu).to_bytes()

    def respond(self, apdu: bytes) -> Response:
        """Answer one command APDU; never raises."""
        try:
            command = Command.parse(apdu)
            if command.ins != _READ_BINARY:
                self._reading = None
            data = self._dispatch(command)
            response = Response(data, SW.OK)
        except StatusError as status:
            response = Response(b"", status.sw)
        except Exception:
            response = self._failed(apdu)
        if len(apdu) >= 4:  # never the data: it may hold a PIN
            logger.debug("card %s: %s -> %04X", self.chip.card_id, apdu[:4].hex(" "), response.sw)
        return response

    def _failed(self, apdu: bytes) -> Response:
        if not self.chip.exists():
            # The chip was erased (the card returned, 廃止): its life cycle has ended, which
            # ISO 7816-4 says as 62 85, so a terminal can name the cause.
            return Response(b"", SW.TERMINATED)
        # A bug must not take the reader down; the card answers "no precise diagnosis".
        logger.exception(
            "card %s failed on INS %02X", self.chip.card_id, apdu[1] if len(apdu) > 1 else -1
        )
        return Response(b"", SW.NO_PRECISE_DIAGNOSIS)

    def _dispatch(self, command: Command) -> bytes:
        if command.cla not in _CLASSES:
            raise StatusError(SW.CLA_NOT_SUPPORTED)
        handler = _HANDLERS.get((command.cla, command.ins))
        if handler is not None:
            return handler(self, command)
        if any(ins == command.ins for _, ins in _HANDLERS):
            raise StatusError(SW.CLA_NOT_SUPPORTED)
        raise StatusError(SW.INS_NOT_SUPPORTED)

    # --- SELECT ------------------------------------------------------------------------------

    def _select(self, command: Command) -> bytes:
        if command.p2 not in _SELECT_P2:
            raise StatusError(SW.WRONG_P1_P2)
        if command.p1 == 0x04:
            self._select_application(command.data)
        elif command.p1 == 0x00 and command.data in (b"", b"\x3f\x00"):
            self._enter(None)  # the master file
        elif command.p1 in (0x00, 0x02):
            self._select_file(command.data)
        else:
            raise StatusError(SW.WRONG_P1_P2)
        return b""

    def _select_application(self, aid: bytes) -> None:
        if not 1 <= len(aid) <= 16:
            raise StatusError(SW.WRONG_LENGTH)
        application = application_by_aid(aid)
        if application is None:
            raise StatusError(SW.FILE_NOT_FOUND)
        self._enter(application)

    def _enter(self, application: Application | None) -> None:
        if application is not self._application:
            self._session.close()  # leaving an application forgets its verified PINs
        self._application = application
        self._current = None

    def _select_file(self, fid: bytes) -> None:
        if len(fid) != 2:
            raise StatusError(SW.WRONG_LENGTH)
        if self._application is None:
            raise StatusError(SW.FILE_NOT_FOUND)
        file = self._application.files.get(fid)
        if file is None or (isinstance(file, DataFile) and not self._exists(file)):
            raise StatusError(SW.FILE_NOT_FOUND)
        self._current = file

    def _exists(self, file: DataFile) -> bool:
        return file.card_file is None or self._session.holds(file.card_file)

    # --- PINs --------------------------------------------------------------------------------

    def _verify(self, command: Command) -> bytes:
        if (command.p1, command.p2) != (0x00, 0x80):
            raise StatusError(SW.WRONG_P1_P2)
        pin_ref = self._selected(PinFile).pin_ref
        if not command.data:
            raise StatusError(tries_left_sw(self._session.tries_left(pin_ref)))
        try:
            # Any bytes are a PIN to compare (and a try spent); latin-1 maps each byte.
            self._session.verify(pin_ref, command.data.decode("latin-1"))
        except WrongPin as wrong:
            raise StatusError(tries_left_sw(int(wrong.details["tries_left"]))) from None
        except PinLocked:
            raise StatusError(SW.AUTHENTICATION_BLOCKED) from None
        except NoSignatureCertificate:
            raise StatusError(SW.REFERENCED_DATA_NOT_FOUND) from None
        except FaceAuthenticationCard:  # a card that carries no PIN at all
            raise StatusError(SW.CONDITIONS_OF_USE_NOT_SATISFIED) from None
        except CardError:  # the PIN was never set: the card is not yet collected
            raise StatusError(SW.REFERENCE_DATA_NOT_USABLE) from None
        return b""

    def _change_reference_data(self, command: Command) -> bytes:
        if (command.p1, command.p2) != (0x01, 0x80):
            raise StatusError(SW.WRONG_P1_P2)
        pin_ref = self._selected(PinFile).pin_ref
        if not command.data:
            raise StatusError(SW.WRONG_LENGTH)
        if not self._session.is_verified(pin_ref):
            raise StatusError(SW.SECURITY_STATUS_NOT_SATISFIED)
        try:
            new_pin = check_pin(pin_ref, command.data.decode("ascii"))
        except (UnicodeDecodeError, InvalidInput):
            raise StatusError(SW.WRONG_DATA) from None
        self._session.set_new_pin(pin_ref, new_pin)
        return b""

    # --- data and keys -----------------------------------------------------------------------

    def _read_binary(self, command: Command) -> bytes:
        if command.p1 & 0x80:
            raise StatusError(SW.FUNCTION_NOT_SUPPORTED)  # short EF identifiers: not offered
        if command.data or command.le is None:
            raise StatusError(SW.WRONG_LENGTH)
        file = self._selected(DataFile)
        if self._reading is None or self._reading[0] is not file:
            self._reading = (file, self._content(file))
        content = self._reading[1]
        offset = command.p1 << 8 | command.p2
        if offset >= len(content):
            raise StatusError(SW.WRONG_OFFSET)
        return content[offset : offset + min(command.le, MAX_RESPONSE_DATA)]

    def _content(self, file: DataFile) -> bytes:
        if file.card_file is None:
            return file.fixed or b""
        try:
            return file.encode(self._session.read(file.card_file))
        except Unauthenticated:
            raise StatusError(SW.SECURITY_STATUS_NOT_SATISFIED) from None
        except NotFound:
            raise StatusError(SW.FILE_NOT_FOUND) from None

    def _compute_digital_signature(self, command: Command) -> bytes:
        if (command.p1, command.p2) != (0x00, 0x80):
            raise StatusError(SW.WRONG_P1_P2)
        if not command.data:
            raise StatusError(SW.WRONG_LENGTH)
        slot = self._selected(KeyFile).slot
        try:
            if slot is KeySlot.USER_AUTH:
                signature = self._session.sign_with_auth_key(command.data)
            else:
                signature = self._session.sign_with_signature_key(command.data)
        except Unauthenticated:
            raise StatusError(SW.SECURITY_STATUS_NOT_SATISFIED) from None
        except InvalidInput:  # longer than the key allows
            raise StatusError(SW.WRONG_DATA) from None
        if command.le is not None and command.le < len(signature):
            raise StatusError(SW.WRONG_LE | (len(signature) & 0xFF))
        return signature

    def _selected(self, kind: type[F]) -> F:
        if self._current is None:
            raise StatusError(SW.NO_CURRENT_EF)
        if not isinstance(self._current, kind):
            raise StatusError(SW.INCOMPATIBLE_FILE)
        return self._current


_CLASSES = frozenset({0x00, 0x80})
_READ_BINARY = 0xB0
_SELECT_P2 = frozenset({0x00, 0x04, 0x08, 0x0C})  # first occurrence; FCI/FCP/FMD/none asked
_HANDLERS: dict[tuple[int, int], Handler] = {
    (0x00, 0xA4): JpkiCard._select,
    (0x00, 0x20): JpkiCard._verify,
    (0x00, 0x24): JpkiCard._change_reference_data,
    (0x00, 0xB0): JpkiCard._read_binary,
    (0x80, 0x2A): JpkiCard._compute_digital_signature,
}
