"""カードリーダー — the terminal's side: talk to a My Number Card by APDUs, wherever it is.

Clinic terminals, the kiosk and the portal talk to a card through a ``CardReader``:
``transmit(apdu) -> (data, sw)``. Two readers give the same answers:

- ``InProcessReader`` hands the APDU straight to the card's command processor
  (``mynumber.card.apdu.JpkiCard``) — tests, the demo, a terminal in the same process;
- ``PcscReader`` sends it through PC/SC (``pcscd``, via pyscard, the optional ``[jpki]``
  extra) to whatever card is in a reader: a real one, or ours in the vpcd virtual reader.

``JpkiTerminal`` speaks the JPKI protocol over either (the command flow of OpenSC's
``card-jpki.c`` and ``jpki/myna``): select the application, select the EF, VERIFY, READ
BINARY, COMPUTE DIGITAL SIGNATURE. Status words become the project's errors, worded for the
person at the terminal (``mynumber.card.status_words``: ``63 Cx`` → ``WrongPin`` with the tries
left, ``69 83`` → ``PinLocked``, ``62 85`` → the card was cancelled, ``6A 82`` on selecting
the JPKI application → not a My Number Card…).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from mynumber.card.apdu import SW, Command, JpkiCard
from mynumber.card.chip import Chip, locked_pin_error, wrong_pin_error
from mynumber.card.files import BasicFourItems, KeySlot
from mynumber.card.jpki_ap import (
    BASIC_FOUR_FID,
    CARD_FACE_AID,
    CERTIFICATE_FIDS,
    JPKI_AID,
    KEY_FIDS,
    MY_NUMBER_FID,
    PHOTO_FID,
    PIN_FIDS,
    TOKEN,
    TOKEN_FID,
    decode_basic_four,
    decode_my_number,
)
from mynumber.card.pins import PinRef
from mynumber.card.signing import digest_info
from mynumber.card.status_words import Step, refusal_for
from mynumber.domain.errors import CardError, PinLocked, WrongPin
from mynumber.domain.numbers import IndividualNumber

_CHUNK = 256  # short READ BINARY (Le = 00)
_MAX_OFFSET = 0x7FFF  # READ BINARY's P1-P2 offset has 15 bits


class CardReader(Protocol):
    """A card reader with a card in it."""

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send a command APDU; the response data and status word."""
        ...


class InProcessReader:
    """A card in the same process: the APDU goes straight to its command processor."""

    def __init__(self, card: JpkiCard) -> None:
        self.card = card
        card.power_on()

    @classmethod
    def for_chip(cls, chip: Chip) -> InProcessReader:
        """A reader holding ``chip``'s card."""
        return cls(JpkiCard(chip))

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        response = self.card.respond(apdu)
        return response.data, response.sw

    def close(self) -> None:
        """Take the card out: its security state is forgotten."""
        self.card.power_off()

    def __enter__(self) -> InProcessReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class PcscReader:
    """A card in a PC/SC reader (pyscard). ``reader`` picks the reader whose name starts with
    it; by default the first reader with a card. Waits up to ``timeout`` seconds for one."""

    def __init__(self, reader: str | None = None, *, timeout: float = 5.0) -> None:
        try:
            from smartcard.System import readers
        except ImportError:  # pragma: no cover - the optional extra is missing
            raise CardError(
                "PC/SC support needs pyscard: pip install 'mynumber[jpki]'.",
                "PC/SC を使うには pyscard が必要です（mynumber[jpki]）。",
            ) from None
        deadline = time.monotonic() + timeout
        while True:
            connection = _connect_first(readers(), reader)
            if connection is not None:
                self._connection: Any = connection
                return
            if time.monotonic() >= deadline:
                raise CardError(
                    "No card in a PC/SC reader.",
                    "カードリーダーにカードがありません。",
                    reader=reader,
                )
            time.sleep(0.1)

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        data, sw1, sw2 = self._connection.transmit(list(apdu))
        return bytes(data), sw1 << 8 | sw2

    def close(self) -> None:
        """Release the card (it stays in the reader) and the PC/SC context the connection
        holds (pyscard establishes one per connection): left to the garbage collector, it is
        released whenever the object goes, and the release fails then, in a destructor, if
        pcscd has gone meanwhile."""
        self._connection.release()

    def __enter__(self) -> PcscReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _connect_first(found: list[Any], prefix: str | None) -> Any | None:
    from smartcard.Exceptions import CardConnectionException, NoCardException

    for reader in found:
        if prefix is not None and not str(reader).startswith(prefix):
            continue
        connection = reader.createConnection()
        try:
            connection.connect()
        except (NoCardException, CardConnectionException):
            with suppress(CardConnectionException):  # pcscd may be the reason
                connection.release()
            continue
        return connection
    return None


