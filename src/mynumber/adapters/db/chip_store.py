"""``SqlChipStore``: the card store (``mynumber.card.store.ChipStore``) in the database.

Each operation runs in its own short transaction on the engine, never in the caller's unit
of work: the chip changes when it acts. So a wrong PIN is counted even when the request that
carried it fails, and a crash between the decrement and the comparison still costs the try.
``take_try`` is a single conditional ``UPDATE … RETURNING``: concurrent attempts on one card
are serialised by the database, none lost, none counted twice.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from mynumber.adapters.db.models_card import ChipFile, ChipKey, ChipPin, ChipRecord
from mynumber.card.files import KeySlot
from mynumber.card.pins import PinRef
from mynumber.card.store import ChipState, KeyRecord, PinRecord
from mynumber.domain.errors import Conflict, NotFound


def _missing(card_id: str) -> NotFound:
    return NotFound("No such card in the card store.", "該当するカードがありません。",
                    card_id=card_id)


class SqlChipStore:
    """Chip state in ``chip_states`` / ``chip_pins`` / ``chip_keys`` / ``chip_files``."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, chip: ChipState) -> None:
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(ChipRecord).values(card_id=chip.card_id))
                conn.execute(insert(ChipPin), [
                    dict(card_id=chip.card_id, pin_ref=ref.value, pin_hash=p.pin_hash,
                         salt=p.salt, tries_left=p.tries_left, max_tries=p.max_tries)
                    for ref, p in chip.pins.items()])
                if chip.keys:
                    conn.execute(insert(ChipKey), [
                        dict(card_id=chip.card_id, slot=slot.value,
                             sealed_private_key=k.sealed_private_key, public_key=k.public_key)
                        for slot, k in chip.keys.items()])
                if chip.files:
                    conn.execute(insert(ChipFile), [
                        dict(card_id=chip.card_id, name=name, data=data)
                        for name, data in chip.files.items()])
        except IntegrityError:
            raise Conflict("A card with this serial already exists.",
                           "このシリアル番号のカードは既に存在します。",
                           card_id=chip.card_id) from None

    def load(self, card_id: str) -> ChipState:
        with self._engine.connect() as conn:
            if conn.execute(select(ChipRecord.card_id).where(
                    ChipRecord.card_id == card_id)).first() is None:
                raise _missing(card_id)
            pins = {PinRef(r.pin_ref): PinRecord(r.pin_hash, r.salt, r.tries_left, r.max_tries)
                    for r in conn.execute(select(ChipPin).where(ChipPin.card_id == card_id))}
            keys = {KeySlot(r.slot): KeyRecord(r.sealed_private_key, r.public_key)
                    for r in conn.execute(select(ChipKey).where(ChipKey.card_id == card_id))}
            files = {r.name: r.data
                     for r in conn.execute(select(ChipFile).where(ChipFile.card_id == card_id))}
        return ChipState(card_id=card_id, pins=pins, keys=keys, files=files)

    def take_try(self, card_id: str, pin_ref: PinRef) -> int:
        with self._engine.begin() as conn:
            left = conn.execute(
                update(ChipPin)
                .where(ChipPin.card_id == card_id, ChipPin.pin_ref == pin_ref.value,
                       ChipPin.tries_left > 0)
                .values(tries_left=ChipPin.tries_left - 1)
                .returning(ChipPin.tries_left)
            ).scalar_one_or_none()
            if left is not None:
                return int(left) + 1
            exists = conn.execute(select(ChipPin.tries_left).where(
                ChipPin.card_id == card_id, ChipPin.pin_ref == pin_ref.value)).first()
        if exists is None:
            raise _missing(card_id)
        return 0

    def reset_tries(self, card_id: str, pin_ref: PinRef) -> None:
        self._update_pin(card_id, pin_ref, tries_left=ChipPin.max_tries)

    def set_pin(self, card_id: str, pin_ref: PinRef, *, pin_hash: bytes, salt: bytes) -> None:
        self._update_pin(card_id, pin_ref, pin_hash=pin_hash, salt=salt,
                         tries_left=ChipPin.max_tries)

    def _update_pin(self, card_id: str, pin_ref: PinRef, **values: object) -> None:
        with self._engine.begin() as conn:
            done = conn.execute(update(ChipPin).where(
                ChipPin.card_id == card_id, ChipPin.pin_ref == pin_ref.value).values(**values))
        if done.rowcount == 0:
            raise _missing(card_id)

    def set_key(self, card_id: str, slot: KeySlot, key: KeyRecord) -> None:
        with self._engine.begin() as conn:
            self._require(conn, card_id)
            conn.execute(delete(ChipKey).where(ChipKey.card_id == card_id,
                                               ChipKey.slot == slot.value))
            conn.execute(insert(ChipKey).values(card_id=card_id, slot=slot.value,
                                                sealed_private_key=key.sealed_private_key,
                                                public_key=key.public_key))

    def update_data(self, card_id: str, files: Mapping[str, bytes | None]) -> None:
        with self._engine.begin() as conn:
            self._require(conn, card_id)
            for name, data in files.items():
                conn.execute(delete(ChipFile).where(ChipFile.card_id == card_id,
                                                    ChipFile.name == name))
                if data is not None:
                    conn.execute(insert(ChipFile).values(card_id=card_id, name=name, data=data))

    def destroy(self, card_id: str) -> None:
        with self._engine.begin() as conn:
            self._require(conn, card_id)
            for table in (ChipPin, ChipKey, ChipFile):
                conn.execute(delete(table).where(table.card_id == card_id))
            conn.execute(delete(ChipRecord).where(ChipRecord.card_id == card_id))

    @staticmethod
    def _require(conn: object, card_id: str) -> None:
        from sqlalchemy.engine import Connection
        assert isinstance(conn, Connection)
        if conn.execute(select(ChipRecord.card_id).where(
                ChipRecord.card_id == card_id)).first() is None:
            raise _missing(card_id)

    def __contains__(self, card_id: object) -> bool:
        with self._engine.connect() as conn:
            return conn.execute(select(ChipRecord.card_id).where(
                ChipRecord.card_id == card_id)).first() is not None
