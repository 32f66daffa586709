"""The card store in the database: the chip's own tests, run on SQLite and PostgreSQL.

The unit tests in ``tests/unit/card`` exercise the chip over the in-memory store; the same
tests are collected here with a ``store`` fixture that is the ``SqlChipStore`` on a real
database, so the counters' atomicity (ten concurrent wrong PINs) and the stored-before-compare
rule hold on both backends.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from mynumber.adapters.db.chip_store import SqlChipStore
from mynumber.bootstrap import System
from mynumber.card import Chip
from tests.unit.card.support import CARD_ID
from tests.unit.card.test_concurrency import (  # noqa: F401 - collected here on both databases
    test_ten_concurrent_wrong_pins_lock_after_exactly_the_limit,
)
from tests.unit.card.test_pin_counter import *  # noqa: F403 - collected here too
from tests.unit.card.test_store import (  # noqa: F401
    test_an_unknown_card_is_not_found,
    test_each_part_read_alone_is_what_load_reads,
    test_pins_are_not_in_clear_nor_in_a_hash_testable_without_the_chip_key,
    test_private_keys_are_not_in_clear_in_the_stored_state,
    test_take_try_answers_the_tries_before_and_stops_at_zero,
)


@pytest.fixture
def store(system: System) -> SqlChipStore:
    """The card store on a real database; the other chip fixtures are tests/conftest.py's."""
    return SqlChipStore(system.engine)


def test_a_wrong_pin_is_counted_even_when_the_callers_transaction_rolls_back(
    system: System,
    chip: Chip,
) -> None:
    from mynumber.card import PinRef
    from mynumber.domain.errors import WrongPin

    with system.uow() as uow:  # the request that carried the PIN fails and rolls back
        with pytest.raises(WrongPin):
            chip.open_session().verify(PinRef.USER_AUTHENTICATION, "9999")
        uow.rollback()
    assert chip.open_session().tries_left(PinRef.USER_AUTHENTICATION) == 2


def test_the_store_refuses_a_duplicate_serial_and_unknown_cards(
    store: SqlChipStore,
    new_chip: Chip,
) -> None:
    from mynumber.domain.errors import Conflict, NotFound

    with pytest.raises(Conflict):
        store.create(store.load(CARD_ID))
    store.update_data(CARD_ID, {"extra": b"x"})
    assert store.load(CARD_ID).files["extra"] == b"x"
    store.update_data(CARD_ID, {"extra": None})
    assert "extra" not in store.load(CARD_ID).files
    store.destroy(CARD_ID)
    with pytest.raises(NotFound):
        store.load(CARD_ID)
    assert CARD_ID not in store


def _two_sqlite_engines(tmp_path: Path, sqlite_template: Path) -> tuple[Engine, Engine]:
    """The register's file and a chips file of the old layout, both migrated, made as
    ``build_system`` makes their engines."""
    from mynumber.adapters.db.engine import make_engine

    for name in ("register.sqlite3", "chips.sqlite3"):
        shutil.copy(sqlite_template, tmp_path / name)
    return (
        make_engine(f"sqlite:///{tmp_path / 'chips.sqlite3'}"),
        make_engine(f"sqlite:///{tmp_path / 'register.sqlite3'}"),
    )


def test_the_chips_a_sqlite_chips_file_held_are_moved_into_the_register_once(
    tmp_path: Path, sqlite_template: Path
) -> None:
    from sqlalchemy import insert, select

    from mynumber.adapters.db.chip_store import adopt_chips
    from mynumber.adapters.db.models_card import ChipFile, ChipRecord

    old, engine = _two_sqlite_engines(tmp_path, sqlite_template)
    with old.begin() as conn:
        conn.execute(insert(ChipRecord), [{"card_id": "A1"}, {"card_id": "B2"}])
        conn.execute(insert(ChipFile), [{"card_id": "A1", "name": "f", "data": b"x"}])
    try:
        assert adopt_chips(old, engine) == 2
        with engine.connect() as conn:
            assert set(conn.execute(select(ChipRecord.card_id)).scalars()) == {"A1", "B2"}
            assert conn.execute(select(ChipFile.data)).scalars().all() == [b"x"]
        with old.connect() as conn:
            assert conn.execute(select(ChipRecord.card_id)).scalars().all() == []
        assert adopt_chips(old, engine) == 0  # nothing left to move
    finally:
        old.dispose()
        engine.dispose()
