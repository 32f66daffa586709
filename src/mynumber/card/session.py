"""セキュリティ状態 — one card-reader connection to a My Number Card and what it has unlocked.

A session remembers which PINs were verified on this connection, as a chip's security state
does; it is forgotten when the session closes (the card leaves the reader). Access rules
(RULES.md "The chip"; OpenSC ``card-jpki.c``):

- signing with the user-authentication key needs the user-authentication PIN; with the
  signature key, the signature PIN;
- reading follows ``CardFile.required_pin``: the authentication certificate and the photo need
  no PIN, the signature certificate the signature PIN, the My Number and basic four items the
  card-face input-support PIN.

Use it as a context manager: ``with chip.open_session() as session: session.verify(...)``.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from cryptography import x509

from mynumber.card.files import BasicFourItems, CardFile, KeySlot
from mynumber.card.pins import PinRef
from mynumber.domain.errors import Unauthenticated
from mynumber.domain.numbers import IndividualNumber

if TYPE_CHECKING:
    from mynumber.card.chip import Chip


class CardSession:
    """The security state of one connection to one card."""

    def __init__(self, chip: Chip) -> None:
        self.chip = chip
        self._verified: set[PinRef] = set()

    def __enter__(self) -> CardSession:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """The card leaves the reader: every verified PIN is forgotten."""
        self._verified.clear()

    def verify(self, pin_ref: PinRef, pin: str) -> None:
        """VERIFY: check ``pin`` on the chip. ``WrongPin`` (``details['tries_left']``) or
        ``PinLocked`` if refused; a failure also clears an earlier verification of that PIN."""
        self._verified.discard(pin_ref)
        self.chip._check_pin(pin_ref, pin)
        self._verified.add(pin_ref)

    def is_verified(self, pin_ref: PinRef) -> bool:
        """Whether ``pin_ref`` was verified in this session."""
        return pin_ref in self._verified

    def tries_left(self, pin_ref: PinRef) -> int:
        """The tries left before ``pin_ref`` locks, spending none (an empty VERIFY, ``63 Cx``)."""
        return self.chip._tries_left(pin_ref)

    def change_pin(self, pin_ref: PinRef, old: str, new: str) -> None:
        """CHANGE REFERENCE DATA: ``old`` is checked like a VERIFY (a wrong one costs a try)."""
        self.verify(pin_ref, old)
        self.chip.reset_pin(pin_ref, new)

    def set_new_pin(self, pin_ref: PinRef, new: str) -> None:
        """CHANGE REFERENCE DATA in its JPKI form (``P1=01``): only the new PIN is sent, so
        ``pin_ref`` must have been verified in this session (else ``Unauthenticated``)."""
        self._require(pin_ref)
        self.chip.reset_pin(pin_ref, new)

    def holds(self, file: CardFile) -> bool:
        """Whether the chip holds ``file`` at all (a SELECT of an absent EF fails); reveals
        nothing of its content, so it needs no PIN."""
        return self.chip._holds(file)

    def sign_with_auth_key(self, digest_info: bytes) -> bytes:
        """Sign a DigestInfo with the user-authentication key (needs ``USER_AUTH``)."""
        return self._sign(KeySlot.USER_AUTH, digest_info)

    def sign_with_signature_key(self, digest_info: bytes) -> bytes:
        """Sign a DigestInfo with the signature key (needs ``SIGNATURE``)."""
        return self._sign(KeySlot.SIGNATURE, digest_info)

    def read(self, file: CardFile) -> bytes:
        """READ BINARY of a whole file, if this session has verified the PIN it needs."""
        self._require(file.required_pin)
        return self.chip._read(file)

    def read_certificate(self, slot: KeySlot) -> x509.Certificate:
        """The certificate of the key in ``slot`` (the signature one needs the signature PIN)."""
        return x509.load_der_x509_certificate(self.read(slot.certificate))

    def read_basic_four(self) -> BasicFourItems:
        """The basic four items (needs ``CARD_FACE_INPUT``)."""
        return BasicFourItems.decode(self.read(CardFile.BASIC_FOUR))

    def read_my_number(self) -> IndividualNumber:
        """The My Number (needs ``CARD_FACE_INPUT``). The caller declares the legal purpose."""
        return IndividualNumber(self.read(CardFile.MY_NUMBER).decode("ascii"))

    def _sign(self, slot: KeySlot, digest_info: bytes) -> bytes:
        self._require(slot.required_pin)
        return self.chip._sign(slot, digest_info)

    def _require(self, pin_ref: PinRef | None) -> None:
        if pin_ref is not None and pin_ref not in self._verified:
            raise Unauthenticated(
                f"Enter the {pin_ref.name_en} first.",
                f"先に{pin_ref.name_ja}を入力してください。",
                pin=pin_ref.value,
            )
