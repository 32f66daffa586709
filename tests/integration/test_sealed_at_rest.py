"""Sealed at rest (DESIGN.md: sensitive data is protected at rest and in logs), both databases.

Several residents are registered and collect their cards, the demo world is seeded, and then
every byte the database keeps — the SQLite files with their ``-wal`` and ``-shm``, or every
PostgreSQL table's rows — and every log line (SQLAlchemy's statement and row echo at DEBUG
included) is searched for every issued My Number, written in any of the ways a person writes
it. The card store (the chips) is also searched for the basic four items and the photo: the
chip keeps them only sealed under its per-card key. Database and key files are the owner's
alone (mode 0600).
"""

from __future__ import annotations

import datetime as dt
import logging
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from mynumber.adapters.db.chip_store import SqlChipStore
from mynumber.adapters.db.engine import make_engine
from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card
from mynumber.bootstrap import System
from mynumber.card import CardFile, PinRef
from mynumber.demo.world import seed_world
from mynumber.services.registry.numbers import open_number
from tests.integration.card_support import (
    PINS,
    apply_online,
    chip,
    collect,
    identity,
    pass_days,
)
from tests.integration.helpers import register

RESIDENTS = [
    ("Smith John", dt.date(1995, 4, 12), "AB12345678CD"),
    ("Nguyen Van An", dt.date(1988, 11, 3), "CD23456789EF"),
    ("Okafor Chidi", dt.date(2001, 2, 28), "EF34567890GH"),
]
CHIP_TABLES = ("chip_states", "chip_pins", "chip_keys", "chip_files")


def spellings(digits: str) -> list[bytes]:
    """The number as people write it: contiguous, in groups of four with spaces or hyphens."""
    groups = (digits[:4], digits[4:8], digits[8:])
    return [digits.encode(), " ".join(groups).encode(), "-".join(groups).encode()]


def _collect_cards(system: System) -> list[str]:
    applications = []
    for name, born, card in RESIDENTS:
        person = register(system, name_latin=name, date_of_birth=born, residence_card_number=card)
        apply_online(system, person.application_id, person.person_id)
        applications.append((person.application_id or "", name, born, card))
    pass_days(system, 33)
    return [
        collect(system, application_id, who=identity(name, born, card)).card_serial
        for application_id, name, born, card in applications
    ]


def _chip_engine(system: System) -> Engine:
    store = system.services.chips
    assert isinstance(store, SqlChipStore)
    return store._engine


def _table_bytes(engine: Engine, tables: tuple[str, ...] | None = None) -> dict[str, bytes]:
    """Every row of every table (or of ``tables``), as COPY gives it: text (numbers and text as
    written) and binary (``bytea`` as its raw bytes, not hex)."""
    found: dict[str, bytes] = {}
    with engine.connect() as conn:
        names = tables or tuple(
            conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
        )
        raw = conn.connection.driver_connection
        for name in names:
            parts = []
            for fmt in ("text", "binary"):
                with (
                    raw.cursor() as cur,
                    cur.copy(  # type: ignore[union-attr]
                        f'COPY (SELECT * FROM "{name}") TO STDOUT (FORMAT {fmt})'
                    ) as copy,
                ):
                    parts += [bytes(block) for block in copy]
            found[name] = b"".join(parts)
    return found


def _sqlite_files(url: str) -> list[Path]:
    path = Path(url.split("///", 1)[1])
    return sorted(p for p in path.parent.iterdir() if p.name.startswith(path.stem))


def _stored(system: System) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(everything stored, what the card store keeps), each as name → bytes."""
    url = system.settings.resolved_database_url()
    if url.startswith("sqlite"):
        chips = Path(system.settings.resolved_chip_database_url().split("///", 1)[1])
        files = {p.name: p.read_bytes() for p in _sqlite_files(url)}
        assert {chips.name, chips.name + "-wal", Path(url).name + "-wal"} <= set(files)
        return files, {n: b for n, b in files.items() if n.startswith(chips.name)}
    everything = _table_bytes(system.engine)
    assert set(CHIP_TABLES) <= set(everything) and everything["chip_files"]
    return everything, _table_bytes(_chip_engine(system), CHIP_TABLES)


def test_no_number_in_clear_in_the_database_or_the_logs_and_no_chip_data_in_the_card_store(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    serials = _collect_cards(system)
    world = seed_world(system)
    assert world.card_serial
    serials.append(world.card_serial)

    with system.uow() as uow:
        people = list(uow.session.scalars(select(Person)))
        numbers = [open_number(system.services, p).digits for p in people]
        holders = list(
            uow.session.scalars(
                select(Person)
                .join(Card, Card.person_id == Person.id)
                .where(Card.serial.in_(serials))
            )
        )
        names = {p.name_kanji or p.name_latin for p in holders}
    assert len(numbers) > len(RESIDENTS) and len(names) == len(serials)

    # The chip still answers as before: PIN-protected reads give the clear values back.
    photos = []
    for serial in serials[: len(RESIDENTS)]:
        with chip(system, serial).open_session() as reader:
            photos.append(reader.read(CardFile.PHOTO)[:32])
            reader.verify(PinRef.CARD_INFO_INPUT, PINS.card_info_input)
            assert reader.read_my_number().digits in numbers
            assert reader.read_basic_four().name in names

    everything, card_store = _stored(system)
    records = [r for r in caplog.records if r.name.startswith("sqlalchemy.engine")]
    assert any("chip_files" in r.getMessage() for r in records), "the SQL echo was not captured"
    logged = (caplog.text + "\n".join(str(r.args) for r in caplog.records)).encode()
    leaks = [
        f"{n}: a My Number as {w!r}"
        for digits in numbers
        for w in spellings(digits)
        for n, data in [*everything.items(), ("the logs", logged)]
        if w in data
    ]
    leaks += [
        f"{n}: the name {name!r}"
        for name in names
        for n, data in card_store.items()
        if name.encode() in data
    ]
    leaks += [
        f"{n}: a chip photo" for head in photos for n, data in card_store.items() if head in data
    ]
    assert not leaks, "\n".join(leaks)
    assert b"[SQL parameters hidden due to hide_parameters=True]" in logged
    _assert_owner_only(system)


def _assert_owner_only(system: System) -> None:
    url = system.settings.resolved_database_url()
    files = _sqlite_files(url) if url.startswith("sqlite") else []
    keys = [p for p in system.settings.data_dir.rglob("*") if p.is_file()]
    assert keys, "no key files found"
    for path in files + keys:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_every_engine_hides_bound_parameters(system: System) -> None:
    assert system.engine.hide_parameters and _chip_engine(system).hide_parameters


def test_a_sqlite_database_and_its_wal_and_shm_are_the_owners_alone(tmp_path: Path) -> None:
    before = tmp_path / "before.sqlite3"
    before.touch(mode=0o644)  # a database file from before this rule
    before.chmod(0o644)
    for path in (tmp_path / "new" / "mynumber.sqlite3", before):
        engine = make_engine(f"sqlite:///{path}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        with engine.connect() as conn:  # the -wal and -shm exist while a connection is open
            conn.execute(text("SELECT x FROM t")).all()
            files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
            assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {
                p.name: 0o600 for p in files
            }
        engine.dispose()
