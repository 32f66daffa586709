"""``SqlChipStore``: the card store (``mynumber.card.store.ChipStore``) in the database.

**All or nothing** (docs/architecture.md, "Card and register: all or nothing"). The chip's
state — keys, PIN hashes, data files — is written in the caller's transaction when there is
one: the unit of work's session joins the store the moment it begins (``join_sessions``), and
every chip read or write in that context runs on the session's own connection. So a card
operation changes the chip and the register together or not at all: a crash, a failure after
the flush, or a rollback leaves both as they were, and a retry starts from a clean card. It
also means one request holds one pooled connection, never two.

**The PIN tries are the one exception.** A wrong PIN must count even when the request that
carried it fails, so the retry counters live in ``chip_tries``, written on an engine of their
own (``tries_engine``: its own small pool on PostgreSQL, its own file on SQLite, where the
register's file has a single writer) in one short transaction per try. A counter is keyed by
the PIN's salt: a PIN set anew (a new salt, in the register's transaction) starts with its full
count; one whose change rolled back keeps its counter. ``take_try`` is a conditional ``UPDATE
… RETURNING``: concurrent attempts on one card are serialised by the database, none lost, none
counted twice.

Outside any unit of work (the chip's own tests, a card reader on the command line) each
operation runs in a short transaction of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    LargeBinary,
    Row,
    Select,
    String,
    and_,
    bindparam,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import BindParameter

from mynumber.adapters.db.models_card import ChipFile, ChipKey, ChipPin, ChipRecord, ChipTry
from mynumber.card.files import KeySlot
from mynumber.card.pins import PinRef
from mynumber.card.store import ChipState, KeyRecord, PinRecord, StoredPin
from mynumber.domain.errors import Conflict, NotFound

_TRANSACTION: ContextVar[Session | None] = ContextVar("mynumber_chip_transaction", default=None)
"""The unit of work whose transaction chip operations in this context join."""


def join_sessions(factory: sessionmaker[Session]) -> None:
    """Chip operations run inside the transaction of any session of ``factory`` that has
    begun one in the same context (thread or task) — the request's unit of work."""
    event.listen(factory, "after_begin", _began)


def _began(session: Session, _transaction: Any, _connection: Any) -> None:
    # after_begin fires where the session first touches the database: the thread (or task)
    # that runs the use case, which is where the chip is then used.
    _TRANSACTION.set(session)


def _missing(card_id: str) -> NotFound:
    return NotFound(
        "No such card in the card store.", "該当するカードがありません。", card_id=card_id
    )


