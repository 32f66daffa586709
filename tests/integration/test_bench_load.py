"""The bulk loader behind ``mynumber bench enrol``: what it writes is what the services would.

Small loads on both databases (on PostgreSQL in worker processes, with the secondary indexes
and foreign keys dropped and made again): counts, numbers sealed and valid, audit chains
intact, the year of visits pointing at the right rows, a kept card checked by a clinic. One
load per database for the module (``bench_support``): the tests that only read it share it,
a test that writes gets a copy of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

from mynumber.adapters.db.models import (
    AuditEntry,
    AuditHead,
    MailItem,
    NotificationLetter,
    Person,
    Registration,
)
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.adapters.db.models_insurance import ClinicVisit, InsuranceEnrolment
from mynumber.bench import enrol as bench_enrol
from mynumber.bench import loaded as bench_loaded
from mynumber.bootstrap import System
from mynumber.cli.main import app as cli
from mynumber.domain.numbering import derive_my_number, registry_code_for
from mynumber.services.core import tokens
from mynumber.services.core.audit import verify_chain
from mynumber.services.insurance import clinic
from mynumber.services.registry.numbers import open_number
from tests.integration.bench_support import (
    Loads,
    SharedLoad,
    copy_of_worker_database,
    drop_later,
    keys_made_once,  # noqa: F401  (a fixture, by name)
    loads_fixture,
    set_aside,
)

RESIDENTS = 2001
"""The fewest for three clinics (the bench clinic and one per 1,000 residents beyond the
first thousand: ``Clinic 000001`` and ``000002``, whose chains a test names) and several
slices of ``SLICE`` (700, 700 and a short 601). 2,500 made the same three clinics and one
slice more, for a quarter more rows to load and check."""
VISITS = 1.5
SAMPLE = 40
SLICE = 700


@pytest.fixture(scope="module")
def loads(request: pytest.FixtureRequest) -> Iterator[Loads]:
    yield from loads_fixture(
        request,
        count=RESIDENTS,
        sample=SAMPLE,
        batch=SLICE,
        workers=2,
        visits_per_resident=VISITS,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def loaded(request: pytest.FixtureRequest, loads: Loads) -> SharedLoad:
    """The module's load on each database, to read (``SharedLoad.copy`` to write)."""
    return loads.get(request.param)


def _count(session: object, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)))  # type: ignore[attr-defined]


def test_every_table_holds_the_residents_and_the_year_of_visits(loaded: SharedLoad) -> None:
    system = loaded.system
    visits = round(RESIDENTS * VISITS)
    with system.uow() as uow:
        s = uow.session
        for model in (
            Person,
            Registration,
            NotificationLetter,
            MailItem,
            Card,
            Certificate,
            InsuranceEnrolment,
        ):
            assert _count(s, model) == RESIDENTS, model.__tablename__
        assert _count(s, ClinicVisit) == visits
        registered = s.scalar(select(func.count()).where(AuditEntry.action == "register_moving_in"))
        checked = s.scalar(select(func.count()).where(AuditEntry.action == "eligibility_check"))
        authenticated = s.scalar(
            select(func.count()).where(AuditEntry.action == "card_authentication")
        )
    assert (registered, checked, authenticated) == (RESIDENTS, visits, visits)
    assert len(loaded.cards.certificates) == SAMPLE


def test_numbers_are_sealed_derived_from_the_registry_code_and_valid(loaded: SharedLoad) -> None:
    system = loaded.system
    svc = system.services
    with system.uow() as uow:
        people = uow.session.scalars(select(Person)).all()
        lookups = {p.number_lookup for p in people}
        for person in people:
            number = open_number(svc, person)  # AES-GCM; IndividualNumber checks the digit
            assert number.digits.encode() not in person.number_sealed
            assert number == derive_my_number(
                registry_code_for(int(person.registry_code)),
                key=svc.keys.number_key,
                tweak=svc.keys.number_tweak,
            )
            assert svc.vault.lookup_hash(number) == person.number_lookup
    assert len(lookups) == RESIDENTS


def test_every_audit_chain_verifies_and_its_head_is_its_last_entry(loaded: SharedLoad) -> None:
    system = loaded.system
    with system.uow() as uow:
        report = verify_chain(uow.session)
        heads = uow.session.scalars(select(AuditHead)).all()
        total = _count(uow.session, AuditEntry)
    assert report.ok, report.findings[:3]
    assert report.entries == total
    assert sum(h.last_seq for h in heads) == total
    # The registrations went to one chain per worker (one on SQLite); each clinic has its own.
    desks = 2 if system.engine.dialect.name == "postgresql" else 1
    assert {h.chain for h in heads} >= {f"ward_office/bench desk {d + 1}" for d in range(desks)}
    assert {h.chain for h in heads} >= {
        "clinic/Bench Clinic",
        "clinic/Clinic 000001",
        "clinic/Clinic 000002",
    }


