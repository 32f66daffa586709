"""The chaos harness's invariant checks catch what they are there to catch (issue 16.5): a
database left whole passes, and each kind of damage — two people with one number, a chip that
disagrees with the register, a half-collected card, a tampered audit checkpoint, a row left by
a refused request or missing for an answered one — is named, with its row. Without these the
harness could pass by checking nothing.

The world every test damages (three residents' cards made, one collected) is made once per
database for the module and each test gets a copy of it: on SQLite the files, on PostgreSQL
every table's rows and every sequence put back in the worker's database (``COPY``), with the
data folder (the CA, the audit checkpoints) copied too. Made for each test, the world was
~40 % of the module's CPU."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, select, update

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card, CardApplication, Certificate
from mynumber.bootstrap import System
from mynumber.card import Chip, ChipData, FreshKeys
from mynumber.card.files import BasicFourItems
from mynumber.card.keys import KeyPool
from mynumber.chaos.invariants import Violation, check_all
from mynumber.chaos.ledger import Kind, Ledger
from mynumber.chaos.world import WARD, Names, WaitingCard, cards_waiting
from mynumber.domain.cards import IdentityShown
from mynumber.domain.numbers import IndividualNumber, ResidentRegistryCode
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from mynumber.services.registry.numbers import number_of, sealing_context
from tests.conftest import reset_postgres, system_at


def _whats(found: list[Violation]) -> set[str]:
    return {v.what for v in found}


def _collect(system: System, card: WaitingCard) -> None:
    holder = card.holder
    with system.uow() as uow:
        card_counter.collect_card(
            uow.session,
            system.services,
            caller=WARD,
            application_id=card.application_id,
            identity=IdentityShown(holder.name, holder.date_of_birth, holder.residence_card_number),
            id_documents=(IdDocument.RESIDENCE_CARD, IdDocument.NOTIFICATION_LETTER),
            pins=card_counter.InitialPins("4826", "5937", "7148", "CHAOS4826"),
        )
        uow.commit()


def _make_world(system: System) -> list[WaitingCard]:
    waiting = cards_waiting(system, Names(7), 3, insured=False)
    _collect(system, waiting[0])
    return waiting


class _Rows:
    """Every table's rows (binary ``COPY``) and every sequence of a PostgreSQL database, to
    put back as they were."""

    def __init__(self, engine: Engine) -> None:
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            assert conn is not None
            self.tables: list[str] = [
                name
                for (name,) in conn.execute(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = "
                    "c.relnamespace WHERE c.relkind = 'r' AND n.nspname = current_schema() "
                    "ORDER BY c.relname"
                )
            ]
            self.rows: dict[str, bytes] = {}
            for table in self.tables:
                with conn.cursor().copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                    self.rows[table] = b"".join(bytes(chunk) for chunk in copy)
            self.sequences = list(
                conn.execute(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                    "coalesce(last_value, start_value), last_value IS NOT NULL "
                    "FROM pg_sequences WHERE schemaname = current_schema()"
                )
            )
            conn.rollback()
        finally:
            raw.close()

    def put_back(self, url: str) -> None:
        engine = create_engine(url)
        try:
            raw = engine.raw_connection()
            conn = raw.driver_connection
            assert conn is not None
            with conn.transaction():
                # The audit log's append-only trigger and the foreign keys off, for this
                # transaction only (as the suite's reset does).
                conn.execute("SET LOCAL session_replication_role = replica")
                conn.execute(" ".join(f'DELETE FROM "{table}";' for table in self.tables))
                for table, data in self.rows.items():
                    with conn.cursor().copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                        copy.write(data)
                for sequence, value, called in self.sequences:
                    conn.execute(
                        "SELECT setval(CAST(%s AS regclass), %s, %s)", (sequence, value, called)
                    )
            raw.close()
        finally:
            engine.dispose()


@dataclass
class _Made:
    """The module's world on one database: where it is, and what the tests look for in it."""

    url: str
    folder: Path
    waiting: list[WaitingCard]
    rows: _Rows | None = None
    """PostgreSQL's rows (on SQLite the files in ``folder`` are the world)."""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def made(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_seeded_template: Path,
    sqlite_template: Path,
    ca_template: Path,
    key_source: KeyPool,
) -> Iterator[_Made]:
    folder = tmp_path_factory.mktemp(f"chaos-world-{request.param}")
    if request.param == "sqlite":
        shutil.copy(sqlite_seeded_template, folder / "mynumber.sqlite3")
        shutil.copy(sqlite_template, folder / "mynumber-chips.sqlite3")
        url = f"sqlite:///{folder / 'mynumber.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
        reset_postgres(url, seeded=True)
    shutil.copytree(ca_template, folder / "var" / "ca")
    system = system_at(url, folder / "var", key_source)
    try:
        waiting = _make_world(system)
        rows = _Rows(system.engine) if request.param == "postgresql" else None
    finally:  # on SQLite the last connection closed writes the WAL into the file
        system.close()
    yield _Made(url, folder, waiting, rows)