class SqlChipStore:
    """Chip state in ``chip_states`` / ``chip_pins`` / ``chip_keys`` / ``chip_files`` (in the
    register's database and transaction) and the tries in ``chip_tries`` (on ``tries_engine``,
    in transactions of their own; the same engine as the state when not given)."""

    def __init__(self, engine: Engine, tries_engine: Engine | None = None) -> None:
        self._engine = engine
        self._tries = tries_engine if tries_engine is not None else engine

    # --- where each statement runs ------------------------------------------------------

    def _joined(self) -> Connection | None:
        session = _TRANSACTION.get()
        if session is None or not session.in_transaction():
            return None
        bind = session.get_bind()
        if not isinstance(bind, Engine) or bind.url != self._engine.url:
            return None  # another database's session: never write a chip there
        return session.connection()

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        joined = self._joined()
        if joined is not None:
            yield joined
            return
        with self._engine.begin() as conn:
            yield conn

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        joined = self._joined()
        if joined is not None:
            yield joined
            return
        with self._engine.connect() as conn:
            yield conn

    # --- the chip's state -------------------------------------------------------------------

    def create(self, chip: ChipState) -> None:
        try:
            with self._writing() as conn, conn.begin_nested():  # a duplicate spoils nothing
                conn.execute(insert(ChipRecord).values(card_id=chip.card_id))
                conn.execute(
                    insert(ChipPin),
                    [
                        dict(
                            card_id=chip.card_id,
                            pin_ref=ref.value,
                            pin_hash=p.pin_hash,
                            salt=p.salt,
                            tries_left=p.max_tries,
                            max_tries=p.max_tries,
                        )
                        for ref, p in chip.pins.items()
                    ],
                )
                if chip.keys:
                    conn.execute(
                        insert(ChipKey),
                        [
                            dict(
                                card_id=chip.card_id,
                                slot=slot.value,
                                sealed_private_key=k.sealed_private_key,
                                public_key=k.public_key,
                            )
                            for slot, k in chip.keys.items()
                        ],
                    )
                if chip.files:
                    conn.execute(
                        insert(ChipFile),
                        [
                            dict(card_id=chip.card_id, name=name, data=data)
                            for name, data in chip.files.items()
                        ],
                    )
        except IntegrityError:
            raise Conflict(
                "A card with this serial already exists.",
                "このシリアル番号のカードは既に存在します。",
                card_id=chip.card_id,
            ) from None
        spent = {ref: p for ref, p in chip.pins.items() if p.tries_left < p.max_tries}
        if spent:  # a chip made with tries already spent (tests): its counters too
            with self._tries.begin() as conn:
                for ref, p in spent.items():
                    conn.execute(
                        insert(ChipTry).values(
                            card_id=chip.card_id,
                            pin_ref=ref.value,
                            salt=p.salt,
                            tries_left=p.tries_left,
                        )
                    )

    def load(self, card_id: str) -> ChipState:
        by_card = {"card_id": card_id}
        with self._reading() as conn:
            pins = self._pin_rows(conn, card_id)
            keys = {
                KeySlot(r.slot): KeyRecord(r.sealed_private_key, r.public_key)
                for r in conn.execute(_KEYS, by_card)
            }
            files = {r.name: r.data for r in conn.execute(_FILES, by_card)}
        return ChipState(card_id, pins=self._with_tries(card_id, pins), keys=keys, files=files)

    def pins(self, card_id: str) -> dict[PinRef, PinRecord]:
        with self._reading() as conn:
            pins = self._pin_rows(conn, card_id)
        return self._with_tries(card_id, pins)

    @staticmethod
    def _pin_rows(conn: Connection, card_id: str) -> list[Row[Any]]:
        # The chip's row and its PINs in one statement: no row, no chip; a chip without PINs
        # (made so by a test) is one row whose PIN is NULL.
        rows: list[Row[Any]] = list(conn.execute(_PINS, {"card_id": card_id}))
        if not rows:
            raise _missing(card_id)
        return [r for r in rows if r.pin_ref is not None]

    def _with_tries(self, card_id: str, pins: list[Row[Any]]) -> dict[PinRef, PinRecord]:
        # After the chip's connection is given back: never two connections at once.
        with self._tries.connect() as conn:
            tries = {
                (r.pin_ref, r.salt): r.tries_left
                for r in conn.execute(_TRIES, {"card_id": card_id})
            }
        return {
            PinRef(r.pin_ref): PinRecord(
                r.pin_hash,
                r.salt,
                max_tries=r.max_tries,
                tries_left=tries.get((r.pin_ref, bytes(r.salt)), r.max_tries),
            )
            for r in pins
        }

    # --- one part of the chip: one statement, the chip's own row joined so that a chip that
    # is not there (NotFound) stays told apart from a part it lacks ---------------------------

    def _part(self, statement: Select[Any], card_id: str, **part: str) -> Row[Any]:
        with self._reading() as conn:
            row = conn.execute(statement, {"card_id": card_id, **part}).first()
        if row is None:
            raise _missing(card_id)
        return row

    def pin(self, card_id: str, pin_ref: PinRef) -> StoredPin:
        row = self._part(_PIN, card_id, pin_ref=pin_ref.value)
        if row.max_tries is None:
            raise KeyError(pin_ref)
        return StoredPin(row.pin_hash, bytes(row.salt), int(row.max_tries))

    def key(self, card_id: str, slot: KeySlot) -> KeyRecord:
        row = self._part(_KEY, card_id, slot=slot.value)
        if row.public_key is None:
            raise KeyError(slot)
        return KeyRecord(row.sealed_private_key, row.public_key)

    def file(self, card_id: str, name: str) -> bytes | None:
        data: bytes | None = self._part(_FILE, card_id, name=name).data
        return data

    def holds_file(self, card_id: str, name: str) -> bool:
        return self._part(_HOLDS, card_id, name=name).name is not None

    # --- the tries: their own transactions, keyed by the salt of the PIN the chip read ------

    def take_try(self, card_id: str, pin_ref: PinRef, pin: StoredPin) -> int:
        counter = {"try_card": card_id, "try_pin": pin_ref.value, "try_salt": pin.salt}
        with self._tries.begin() as conn:
            conn.execute(_NEW_TRY[conn.dialect.name], {**counter, "try_full": pin.max_tries})
            left = conn.execute(_SPEND_TRY, counter).scalar_one_or_none()
        return 0 if left is None else int(left) + 1

    def reset_tries(self, card_id: str, pin_ref: PinRef, pin: StoredPin) -> None:
        # No row means every try is left (as ``load`` reads it), so all tries back is no row: a PIN
        # entered right leaves the tries table as it found it, even when the register's
        # transaction around it then fails.
        with self._tries.begin() as conn:
            conn.execute(
                _FORGET_TRIES,
                {"try_card": card_id, "try_pin": pin_ref.value, "try_salt": pin.salt},
            )

    # --- the rest of the chip: in the caller's transaction --------------------------------

    def set_pin(self, card_id: str, pin_ref: PinRef, *, pin_hash: bytes, salt: bytes) -> None:
        # The new salt is the new PIN's counter: it starts full, with nothing to reset apart.
        with self._writing() as conn:
            done = conn.execute(
                update(ChipPin)
                .where(ChipPin.card_id == card_id, ChipPin.pin_ref == pin_ref.value)
                .values(pin_hash=pin_hash, salt=salt, tries_left=ChipPin.max_tries)
            )
        if done.rowcount == 0:
            raise _missing(card_id)

    def set_key(self, card_id: str, slot: KeySlot, key: KeyRecord) -> None:
        with self._writing() as conn:
            self._require(conn, card_id)
            conn.execute(
                delete(ChipKey).where(ChipKey.card_id == card_id, ChipKey.slot == slot.value)
            )
            conn.execute(
                insert(ChipKey).values(
                    card_id=card_id,
                    slot=slot.value,
                    sealed_private_key=key.sealed_private_key,
                    public_key=key.public_key,
                )
            )

    def update_data(self, card_id: str, files: Mapping[str, bytes | None]) -> None:
        with self._writing() as conn:
            self._require(conn, card_id)
            for name, data in files.items():
                conn.execute(
                    delete(ChipFile).where(ChipFile.card_id == card_id, ChipFile.name == name)
                )
                if data is not None:
                    conn.execute(insert(ChipFile).values(card_id=card_id, name=name, data=data))

    def destroy(self, card_id: str) -> None:
        # The counters stay (another database on SQLite): keyed by a salt no chip holds any
        # more, they can never count for anything again.
        with self._writing() as conn:
            self._require(conn, card_id)
            for table in (ChipPin, ChipKey, ChipFile):
                conn.execute(delete(table).where(table.card_id == card_id))
            conn.execute(delete(ChipRecord).where(ChipRecord.card_id == card_id))

    @staticmethod
    def _require(conn: Connection, card_id: str) -> None:
        if (
            conn.execute(select(ChipRecord.card_id).where(ChipRecord.card_id == card_id)).first()
            is None
        ):
            raise _missing(card_id)

    def __contains__(self, card_id: object) -> bool:
        with self._reading() as conn:
            return (
                conn.execute(
                    select(ChipRecord.card_id).where(ChipRecord.card_id == card_id)
                ).first()
                is not None
            )