def test_a_changed_history_entry_is_found(loaded: SharedLoad, tmp_path: Path) -> None:
    if loaded.system.engine.dialect.name != "sqlite":
        pytest.skip("the log refuses UPDATE on PostgreSQL (trigger); SQLite shows the check")
    system = loaded.copy(tmp_path)
    with system.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(
            text(
                "UPDATE audit_log SET detail = 'edited' WHERE id = "
                "(SELECT max(id) FROM audit_log WHERE action = 'eligibility_check')"
            )
        )
    with system.uow() as uow:
        report = verify_chain(uow.session)
    assert not report.ok
    assert {f.kind for f in report.findings} <= {"edited", "inserted"}


def test_visits_name_the_patients_card_enrolment_and_their_clinic(loaded: SharedLoad) -> None:
    system = loaded.system
    with system.uow() as uow:
        s = uow.session
        mismatched = s.scalar(
            select(func.count())
            .select_from(ClinicVisit)
            .join(Card, Card.serial == ClinicVisit.card_serial)
            .join(InsuranceEnrolment, InsuranceEnrolment.id == ClinicVisit.enrolment_id)
            .where(
                (Card.person_id != ClinicVisit.person_id)
                | (InsuranceEnrolment.person_id != ClinicVisit.person_id)
            )
        )
        joined = s.scalar(
            select(func.count())
            .select_from(ClinicVisit)
            .join(Card, Card.serial == ClinicVisit.card_serial)
        )
        entries = s.execute(
            select(AuditEntry.detail, AuditEntry.person_id, AuditEntry.at).where(
                AuditEntry.action == "eligibility_check"
            )
        ).all()
        visits = {v.id: v for v in s.scalars(select(ClinicVisit))}
        now = system.services.clock.now()
    assert mismatched == 0
    assert joined == len(visits)
    for detail, person_id, at in entries:
        visit = visits[int(detail.split()[1])]
        assert (visit.person_id, visit.started_at) == (person_id, at)
        assert now - at < dt.timedelta(days=366)


def test_a_kept_card_passes_a_clinic_check(loaded: SharedLoad, tmp_path: Path) -> None:
    system = loaded.copy(tmp_path)
    svc = system.services
    cards, token = loaded.cards, loaded.token
    with system.uow() as uow:
        caller = tokens.authenticate(uow.session, svc, token)
        nonce = clinic.new_challenge(uow.session, svc, caller=caller).nonce
        answer = clinic.check_with_pin(
            uow.session,
            svc,
            caller=caller,
            nonce=nonce,
            certificate_der=cards.certificates[SAMPLE - 1],
            signature=cards.sign(SAMPLE - 1, nonce),
        )
        uow.commit()
    assert answer.eligible
    with system.uow() as uow:
        assert verify_chain(uow.session).ok  # the live check continued the bench clinic's chain


def test_postgresql_gets_back_every_index_and_constraint(
    pg_indexes_before: set[str], loads: Loads
) -> None:
    # The module's load (a copy of this worker's migrated database, its indexes and keys
    # dropped, loaded by two workers and made again) against the migrated schema.
    after = _schema(loads.get("postgresql").system)
    assert (sorted(pg_indexes_before - after), sorted(after - pg_indexes_before)) == ([], [])


@pytest.fixture
def pg_indexes_before(system: System) -> set[str]:
    if system.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's indexes are kept through the load")
    return _schema(system)


def _schema(system: System) -> set[str]:
    """Every index (valid, ready, attached to its parent's) and every constraint (validated,
    attached to its parent's) of the schema, as comparable lines."""
    with system.engine.connect() as conn:
        indexes = conn.execute(
            text(
                "SELECT pg_get_indexdef(i.indexrelid) || ' valid ' || i.indisvalid || "
                "' ready ' || i.indisready || ' of ' || "
                "coalesce(h.inhparent::regclass::text, '-') "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "LEFT JOIN pg_inherits h ON h.inhrelid = i.indexrelid "
                "WHERE c.relnamespace = 'public'::regnamespace"
            )
        ).scalars()
        constraints = conn.execute(
            text(
                "SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || "
                "pg_get_constraintdef(c.oid) || ' validated ' || c.convalidated || ' of ' || "
                "coalesce(p.conrelid::regclass::text || ' ' || p.conname, '-') || ' index ' || "
                "coalesce(c.conindid::regclass::text, '-') "
                "FROM pg_constraint c LEFT JOIN pg_constraint p ON p.oid = c.conparentid "
                "WHERE c.connamespace = 'public'::regnamespace"
            )
        ).scalars()
        return set(indexes) | set(constraints)