@pytest.fixture
def system(made: _Made, tmp_path: Path, key_source: KeyPool) -> Iterator[System]:
    """A copy of the module's world, this test's own."""
    shutil.copytree(made.folder / "var", tmp_path / "var")
    if made.rows is None:
        for path in made.folder.glob("mynumber*.sqlite3*"):  # with any WAL left
            shutil.copy(path, tmp_path / path.name)
        url = f"sqlite:///{tmp_path / 'mynumber.sqlite3'}"
    else:
        url = made.url
        made.rows.put_back(url)
    built = system_at(url, tmp_path / "var", key_source)
    yield built
    built.close()


@pytest.fixture
def waiting(made: _Made) -> list[WaitingCard]:
    """The world's three cards: the first collected, the other two ready at the counter."""
    return made.waiting


def test_a_whole_database_passes_every_check(system: System, waiting: list[WaitingCard]) -> None:
    ledger = Ledger()
    ledger.add(Kind.COLLECTION, waiting[0].application_id, 200)
    ledger.add(Kind.COLLECTION, waiting[1].application_id, 409)
    ledger.add(Kind.REGISTRATION, waiting[2].holder.name, 201)
    ledger.add(Kind.REGISTRATION, "CHAOS NEVER SENT", 422)
    ledger.add(Kind.REGISTRATION, "CHAOS CUT OFF", None)
    assert check_all(system, ledger) == []


def test_two_people_sharing_a_number_are_named(system: System) -> None:
    svc = system.services
    with system.uow() as uow:
        first, second = uow.session.scalars(select(Person).order_by(Person.id).limit(2))
        # The second person's row made to hold the first one's number, sealed for its own row
        # (so it opens): what a bug in the number's derivation or storage would leave.
        number = number_of(svc, ResidentRegistryCode(first.registry_code))
        uow.session.execute(
            update(Person)
            .where(Person.id == second.id)
            .values(
                number_sealed=svc.vault.seal(number, context=sealing_context(second.registry_code)),
                number_lookup="0" * 64,
            )
        )
        uow.commit()
        ids = first.id, second.id
    found = check_all(system)
    assert Violation("two people share one number", f"person {ids[0]} and person {ids[1]}") in found
    assert (
        Violation("number is not the one derived from the registry code", f"person {ids[1]}")
        in found
    )
    assert Violation("number does not match its look-up hash", f"person {ids[1]}") in found
    assert not any(number.digits in v.line for v in found)  # never the number itself


def test_a_number_that_does_not_open_is_named(system: System) -> None:
    with system.uow() as uow:
        person = uow.session.scalars(select(Person).order_by(Person.id)).first()
        assert person is not None
        uow.session.execute(
            update(Person).where(Person.id == person.id).values(number_sealed=b"\x00" * 40)
        )
        uow.commit()
        which = f"person {person.id}"
    assert Violation("number does not open", which) in check_all(system)


def test_a_ready_card_with_pins_on_its_chip_is_half_collected(
    system: System, waiting: list[WaitingCard]
) -> None:
    ready = waiting[1]
    svc = system.services
    # The chip written and the register not: the crash issue 16 found.
    Chip(svc.chips, ready.serial, chip_key=svc.keys.chip_key).set_initial_pins(
        user_authentication="1111", resident_registry="1111", card_info_input="1111", signature=None
    )
    assert _whats(check_all(system)) == {
        "half-collected card: ready in the register, PINs set on the chip"
    }
    assert f"card {ready.serial}" in {v.which for v in check_all(system)}