@dataclass(frozen=True)
class CardSignature:
    """A signature made by the card, and the certificate of the key that made it (DER) — the
    shape of ``services.card_auth.CardAnswer``."""

    certificate_der: bytes
    signature: bytes


@dataclass(frozen=True)
class TerminalSigner:
    """A card key as a signer (``sign_digest_info``), once its PIN was verified."""

    terminal: JpkiTerminal
    slot: KeySlot

    def sign_digest_info(self, digest_info_der: bytes) -> bytes:
        """The card's PKCS#1 v1.5 signature of ``digest_info_der``."""
        return self.terminal.sign_digest_info(self.slot, digest_info_der)


class JpkiTerminal:
    """The JPKI protocol over a ``CardReader``: what clinic, kiosk and portal terminals do."""

    def __init__(self, reader: CardReader) -> None:
        self.reader = reader

    # --- the building blocks -----------------------------------------------------------------

    def command(self, command: Command, step: Step = Step.OTHER) -> bytes:
        """Send ``command``; its data, or the error its status word means at ``step``."""
        data, sw = self.reader.transmit(command.to_bytes())
        if sw != SW.OK:
            raise refusal_for(sw, step)
        return data

    def select_application(self, aid: bytes) -> None:
        """SELECT an application by AID."""
        self.command(Command(0x00, 0xA4, 0x04, 0x0C, aid), Step.SELECT_APPLICATION)

    def select_file(self, fid: bytes) -> None:
        """SELECT an EF of the current application by file ID."""
        self.command(Command(0x00, 0xA4, 0x02, 0x0C, fid), Step.SELECT_FILE)

    def read_binary(self, offset: int, length: int) -> bytes:
        """READ BINARY of up to ``length`` bytes (at most 256) from ``offset``."""
        if not 0 <= offset <= _MAX_OFFSET:
            raise ValueError("READ BINARY offsets have 15 bits")
        return self.command(Command(0x00, 0xB0, offset >> 8, offset & 0xFF, le=length), Step.READ)

    def read_selected(self) -> bytes:
        """The whole selected EF: a DER certificate by its header's length (as OpenSC does),
        anything else chunk by chunk until a short chunk or the end."""
        head = self.read_binary(0, 4)
        if len(head) == 4 and head[:2] == b"\x30\x82":
            return self._read_exactly(head, int.from_bytes(head[2:4], "big") + 4)
        content = head
        while len(content) < _MAX_OFFSET:
            data, sw = self.reader.transmit(
                Command(0x00, 0xB0, len(content) >> 8, len(content) & 0xFF, le=_CHUNK).to_bytes()
            )
            if sw == SW.WRONG_OFFSET:
                break
            if sw != SW.OK:
                raise refusal_for(sw, Step.READ)
            content += data
            if len(data) < _CHUNK:
                break
        return content

    def _read_exactly(self, content: bytes, total: int) -> bytes:
        while len(content) < total:
            chunk = self.read_binary(len(content), min(_CHUNK, total - len(content)))
            if not chunk:
                raise CardError(
                    "The card's file ended early.", "カードのファイルが途中で終わりました。"
                )
            content += chunk
        return content

    def read_file(self, aid: bytes, fid: bytes) -> bytes:
        """Select ``aid`` then ``fid`` and read the whole EF."""
        self.select_application(aid)
        self.select_file(fid)
        return self.read_selected()

    def tries_left(self, pin_ref: PinRef) -> int:
        """The tries left before ``pin_ref`` locks (an empty VERIFY: none is spent)."""
        aid, fid = PIN_FIDS[pin_ref]
        self.select_application(aid)
        self.select_file(fid)
        _, sw = self.reader.transmit(Command(0x00, 0x20, 0x00, 0x80).to_bytes())
        if sw & 0xFFF0 != 0x63C0:
            raise refusal_for(sw, Step.VERIFY)
        return sw & 0x0F

    def verify(self, pin_ref: PinRef, pin: str) -> None:
        """Select ``pin_ref``'s application and PIN EF and VERIFY ``pin``."""
        aid, fid = PIN_FIDS[pin_ref]
        self.select_application(aid)
        self.select_file(fid)
        try:
            self.command(Command(0x00, 0x20, 0x00, 0x80, pin.encode("utf-8")), Step.VERIFY)
        except (WrongPin, PinLocked) as refused:
            raise _named(refused, pin_ref) from None

    def change_pin(self, pin_ref: PinRef, old: str, new: str) -> None:
        """VERIFY ``old``, then CHANGE REFERENCE DATA to ``new``."""
        self.verify(pin_ref, old)
        self.command(Command(0x00, 0x24, 0x01, 0x80, new.encode("utf-8")))

    # --- what terminals do -------------------------------------------------------------------

    def is_my_number_card(self) -> bool:
        """Whether the JPKI token file says ``JPKIAPICCTOKEN2``."""
        try:
            return self.read_file(JPKI_AID, TOKEN_FID)[: len(TOKEN)] == TOKEN
        except CardError:
            return False

    def read_certificate(self, slot: KeySlot, *, pin: str | None = None) -> x509.Certificate:
        """The certificate of ``slot``'s key (the signature one after ``pin``)."""
        if pin is not None:
            self.verify(slot.required_pin, pin)
        else:
            self.select_application(JPKI_AID)
        self.select_file(CERTIFICATE_FIDS[slot])
        return x509.load_der_x509_certificate(self.read_selected())

    def sign_digest_info(self, slot: KeySlot, digest_info_der: bytes) -> bytes:
        """COMPUTE DIGITAL SIGNATURE with ``slot``'s key (its PIN verified before; selecting
        the JPKI application again keeps it verified)."""
        self.select_application(JPKI_AID)
        self.select_file(KEY_FIDS[slot])
        return self.command(Command(0x80, 0x2A, 0x00, 0x80, digest_info_der, le=256), Step.SIGN)

    def authenticate(self, nonce: bytes, pin: str) -> CardSignature:
        """利用者証明: the authentication certificate and the card's signature over ``nonce``
        (SHA-256, PKCS#1 v1.5) after the 4-digit PIN."""
        certificate = self.read_certificate(KeySlot.USER_AUTH)
        self.verify(PinRef.USER_AUTHENTICATION, pin)
        signature = self.sign_digest_info(KeySlot.USER_AUTH, digest_info(nonce))
        return CardSignature(certificate.public_bytes(serialization.Encoding.DER), signature)

    def sign(self, data: bytes, pin: str) -> CardSignature:
        """署名: the signature certificate and the card's signature over ``data`` (SHA-256,
        PKCS#1 v1.5) after the signature PIN."""
        certificate = self.read_certificate(KeySlot.SIGNATURE, pin=pin)
        signature = self.sign_digest_info(KeySlot.SIGNATURE, digest_info(data))
        return CardSignature(certificate.public_bytes(serialization.Encoding.DER), signature)

    def signer(self, slot: KeySlot, pin: str) -> tuple[x509.Certificate, TerminalSigner]:
        """Verify ``slot``'s PIN; its certificate and a signer for ``pki.xmlsig.sign_xml``
        (e-Tax signs XML this way)."""
        certificate = self.read_certificate(slot, pin=pin)
        return certificate, TerminalSigner(self, slot)

    def read_my_number(self, pin: str) -> IndividualNumber:
        """The My Number, after the card-face input-support PIN (the caller declares the
        legal purpose)."""
        self.verify(PinRef.CARD_INFO_INPUT, pin)
        self.select_file(MY_NUMBER_FID)
        return IndividualNumber(decode_my_number(self.read_selected()))

    def read_basic_four(self, pin: str) -> BasicFourItems:
        """The basic four items, after the card-face input-support PIN."""
        self.verify(PinRef.CARD_INFO_INPUT, pin)
        self.select_file(BASIC_FOUR_FID)
        return decode_basic_four(self.read_selected())

    def read_photo(self) -> bytes:
        """The face photo (no PIN: terminals match faces against it)."""
        return self.read_file(CARD_FACE_AID, PHOTO_FID)