def test_the_schema_lines_see_an_invalid_index_and_a_key_not_validated(system: System) -> None:
    # The comparison above is only as good as what ``_schema`` shows: an index left invalid
    # (a partition's not attached) and a foreign key left NOT VALID must change its lines.
    if system.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's catalogue")
    before = _schema(system)
    engine = system.engine.execution_options(isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("DROP INDEX ix_cards_status"))
            conn.execute(text("CREATE INDEX ix_cards_status ON ONLY cards (status)"))
            conn.execute(text("CREATE INDEX cards_p00_status_idx ON cards_p00 (status)"))
            conn.execute(text("ALTER TABLE mail_items DROP CONSTRAINT mail_items_person_id_fkey"))
            conn.execute(
                text(
                    "ALTER TABLE mail_items ADD CONSTRAINT mail_items_person_id_fkey "
                    "FOREIGN KEY (person_id) REFERENCES persons(id) NOT VALID"
                )
            )
        changed = before ^ _schema(system)
    finally:  # the worker's database is shared by the session's tests: as migrated again
        with engine.connect() as conn:
            conn.execute(text("DROP INDEX IF EXISTS cards_p00_status_idx"))
            conn.execute(text("DROP INDEX ix_cards_status"))
            conn.execute(text("CREATE INDEX ix_cards_status ON cards (status)"))
            conn.execute(
                text("ALTER TABLE mail_items VALIDATE CONSTRAINT mail_items_person_id_fkey")
            )
    assert any("ix_cards_status" in line and "valid false" in line for line in changed)
    assert any("cards_p00_status_idx" in line and "of -" in line for line in changed)
    assert any(
        "mail_items_person_id_fkey" in line and "validated false" in line for line in changed
    )
    assert _schema(system) == before


@pytest.mark.usefixtures("keys_made_once")
def test_bench_enrol_keeps_a_load_that_bench_eligibility_finds(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the data folder defaults to ./var/bench/<database>
    url = f"{pg_url}_load"

    def fresh(server: str, _folder: Path, name: str | None = None) -> tuple[str, str | None]:
        """The command's fresh database from the worker's migrated schema (a TEMPLATE copy),
        not migrated up from empty by each run (test_migrations' part): an earlier database
        of that name gone first, as ``fresh_database`` drops it (here set aside and dropped
        later: the drop's checkpoint not waited for, twice)."""
        assert name is not None
        set_aside(name)
        return copy_of_worker_database(pg_url, name, seeded=False), name

    monkeypatch.setattr(bench_enrol, "fresh_database", fresh)
    runner = CliRunner()
    # An earlier run of the command killed before its load was kept: the database it made
    # (marked, no load in it) is replaced, not refused as someone else's.
    copy_of_worker_database(pg_url, url.rsplit("/", 1)[1], seeded=False)
    bench_enrol._mark(pg_url, url.rsplit("/", 1)[1])
    assert not bench_loaded.holds_a_load(url)
    try:
        for vacuum in ("--vacuum", "--no-vacuum"):  # the second run replaces the first load
            # One loading process (--workers 1): the module's load above runs two.
            command = ["bench", "enrol", "--database-url", url, "--residents", "120"]
            result = runner.invoke(cli, [*command, "--workers", "1", vacuum])
            assert result.exit_code == 0, result.output
        assert "analyze" in result.output and "vacuum analyze" not in result.output
        assert bench_loaded.holds_a_load(url)
        load = bench_loaded.find(url, bench_loaded.data_dir_for(url))
        assert load.residents == 120
        assert len(load.cards.certificates) == 120  # fewer residents than the sample: all kept
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM persons")).scalar_one() == 120
            assert conn.execute(text("SELECT count(*) FROM clinics")).scalar_one() == 1
        engine.dispose()
    finally:
        drop_later(url.rsplit("/", 1)[1])


def test_bench_enrol_never_empties_a_folder_that_is_not_a_loads(
    pg_url: str, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(
        cli,
        ["bench", "enrol", "--database-url", f"{pg_url}_other", "--data-dir", str(tmp_path)],
    )
    assert result.exit_code != 0
    assert "not a load's data folder" in result.output
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_bench_enrol_never_replaces_a_database_that_holds_no_load(pg_url: str) -> None:
    result = CliRunner().invoke(cli, ["bench", "enrol", "--database-url", pg_url])
    assert result.exit_code != 0
    assert "holds no benchmark load" in result.output
    engine = create_engine(pg_url)
    with engine.connect() as conn:  # still there, still migrated
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() >= 1
    engine.dispose()
