"""Virtual card readers: an integrator's code talks to a card over HTTP as over PC/SC.

A card put in a virtual reader is the card's chip answering APDUs (``card.apdu.JpkiCard``):
the same keys, files and PIN counters as the counter, the kiosk and the portal use — three
wrong PINs lock it here as anywhere. Each reader keeps its card's security state (the PINs
verified since the JPKI application was selected) between requests, as a card powered in a
reader does, until another application is selected or the card is taken out.

Only the sandbox admin drives cards (a card serial is not a My Number, but it opens a
person's card): every command is audited under the card's holder, never with its bytes
(a VERIFY carries a PIN).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from mynumber.adapters.db.models_card import Card
from mynumber.adapters.pcsc import CardSignature, InProcessReader, JpkiTerminal
from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.card.apdu import JpkiCard
from mynumber.domain.access import Role
from mynumber.domain.errors import invalid
from mynumber.domain.pins import PinKind, check_pin_format
from mynumber.services.cards import records as card_records
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import require_role
from mynumber.services.sandbox.clock import simulated

MAX_APDU = 4 + 3 + 16384 + 3
"""The longest command APDU the sandbox takes (its hex fits the API's 64 KiB body limit; the
card's own commands are far shorter)."""
MAX_SIGNED_CHARS = 40_000
"""The longest data to sign the sandbox takes, in base64 characters (30,000 bytes)."""


@dataclass
class VirtualReaders:
    """The sandbox's card readers, one per card put in (in this process's memory)."""

    _readers: dict[str, InProcessReader] = field(default_factory=dict)
    _turns: dict[str, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def turn(self, svc: Services, card: Card) -> Iterator[InProcessReader]:
        """The reader holding ``card`` (put in, powered on, the first time), for one caller at
        a time: a card answers one command after another, never two at once."""
        with self._lock:
            found = self._readers.get(card.serial)
            if found is None:
                found = InProcessReader(JpkiCard(card_records.chip_of(svc, card)))
                self._readers[card.serial] = found
            turn = self._turns.setdefault(card.serial, threading.Lock())
        with turn:
            yield found

    def take_out(self, serial: str) -> bool:
        """Take the card out of its reader (its verified PINs are forgotten)."""
        with self._lock:
            found = self._readers.pop(serial, None)
            turn = self._turns.get(serial)
        if found is None or turn is None:
            return False
        with turn:  # not in the middle of a command
            found.close()
        return True


def parse_apdu(text: str) -> bytes:
    """A command APDU written in hexadecimal (spaces allowed), or ``InvalidInput``."""
    compact = "".join(text.split())
    try:
        apdu = bytes.fromhex(compact)
    except ValueError:
        raise invalid(
            "apdu",
            "Write the APDU in hexadecimal, e.g. 00A4040C0AD392F000260100000001.",
            "APDUは16進数で指定してください（例: 00A4040C0AD392F000260100000001）。",
        ) from None
    if not 4 <= len(apdu) <= MAX_APDU:
        raise invalid(
            "apdu",
            "An APDU has at least 4 bytes (CLA INS P1 P2).",
            "APDUは4バイト以上です（CLA INS P1 P2）。",
        )
    return apdu


def _insert(session: Session, svc: Services, *, caller: Caller, serial: str) -> Card:
    """The card to put in a reader (the sandbox admin's, in the sandbox only), audited."""
    require_role(caller, Role.SANDBOX_ADMIN)
    simulated(svc)  # no sandbox, no readers
    card = card_records.get_card(session, serial)
    audit.record(
        session,
        caller=caller,
        action="sandbox_card_command",
        person_id=card.person_id,
        at=svc.clock.now(),
        detail=f"card {card.serial} in a virtual reader",
    )
    return card


def transmit(
    session: Session,
    svc: Services,
    readers: VirtualReaders,
    *,
    caller: Caller,
    serial: str,
    apdu: bytes,
) -> bytes:
    """Send one command APDU to the card in its virtual reader; the response APDU (data and
    status word: an error is a status word, as a card answers)."""
    card = _insert(session, svc, caller=caller, serial=serial)
    with readers.turn(svc, card) as reader:
        data, sw = reader.transmit(apdu)
    return data + sw.to_bytes(2, "big")


def authenticate(
    session: Session,
    svc: Services,
    readers: VirtualReaders,
    *,
    caller: Caller,
    serial: str,
    nonce: bytes,
    pin: str,
) -> CardSignature:
    """What a clinic's reception terminal does with the card: read the user-authentication
    certificate, verify the 4-digit PIN, have the card sign the nonce (``WrongPin`` and
    ``PinLocked`` as the card answers)."""
    require_role(caller, Role.SANDBOX_ADMIN)
    check_pin_format(PinKind.USER_AUTHENTICATION, pin)  # a malformed PIN costs no try
    card = _insert(session, svc, caller=caller, serial=serial)
    with readers.turn(svc, card) as reader:
        return JpkiTerminal(reader).authenticate(nonce, pin)


def sign(
    session: Session,
    svc: Services,
    readers: VirtualReaders,
    *,
    caller: Caller,
    serial: str,
    data: bytes,
    pin: str,
) -> CardSignature:
    """The card signs ``data`` with its signature key after the signature PIN (署名用)."""
    require_role(caller, Role.SANDBOX_ADMIN)
    check_pin_format(PinKind.SIGNATURE, pin)  # as the portal and the kiosk: no try lost
    card = _insert(session, svc, caller=caller, serial=serial)
    with readers.turn(svc, card) as reader:
        return JpkiTerminal(reader).sign(data, pin)


def sample_photo(*, caller: Caller) -> bytes:
    """A face photo (JPEG) that passes the application's photo rules, to apply with."""
    require_role(caller, Role.SANDBOX_ADMIN)
    return sample_photo_jpeg()