def authenticate(reader: CardReader, nonce: bytes, pin: str) -> CardSignature:
    """``JpkiTerminal(reader).authenticate(nonce, pin)``."""
    return JpkiTerminal(reader).authenticate(nonce, pin)


def sign(reader: CardReader, data: bytes, pin: str) -> CardSignature:
    """``JpkiTerminal(reader).sign(data, pin)``."""
    return JpkiTerminal(reader).sign(data, pin)


def _named(refused: WrongPin | PinLocked, pin_ref: PinRef) -> WrongPin | PinLocked:
    """The same refusal, naming the PIN, as the in-process card words it (``63 C0``: the entry
    that locks it is still a wrong PIN; ``69 83``: it was locked already)."""
    if isinstance(refused, PinLocked):
        return locked_pin_error(pin_ref)
    return wrong_pin_error(pin_ref, int(refused.details["tries_left"]))


@contextmanager
def reader_for(card: Chip | CardReader) -> Iterator[CardReader]:
    """A reader for ``card``: a chip in this process is put in an ``InProcessReader`` (and
    taken out afterwards); a reader — a PC/SC one — is used as it is. Either way the terminal
    speaks the same JPKI APDUs to the same card."""
    if isinstance(card, Chip):
        with InProcessReader.for_chip(card) as reader:
            yield reader
    else:
        yield card
