"""Builders shared by the certificate, card-authentication and e-Tax tests (no tests here).

Cards are made directly (``Chip.manufacture`` + a ``Card`` row + ``issue_card_certificates``),
not through the card-application services, so these tests depend only on the PKI layer.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlalchemy import Engine, select

from mynumber.adapters.db.chip_store import SqlChipStore
from mynumber.adapters.db.engine import make_engine
from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.card import BasicFourItems, Chip, ChipData, KeySlot, PinRef
from mynumber.domain.validity import StayPermit, card_expiry
from mynumber.services.core.records import require_active_registration
from mynumber.services.jpki.certificates import issue_card_certificates
from mynumber.services.registry.numbers import open_number
from tests.integration.helpers import register

AUTH_PIN = "1234"
SIGNATURE_PIN = "TARO2026"
ADDRESS = "1-1 Chiyoda, Chiyoda-ku, Tokyo"


@dataclass(frozen=True)
class TestCard:
    """A manufactured, collected card: its serial, its holder and its chip."""

    __test__ = False
    serial: str
    person_id: int
    chip: Chip


def with_card_store(system: System, sqlite_template: Path, tmp_path: Path) -> Iterator[System]:
    """For each module's ``pki`` fixture: ``system`` with the card store apart on SQLite."""
    engine = use_separate_card_store(system, sqlite_template, tmp_path)
    yield system
    if engine is not None:
        engine.dispose()


def use_separate_card_store(system: System, sqlite_template: Path, folder: Path) -> Engine | None:
    """On SQLite, keep the card store in a database file of its own.

    SQLite has one writer at a time and our engine begins every transaction IMMEDIATE, so a
    chip operation on its own connection (``SqlChipStore``) waits for ever behind the unit
    of work that issues certificates inside one transaction. The chips stand for the
    residents' pockets, not the authority's database: a separate file is the faithful model.
    PostgreSQL locks rows, not the database, and keeps the shared store.
    """
    if system.engine.dialect.name != "sqlite":
        return None
    path = folder / "card-store.sqlite3"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    system.services.chips = SqlChipStore(engine)
    return engine


def make_card(
    system: System, *, status: str = "active", pins: bool = True, **person: Any
) -> TestCard:
    """Register a person, manufacture a card for them and issue its certificates."""
    name = person.pop("name_latin", f"Tester {uuid.uuid4().hex[:6]}")
    person_id = register(system, name_latin=name, address=ADDRESS, **person).person_id
    svc = system.services
    serial = uuid.uuid4().hex[:16].upper()
    today = svc.clock.today()
    with system.uow() as uow:
        row = uow.session.get(Person, person_id)
        assert row is not None
        stay = require_active_registration(uow.session, person_id)
        permit = StayPermit(stay.status_of_residence or "", stay.period_of_stay_ends)
        data = ChipData(
            open_number(svc, row),
            BasicFourItems(row.name_latin, ADDRESS, row.date_of_birth, row.sex),
            photo=b"\xff\xd8 photo",
        )
        chip, _ = Chip.manufacture(
            svc.chips,
            card_id=serial,
            data=data,
            key_source=svc.key_source,
            chip_key=svc.keys.chip_key,
        )
        card = Card(
            serial=serial,
            person_id=person_id,
            status=status,
            municipality_code="131016",
            chip_address=ADDRESS,
            manufactured_at=svc.clock.now(),
            issued_on=today,
            expires_on=card_expiry(
                date_of_birth=row.date_of_birth, issued_on=today, residence=permit
            ),
        )
        uow.session.add(card)
        uow.session.flush()
        issue_card_certificates(
            uow.session, svc, card=card, chip=chip, person=row, address=ADDRESS, on=today
        )
        uow.commit()
    if pins:
        chip.set_initial_pins(
            user_authentication=AUTH_PIN,
            resident_registry="5678",
            card_info_input="9012",
            signature=SIGNATURE_PIN,
        )
    return TestCard(serial, person_id, chip)


def certificate_rows(system: System, card_serial: str) -> list[Certificate]:
    """The authority's certificate records of one card, oldest first."""
    with system.uow() as uow:
        return list(
            uow.session.scalars(
                select(Certificate)
                .where(Certificate.card_serial == card_serial)
                .order_by(Certificate.not_before, Certificate.kind)
            )
        )


def read_certificate(card: TestCard, slot: KeySlot) -> x509.Certificate:
    """The certificate on the chip (the signature one after its PIN)."""
    with card.chip.open_session() as session:
        if slot is KeySlot.SIGNATURE:
            session.verify(PinRef.SIGNATURE, SIGNATURE_PIN)
        return session.read_certificate(slot)


def set_card_status(system: System, serial: str, status: str) -> None:
    """Change a card's status as the card-lifecycle services would."""
    with system.uow() as uow:
        card = uow.session.scalars(select(Card).where(Card.serial == serial)).one()
        card.status = status
        uow.commit()


def write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` and return it."""
    path.write_bytes(data)
    return path


def pem(item: x509.Certificate | x509.CertificateRevocationList) -> bytes:
    """PEM of a certificate or a CRL."""
    return item.public_bytes(serialization.Encoding.PEM)


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run a real tool (openssl, xmlsec1) and capture its output."""
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=60, check=False
    )


def epoch(moment: dt.datetime) -> str:
    """``moment`` as seconds since the epoch (openssl ``-attime``)."""
    return str(int(moment.timestamp()))


@contextlib.contextmanager
def serving(system: System) -> Iterator[str]:
    """The API on a free 127.0.0.1 port, over real HTTP, for the duration of the block."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(system), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
