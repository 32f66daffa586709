"""The eligibility benchmark's enrolment: real registrations, real certificates, usable cards.

The tests that read a load share one per database for the module (``bench_support``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rich.console import Console
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.adapters.db.models_insurance import InsuranceEnrolment
from mynumber.bench.enrol import enrol
from mynumber.bootstrap import System
from mynumber.pki.verify import verify_certificate
from mynumber.services.core import tokens
from mynumber.services.insurance import clinic
from mynumber.services.jpki.certificates import serial_text
from mynumber.services.registry.bulk import insert_rows
from tests.integration.bench_support import Loads, SharedLoad, bench_keys, loads_fixture

RESIDENTS = 50
SAMPLE = 30


@pytest.fixture(scope="module")
def loads(request: pytest.FixtureRequest) -> Iterator[Loads]:
    # Batches of 20 in tasks of 10: several batches, the last one short, both workers used.
    yield from loads_fixture(request, count=RESIDENTS, sample=SAMPLE, batch=20, workers=2)


@pytest.fixture(params=["sqlite", "postgresql"])
def loaded(request: pytest.FixtureRequest, loads: Loads) -> SharedLoad:
    """The module's load on each database (read only)."""
    return loads.get(request.param)


def test_every_card_has_its_own_certificate_and_the_kept_ones_are_signed_by_the_ca(
    loaded: SharedLoad,
) -> None:
    system, enrolled = loaded.system, loaded.cards
    ca, now = system.services.ca, system.services.clock.now()
    kept = set(enrolled.certificates)
    with system.uow() as uow:
        rows = uow.session.execute(
            select(Certificate, Card).join(Card, Card.serial == Certificate.card_serial)
        ).all()
        people = uow.session.scalar(select(func.count()).select_from(Person))
        insured = uow.session.scalar(
            select(func.count(func.distinct(InsuranceEnrolment.person_id)))
        )
    assert people == insured == len(rows) == RESIDENTS
    assert (
        len({cert.serial for cert, _ in rows})
        == len({card.serial for _, card in rows})
        == len({card.person_id for _, card in rows})
        == RESIDENTS
    )
    sizes = {len(cert.der) for cert, _ in rows}
    assert max(sizes) - min(sizes) <= 2  # real-sized: the same profile, serials of one length
    unsigned = 0
    for cert, card in rows:
        issued = x509.load_der_x509_certificate(cert.der)  # every row parses as X.509
        assert serial_text(issued.serial_number) == cert.serial
        assert issued.subject.rfc4514_string() == f"CN={cert.serial}"
        assert (card.status, card.insurance_use, cert.person_id) == ("active", True, card.person_id)
        if cert.der in kept:
            verify_certificate(issued, ca, at=now, is_revoked=lambda _serial: None)
        else:  # a template's signature over another serial: not individually signed
            unsigned += 1
            with pytest.raises(InvalidSignature):
                ca.issuing_certificate.public_key().verify(  # type: ignore[call-arg]
                    issued.signature,
                    issued.tbs_certificate_bytes,
                    padding.PKCS1v15(),
                    hashes.SHA256(),
                )
    assert unsigned == RESIDENTS - SAMPLE


def test_the_load_generator_holds_a_sample_of_working_cards(loaded: SharedLoad) -> None:
    system, enrolled = loaded.system, loaded.cards
    assert len(enrolled.certificates) == len(enrolled.key_indices) == SAMPLE
    with system.uow() as uow:
        stored = set(uow.session.scalars(select(Certificate.der)))
    assert set(enrolled.certificates) <= stored
    for index in range(SAMPLE):
        public = x509.load_der_x509_certificate(enrolled.certificates[index]).public_key()
        assert isinstance(public, rsa.RSAPublicKey)
        nonce = f"nonce {index}".encode()
        public.verify(enrolled.sign(index, nonce), nonce, padding.PKCS1v15(), hashes.SHA256())


def test_a_clinic_checks_a_sampled_card_with_the_token(system: System) -> None:
    svc = system.services
    cards, token = enrol(system, 5, Console(quiet=True), workers=0, keys=bench_keys())
    with system.uow() as uow:
        caller = tokens.authenticate(uow.session, svc, token)
        nonce = clinic.new_challenge(uow.session, svc, caller=caller).nonce
        answer = clinic.check_with_pin(
            uow.session,
            svc,
            caller=caller,
            nonce=nonce,
            certificate_der=cards.certificates[3],
            signature=cards.sign(3, nonce),
        )
        uow.commit()
    assert answer.eligible


def test_bulk_inserts_refuse_a_duplicate_as_sqlalchemy_would(system: System) -> None:
    row = dict(
        registry_code="00000000001",
        identity_key="k",
        number_lookup="n",
        number_sealed=b"\x00",
        name_latin="Sato Hanako",
        date_of_birth=dt.date(1990, 1, 1),
        sex="F",
        nationality="JP",
        created_at=system.services.clock.now(),
    )
    with system.uow() as uow:
        assert len(insert_rows(uow.session, Person, [row], return_ids=True)) == 1
        with pytest.raises(IntegrityError):
            insert_rows(uow.session, Person, [{**row, "registry_code": "00000000002"}])


def test_postgresql_is_vacuumed_and_analysed_after_the_load(loaded: SharedLoad) -> None:
    system = loaded.system
    if system.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's (SQLite plans these look-ups by index)")
    with system.engine.connect() as conn:
        done = set(
            conn.execute(
                text(
                    "SELECT relname FROM pg_stat_user_tables "
                    "WHERE last_analyze IS NOT NULL AND last_vacuum IS NOT NULL"
                )
            ).scalars()
        )
        # A partitioned table (migration 0016) keeps no rows: its partitions are the tables.
        leaves: set[str] = set()
        for table in ("cards", "certificates", "insurance_enrolments"):
            partitions = conn.execute(
                text(
                    "SELECT CAST(relid AS regclass)::text FROM "
                    "pg_partition_tree(CAST(:t AS regclass)) WHERE isleaf"
                ),
                {"t": table},
            ).scalars()
            leaves |= set(partitions) or {table}
        assert {"insurance_enrolments", "cards_p00", "certificates_p15"} <= leaves <= done
