"""Builders for the all-or-nothing card tests (no tests here): does the chip agree with the
register, and a crash injected after the N-th write of an operation.

A "write boundary" is a chip write that has just happened (``create``, ``set_pin``,
``set_key``, ``update_data``, ``destroy`` on the card store) or a flush of the register's
session that has just happened. ``crash_after(system, n)`` raises ``Crash`` right after the
n-th boundary of whatever runs inside it: the process "dies" there, so nothing after it runs
and nothing uncommitted survives.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.chip_store import SqlChipStore
from mynumber.adapters.db.models_card import Card, Certificate, ChipFile, ChipPin, ChipRecord
from mynumber.bootstrap import System
from mynumber.card import CardFile
from mynumber.card.sealing import ChipSecrets
from mynumber.domain.cards import IdentityShown
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from tests.conftest import ward

CHIP_WRITES = ("create", "set_pin", "set_key", "update_data", "destroy")
_CERT_FILES = {
    CardFile.AUTH_CERT.value: "authentication",
    CardFile.SIGNATURE_CERT.value: "signature",
}


class Crash(Exception):
    """The process dies here (raised right after a write boundary)."""


@contextmanager
def crash_after(system: System, n: int) -> Iterator[list[str]]:
    """Raise ``Crash`` right after the ``n``-th write boundary; yields the boundaries seen."""
    seen: list[str] = []
    store = system.services.chips

    def boundary(name: str) -> None:
        seen.append(name)
        if len(seen) == n:
            raise Crash(name)

    def wrap(name: str) -> Callable[..., Any]:
        original = getattr(store, name)

        def written(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            boundary(f"chip.{name}")
            return result

        return written

    def flushed(_session: Session, _context: Any) -> None:
        boundary("register.flush")

    for name in CHIP_WRITES:
        setattr(store, name, wrap(name))  # the instance's attribute hides the method
    event.listen(system.sessions, "after_flush", flushed)
    try:
        yield seen
    finally:
        for name in CHIP_WRITES:
            delattr(store, name)
        event.remove(system.sessions, "after_flush", flushed)


def disagreements(system: System) -> list[str]:
    """Every card whose chip and register disagree, with what is wrong (empty: they agree).

    - ready: the chip exists, no PIN set, no certificate on it;
    - active or suspended: the chip exists with its PINs set; every certificate on the chip is
      one the register issued to the card (it may have revoked it since: a move revokes the
      signature certificate before the chip is updated), and every one the register holds
      valid for the card is on the chip;
    - invalid and returned: the chip is erased.

    The chips are read from the card store's tables in the register's database (where
    ``SqlChipStore`` keeps them), all at once and in the register's snapshot: the same rows
    ``SqlChipStore.load`` reads card by card (its tries, on their own engine, play no part
    here), without its five statements and a connection per card at every step of the crash
    loops (~40 % of their CPU).
    """
    found: list[str] = []
    assert isinstance(system.services.chips, SqlChipStore)  # its tables are read below
    chip_key = system.services.keys.chip_key
    with system.reading() as uow:
        cards = list(uow.session.scalars(select(Card)))
        certificates = list(uow.session.scalars(select(Certificate)))
        chips = set(uow.session.scalars(select(ChipRecord.card_id)))
        pins: dict[str, set[str]] = {}
        for card_id, pin_ref, pin_hash in uow.session.execute(
            select(ChipPin.card_id, ChipPin.pin_ref, ChipPin.pin_hash)
        ):
            if pin_hash:  # ``PinRecord.is_set``
                pins.setdefault(card_id, set()).add(pin_ref)
        files: dict[str, dict[str, bytes]] = {}
        for card_id, name, data in uow.session.execute(
            select(ChipFile.card_id, ChipFile.name, ChipFile.data).where(
                ChipFile.name.in_(_CERT_FILES)
            )
        ):
            files.setdefault(card_id, {})[name] = bytes(data)
    for card in cards:
        serial = card.serial
        known = {bytes(c.der) for c in certificates if c.card_serial == serial}
        valid = {
            c.kind: bytes(c.der)
            for c in certificates
            if c.card_serial == serial and c.revoked_at is None
        }
        if serial not in chips:
            if card.status != "invalid":
                found.append(f"{serial}: {card.status} in the register, no chip")
            if valid:
                found.append(f"{serial}: no chip, yet valid certificates {sorted(valid)}")
            continue
        secrets = ChipSecrets.derive(chip_key, serial)
        held = files.get(serial, {})
        on_chip = {
            kind: secrets.open_file(name, held[name])
            for name, kind in _CERT_FILES.items()
            if name in held
        }
        pins_set = pins.get(serial, set())
        if card.status == "ready":
            if pins_set or on_chip:
                found.append(
                    f"{serial}: ready, yet PINs {sorted(pins_set)} and "
                    f"certificates {sorted(on_chip)} on the chip"
                )
        elif card.status in ("active", "suspended"):
            if len(pins_set) < 3:
                found.append(f"{serial}: {card.status} with PINs {sorted(pins_set)} only")
            unknown = sorted(kind for kind, der in on_chip.items() if der not in known)
            if unknown:
                found.append(f"{serial}: the register has no record of the chip's {unknown}")
            missing = sorted(kind for kind, der in valid.items() if on_chip.get(kind) != der)
            if missing:
                found.append(f"{serial}: the register's valid {missing} not on the chip")
        elif card.invalid_reason == "returned":
            found.append(f"{serial}: returned, yet its chip is still there")
    return found


def return_card(system: System, serial: str, shown: IdentityShown) -> None:
    """The card handed back at the counter (with the holder's ID when the use case asks)."""
    extra: dict[str, Any] = {}
    if "identity" in inspect.signature(card_counter.return_card).parameters:
        extra = dict(identity=shown, id_documents=(IdDocument.RESIDENCE_CARD,))
    with system.uow() as uow:
        card_counter.return_card(
            uow.session, system.services, caller=ward(), card_serial=serial, **extra
        )
        uow.commit()
