"""カード保管庫 — the card store: where the chips live (it stands for the residents' pockets).

``ChipStore`` is the persistence port for chip state; ``MemoryChipStore`` is the in-memory
implementation, and the database adapter implements the same protocol. Every operation is
atomic on its own; in particular ``take_try`` is one conditional decrement (in SQL:
``UPDATE … SET tries_left = tries_left - 1 WHERE … AND tries_left > 0 RETURNING``), so
concurrent wrong PINs can neither be lost nor counted twice.

The state is deliberately plain (bytes, str, int): the store never sees a clear private key
nor a clear data file — the My Number, the basic four items, the photo and the certificates are
all sealed with the card's own keys, derived from the chip key (``mynumber.card.sealing``) —
nor a clear PIN (salted, peppered hashes, ``mynumber.card.pins``). The authority's own records
(certificates issued, card status) are not here: this is the card, not the register.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from mynumber.card.files import KeySlot
from mynumber.card.pins import PinRef
from mynumber.domain.errors import Conflict, NotFound


@dataclass(frozen=True)
class StoredPin:
    """A PIN as the chip compares an entry with it: the hash (empty until set at collection),
    the salt (the PIN's version: its tries are counted per salt) and the full count of tries —
    not the counter itself, which a VERIFY spends and reads through ``take_try`` alone."""

    pin_hash: bytes
    salt: bytes
    max_tries: int

    @property
    def is_set(self) -> bool:
        return bool(self.pin_hash)


@dataclass(frozen=True)
class PinRecord(StoredPin):
    """A PIN object on the chip as the store keeps it: the stored PIN and its retry counter."""

    tries_left: int

    @classmethod
    def unset(cls, pin_ref: PinRef) -> PinRecord:
        """The PIN as manufactured: no PIN yet, the full count of tries."""
        return cls(b"", b"", max_tries=pin_ref.max_attempts, tries_left=pin_ref.max_attempts)


@dataclass(frozen=True)
class KeyRecord:
    """A key slot: the sealed PKCS#8 private key and the public key (SubjectPublicKeyInfo DER)."""

    sealed_private_key: bytes
    public_key: bytes


@dataclass(frozen=True)
class ChipState:
    """Everything a chip holds, as the store keeps it (``files``: name → sealed content)."""

    card_id: str
    pins: dict[PinRef, PinRecord]
    keys: dict[KeySlot, KeyRecord]
    files: dict[str, bytes]

    def copy(self) -> ChipState:
        """A copy whose mappings can be changed without touching this one."""
        return replace(self, pins=dict(self.pins), keys=dict(self.keys), files=dict(self.files))


class ChipStore(Protocol):
    """Persistence of chip state. Unknown ``card_id`` → ``NotFound`` (for the tries, by the
    read of the PIN that comes before them: see ``take_try``).

    ``PinRef`` and ``KeySlot`` are string enums: a database stores their ``.value``.
    """

    def create(self, chip: ChipState) -> None:
        """Store a newly manufactured chip; ``Conflict`` if the serial exists."""
        ...

    def __contains__(self, card_id: object) -> bool:
        """Whether a chip with this serial exists (not erased)."""
        ...

    def load(self, card_id: str) -> ChipState:
        """The chip's current state."""
        ...

    # One part of the state each: a card command needs one PIN, key or file, and reading the
    # whole chip (every table, and the counters on their own connection) for it was most of
    # the statements a card authentication cost. Each reads the store afresh, as ``load``.

    def pins(self, card_id: str) -> dict[PinRef, PinRecord]:
        """The chip's PINs with their counters, as ``load`` has them (its keys and files not
        read)."""
        ...

    def pin(self, card_id: str, pin_ref: PinRef) -> StoredPin:
        """The PIN ``pin_ref`` as the chip compares an entry with it (``KeyError``: the chip
        has no such PIN)."""
        ...

    def key(self, card_id: str, slot: KeySlot) -> KeyRecord:
        """The key pair in ``slot`` (``KeyError``: the slot is empty)."""
        ...

    def file(self, card_id: str, name: str) -> bytes | None:
        """The sealed content of the file ``name``, or ``None`` if the chip holds no such file."""
        ...

    def holds_file(self, card_id: str, name: str) -> bool:
        """Whether the chip holds the file ``name`` (its content not read)."""
        ...

    # The tries are spent and given back for an entry the chip compares with the PIN it has
    # just read (``pin``): that read is where an unknown card is ``NotFound``, and the try is
    # counted against that version of the PIN (its salt), so the store need not read it again.

    def take_try(self, card_id: str, pin_ref: PinRef, pin: StoredPin) -> int:
        """Atomically spend one try of ``pin`` (what ``self.pin`` gave for this entry): the
        tries left *before* it, or 0 (locked, nothing spent)."""
        ...

    def reset_tries(self, card_id: str, pin_ref: PinRef, pin: StoredPin) -> None:
        """Give ``pin`` (as for ``take_try``) its full count of tries back, after a correct
        entry."""
        ...

    def set_pin(self, card_id: str, pin_ref: PinRef, *, pin_hash: bytes, salt: bytes) -> None:
        """Replace the PIN's hash and salt and reset its tries to the full count."""
        ...

    def set_key(self, card_id: str, slot: KeySlot, key: KeyRecord) -> None:
        """Replace the key pair in ``slot`` (a certificate reissue makes a new pair)."""
        ...

    def update_data(self, card_id: str, files: Mapping[str, bytes | None]) -> None:
        """Write the given files; a ``None`` value deletes that file. Other files stay."""
        ...

    def destroy(self, card_id: str) -> None:
        """Erase the chip (the card is returned and invalidated)."""
        ...


class MemoryChipStore:
    """A thread-safe ``ChipStore`` in memory (tests, demo, simulations)."""

    def __init__(self) -> None:
        self._chips: dict[str, ChipState] = {}
        self._lock = threading.Lock()

    def _get(self, card_id: str) -> ChipState:
        chip = self._chips.get(card_id)
        if chip is None:
            raise NotFound(
                "No such card in the card store.", "該当するカードがありません。", card_id=card_id
            )
        return chip

    def __contains__(self, card_id: object) -> bool:
        with self._lock:
            return card_id in self._chips

    def copy(self) -> MemoryChipStore:
        """Another store holding copies of these chips: what either changes the other does not
        see (a simulation's or a test's world kept, then given again)."""
        other = MemoryChipStore()
        with self._lock:
            other._chips = {card_id: chip.copy() for card_id, chip in self._chips.items()}
        return other

    def create(self, chip: ChipState) -> None:
        """Store a newly manufactured chip; ``Conflict`` if the serial exists."""
        with self._lock:
            if chip.card_id in self._chips:
                raise Conflict(
                    "A card with this serial already exists.",
                    "このシリアル番号のカードは既に存在します。",
                    card_id=chip.card_id,
                )
            self._chips[chip.card_id] = chip.copy()

    def load(self, card_id: str) -> ChipState:
        """The chip's current state (a copy)."""
        with self._lock:
            return self._get(card_id).copy()

    def pins(self, card_id: str) -> dict[PinRef, PinRecord]:
        """The chip's PINs with their counters (a copy)."""
        with self._lock:
            return dict(self._pins(card_id))

    def pin(self, card_id: str, pin_ref: PinRef) -> StoredPin:
        """The PIN as the chip compares an entry with it."""
        with self._lock:
            record = self._pins(card_id)[pin_ref]
            return StoredPin(record.pin_hash, record.salt, record.max_tries)

    def key(self, card_id: str, slot: KeySlot) -> KeyRecord:
        """The key pair in ``slot``."""
        with self._lock:
            return self._get(card_id).keys[slot]

    def file(self, card_id: str, name: str) -> bytes | None:
        """The sealed content of the file ``name``, or ``None``."""
        with self._lock:
            return self._get(card_id).files.get(name)

    def holds_file(self, card_id: str, name: str) -> bool:
        """Whether the chip holds the file ``name``."""
        with self._lock:
            return name in self._get(card_id).files

    def take_try(self, card_id: str, pin_ref: PinRef, pin: StoredPin) -> int:
        """Atomically spend one try: the tries left *before* it, or 0 (locked, nothing spent).
        The counter lives with the PIN here, so ``pin`` is not needed."""
        with self._lock:
            pins = self._pins(card_id)
            before = pins[pin_ref].tries_left
            if before > 0:
                pins[pin_ref] = replace(pins[pin_ref], tries_left=before - 1)
            return before

    def reset_tries(self, card_id: str, pin_ref: PinRef, pin: StoredPin) -> None:
        """Give the PIN its full count of tries back (``pin`` not needed, as for ``take_try``)."""
        with self._lock:
            pins = self._pins(card_id)
            pins[pin_ref] = replace(pins[pin_ref], tries_left=pins[pin_ref].max_tries)

    def set_pin(self, card_id: str, pin_ref: PinRef, *, pin_hash: bytes, salt: bytes) -> None:
        """Replace the PIN's hash and salt and reset its tries to the full count."""
        with self._lock:
            pins = self._pins(card_id)
            old = pins[pin_ref]
            pins[pin_ref] = replace(old, pin_hash=pin_hash, salt=salt, tries_left=old.max_tries)

    def set_key(self, card_id: str, slot: KeySlot, key: KeyRecord) -> None:
        """Replace the key pair in ``slot``."""
        with self._lock:
            self._get(card_id).keys[slot] = key

    def update_data(self, card_id: str, files: Mapping[str, bytes | None]) -> None:
        """Write the given files; a ``None`` value deletes that file."""
        with self._lock:
            stored = self._get(card_id).files
            for name, content in files.items():
                if content is None:
                    stored.pop(name, None)
                else:
                    stored[name] = content

    def destroy(self, card_id: str) -> None:
        """Erase the chip."""
        with self._lock:
            self._get(card_id)
            del self._chips[card_id]

    def _pins(self, card_id: str) -> dict[PinRef, PinRecord]:
        return self._get(card_id).pins