# The tries' three statements, built once (every VERIFY sends two or three: building them
# anew was half of ``take_try``'s time); the same SQL, the counter's key bound by name (not
# by a column's name, which an INSERT or UPDATE keeps for its own values).
_TRY_KEY = (
    ChipTry.card_id == bindparam("try_card", type_=String()),
    ChipTry.pin_ref == bindparam("try_pin", type_=String()),
    ChipTry.salt == bindparam("try_salt", type_=LargeBinary()),
)
_NEW_TRY = {
    # An ``INSERT`` that can say ``ON CONFLICT DO NOTHING``, for each backend: the counter
    # begins full the first time its PIN is tried.
    name: dml.insert(ChipTry)
    .values(
        card_id=bindparam("try_card", type_=String()),
        pin_ref=bindparam("try_pin", type_=String()),
        salt=bindparam("try_salt", type_=LargeBinary()),
        tries_left=bindparam("try_full", type_=Integer()),
    )
    .on_conflict_do_nothing()
    for name, dml in (("postgresql", postgresql), ("sqlite", sqlite))
}
_SPEND_TRY = (
    update(ChipTry)
    .where(*_TRY_KEY, ChipTry.tries_left > 0)
    .values(tries_left=ChipTry.tries_left - 1)
    .returning(ChipTry.tries_left)
)
_FORGET_TRIES = delete(ChipTry).where(*_TRY_KEY)