def test_an_active_card_without_pins_on_its_chip_is_half_collected(
    system: System, waiting: list[WaitingCard]
) -> None:
    ready = waiting[1]
    with system.uow() as uow:  # the register says collected, the chip was never written
        uow.session.execute(
            update(Card)
            .where(Card.serial == ready.serial)
            .values(status="active", collected_at=system.services.clock.now())
        )
        uow.session.execute(
            update(CardApplication)
            .where(CardApplication.application_form_id == ready.application_id)
            .values(status="collected")
        )
        uow.commit()
    found = check_all(system)
    assert (
        Violation(
            "half-collected card: active in the register, PINs not set on the chip "
            "(user_authentication, resident_registry, card_info_input)",
            f"card {ready.serial}",
        )
        in found
    )
    assert (
        Violation("chip holds no user-authentication certificate", f"card {ready.serial}") in found
    )


def test_a_card_and_its_application_that_disagree_are_named(
    system: System, waiting: list[WaitingCard]
) -> None:
    active = waiting[0]
    with system.uow() as uow:
        uow.session.execute(
            update(CardApplication)
            .where(CardApplication.application_form_id == active.application_id)
            .values(status="manufactured")
        )
        uow.commit()
    assert check_all(system) == [
        Violation("active card's application is manufactured", f"card {active.serial}")
    ]


def test_a_chip_certificate_the_register_does_not_know_is_named(
    system: System, waiting: list[WaitingCard]
) -> None:
    active = waiting[0]
    with system.uow() as uow:  # the register lost the certificates the chip holds
        uow.session.execute(
            update(Certificate)
            .where(Certificate.card_serial == active.serial)
            .values(card_serial="ELSEWHERE")
        )
        uow.commit()
    found = _whats(check_all(system))
    assert "chip's user-authentication certificate is unknown to the register" in found
    assert "chip's signature key has no certificate in the register" in found


def test_a_register_certificate_for_a_key_the_chip_lacks_is_named(
    system: System, waiting: list[WaitingCard]
) -> None:
    active, other = waiting[0], waiting[1]
    _collect(system, other)
    with system.uow() as uow:  # another card's certificate filed under this one
        uow.session.execute(
            update(Certificate)
            .where(Certificate.card_serial == other.serial)
            .values(card_serial=active.serial)
        )
        uow.commit()
    found = [v for v in check_all(system) if v.which == f"card {active.serial}"]
    assert found and all("certifies a key the chip does not hold" in v.what for v in found)


def test_a_chip_without_a_card_is_named(system: System) -> None:
    svc = system.services
    data = ChipData(
        my_number=IndividualNumber("621498320257"),
        basic_four=BasicFourItems("X", "Y", dt.date(1990, 1, 1), "F"),
        photo=b"",
    )
    Chip.manufacture(
        svc.chips,
        card_id="ORPHAN0000000001",
        data=data,
        key_source=FreshKeys(),
        chip_key=svc.keys.chip_key,
    )
    assert check_all(system) == [
        Violation("chip without a card in the register", "chip ORPHAN0000000001")
    ]


def test_a_forged_audit_checkpoint_is_named(system: System) -> None:
    file = system.audit_checkpoints()
    file.path.parent.mkdir(parents=True, exist_ok=True)
    with file.path.open("a") as out:
        out.write('{"number": 1, "forged": true}\n')
    found = check_all(system)
    assert found and all(v.what.startswith("audit log") for v in found)


def test_rows_that_contradict_how_their_request_ended_are_named(
    system: System, waiting: list[WaitingCard]
) -> None:
    ledger = Ledger()
    ledger.add(Kind.REGISTRATION, waiting[1].holder.name, 500)  # refused, yet registered
    ledger.add(Kind.REGISTRATION, "CHAOS LOST", 201)  # answered, yet no row
    ledger.add(Kind.APPLICATION, waiting[2].holder.name, 409)  # refused, yet applied
    ledger.add(Kind.COLLECTION, waiting[0].application_id, 503)  # refused, yet collected
    ledger.add(Kind.COLLECTION, waiting[1].application_id, 200)  # answered, still ready
    ledger.add(Kind.COLLECTION, waiting[2].application_id, 200)
    ledger.add(Kind.COLLECTION, waiting[2].application_id, 200)  # answered twice
    assert set(check_all(system, ledger)) == {
        Violation("registration refused left 1 rows", f"name {waiting[1].holder.name}"),
        Violation("registration answered 2xx left 0 rows", "name CHAOS LOST"),
        Violation("card application refused left 1 rows", f"applicant {waiting[2].holder.name}"),
        Violation("collection refused, card is active", f"card {waiting[0].serial}"),
        Violation("collection answered 2xx, card is ready", f"card {waiting[1].serial}"),
        Violation(
            "card collected twice (two collections answered 2xx)", f"card {waiting[2].serial}"
        ),
    }