# ``load``'s four statements and the parts', built once (building them for each read cost a
# fifth of it); the same SQL, the card a bound parameter.
_CARD: BindParameter[str] = bindparam("card_id")
_PINS = (
    select(
        ChipRecord.card_id,
        ChipPin.pin_ref,
        ChipPin.pin_hash,
        ChipPin.salt,
        ChipPin.max_tries,
    )
    .select_from(ChipRecord)
    .outerjoin(ChipPin, ChipPin.card_id == ChipRecord.card_id)
    .where(ChipRecord.card_id == _CARD)
    .order_by(ChipPin.pin_ref)  # the order the primary key's index gave before the join
)
_KEYS = select(ChipKey).where(ChipKey.card_id == _CARD)
_FILES = select(ChipFile).where(ChipFile.card_id == _CARD)
_TRIES = select(ChipTry.pin_ref, ChipTry.salt, ChipTry.tries_left).where(ChipTry.card_id == _CARD)


def _one_part(table: Any, column: str, *wanted: Any) -> Select[Any]:
    """The chip's row and, joined, the row of ``table`` whose ``column`` is bound by that name:
    no row, no chip; a row of NULLs past the chip's id, no such part."""
    return (
        select(ChipRecord.card_id, *wanted)
        .select_from(ChipRecord)
        .outerjoin(
            table,
            and_(
                table.card_id == ChipRecord.card_id,
                getattr(table, column) == bindparam(column),
            ),
        )
        .where(ChipRecord.card_id == _CARD)
    )


_PIN = _one_part(ChipPin, "pin_ref", ChipPin.pin_hash, ChipPin.salt, ChipPin.max_tries)
_KEY = _one_part(ChipKey, "slot", ChipKey.sealed_private_key, ChipKey.public_key)
_FILE = _one_part(ChipFile, "name", ChipFile.data)
_HOLDS = _one_part(ChipFile, "name", ChipFile.name)

CHIP_TABLES = (ChipRecord, ChipPin, ChipKey, ChipFile)


def adopt_chips(old: Engine, engine: Engine) -> int:
    """Move the chips a SQLite card-store file held before (when the chips lived apart from
    the register) into the register's database; the number moved. Idempotent: a chip already
    there is left as it is, and each moved chip is erased from the old file only after the
    copy is committed."""
    with old.connect() as conn:
        serials = list(conn.execute(select(ChipRecord.card_id)).scalars())
    if not serials:
        return 0
    with engine.connect() as conn:
        present = set(conn.execute(select(ChipRecord.card_id)).scalars())
    moving = [s for s in serials if s not in present]
    with old.connect() as src, engine.begin() as dst:
        for table in CHIP_TABLES:
            rows = (
                [
                    dict(r._mapping)
                    for r in src.execute(select(table).where(table.card_id.in_(moving)))
                ]
                if moving
                else []
            )
            if rows:
                dst.execute(insert(table), rows)
    with old.begin() as conn:
        for table in (ChipPin, ChipKey, ChipFile, ChipRecord):
            conn.execute(delete(table).where(table.card_id.in_(serials)))
    return len(moving)
