"""Enrolling N insured residents with cards, for ``mynumber bench eligibility``.

Each resident is registered through ``bulk_registration.register_many`` (the registration
rules) and given an active card registered for insurance use, with its own serial and its own
user-authentication certificate issued by the card centre's CA (stored in ``certificates``),
and a National Health Insurance enrolment. The cards' key pairs come from a ``KeyPool`` (an
RSA-2048 pair costs ~40 ms): only the certificate, the serial and the key's owner differ.

Issuing a certificate is an RSA-2048 signature by the CA (~1 ms), more than everything else a
resident costs together, so certificates are issued in worker processes (each loads the CA
once) a few batches ahead of the main process, which meanwhile registers the residents and
inserts their rows: the cores are kept busy, the set-up runs at about the speed of the CA's
signatures spread over them. The load generator keeps only a random sample of the cards
(``Cards``); all N stay in the database.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import os
import random
import time
import uuid
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from rich.console import Console
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from mynumber.adapters.db.bulk_insert import insert_rows
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.adapters.db.models_insurance import InsuranceEnrolment
from mynumber.bench.register import iter_fake_residents
from mynumber.bootstrap import System
from mynumber.card.keys import KeyPool
from mynumber.demo.data import seed_municipalities
from mynumber.domain.access import Role
from mynumber.domain.clock import JST
from mynumber.domain.insurance import InsurerKind
from mynumber.domain.registration import MovingIn
from mynumber.pki.ca import CertificateAuthority
from mynumber.services.cards.records import new_serial
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller, Services
from mynumber.services.insurance import clinic, insurer
from mynumber.services.jpki.certificates import serial_text
from mynumber.services.registry.bulk import register_many

MUNICIPALITY = "131016"
BATCH = 5000
"""Residents per transaction; each batch's certificates are split among the workers."""
POOL_KEYS = 16
SAMPLE = 20_000
"""Cards the load generator keeps (certificate + key): ~1 KB each, against ~1 GB for 1M."""
AHEAD = 2
"""Batches of certificates queued beyond the one being inserted, so no worker idles."""
SEED = 2026


@dataclass
class Cards:
    """The residents' cards as the load generator holds them: certificate and key index.

    ``certificates[i]`` was issued for ``keys[key_indices[i]]`` (for ``keys[i % len(keys)]``
    when ``key_indices`` is empty, as when every card is held in enrolment order).
    """

    certificates: list[bytes] = field(default_factory=list)
    keys: list[rsa.RSAPrivateKey] = field(default_factory=list)
    key_indices: list[int] = field(default_factory=list)

    def key(self, index: int) -> rsa.RSAPrivateKey:
        """The private key of the card ``index``."""
        if self.key_indices:
            return self.keys[self.key_indices[index]]
        return self.keys[index % len(self.keys)]

    def sign(self, index: int, nonce: bytes) -> bytes:
        """The card's signature over the nonce (PKCS#1 v1.5 SHA-256, as the chip makes it)."""
        return self.key(index).sign(nonce, padding.PKCS1v15(), hashes.SHA256())


@dataclass(frozen=True)
class Validity:
    """The cards' certificate validity: from today 00:00 to 23:59:59 five years on (JST)."""

    not_before: dt.datetime
    not_after: dt.datetime

    @classmethod
    def from_today(cls, today: dt.date) -> Validity:
        try:
            last = today.replace(year=today.year + 5)
        except ValueError:  # 29 February, in a year five years before a common year
            last = today.replace(year=today.year + 5, day=28)
        return cls(
            dt.datetime.combine(today, dt.time(0, 0), tzinfo=JST),
            dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=JST),
        )


@dataclass(frozen=True)
class Issued:
    """A certificate issued for card number ``index`` (in enrolment order)."""

    index: int
    key_index: int
    serial: int
    der: bytes


# --- the database ------------------------------------------------------------------------


def fresh_database(url: str | None, folder: Path) -> tuple[str, str | None]:
    """(URL of an empty database, name of a PostgreSQL database to drop afterwards)."""
    if not url or url.startswith("sqlite"):
        return f"sqlite:///{folder / 'bench.sqlite3'}", None
    name = f"mynumber_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False), name


def drop_database(url: str, name: str) -> None:
    """Drop the PostgreSQL database ``name`` made by ``fresh_database`` on ``url``'s server."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


# --- enrolment ---------------------------------------------------------------------------


def enrol(
    system: System,
    count: int,
    console: Console,
    *,
    sample: int = SAMPLE,
    batch: int = BATCH,
    workers: int | None = None,
) -> tuple[Cards, str]:
    """N residents with cards, insured; a sample of the cards and a clinic token.

    ``sample`` cards (all of them when ``count`` is smaller) are kept, in enrolment order;
    ``workers`` processes issue the certificates (default: one per core).
    """
    svc = system.services
    nhi_id, token = _set_up_insurer_and_clinic(system)
    pool = KeyPool.generate(POOL_KEYS)
    keys = [pool.new_key() for _ in range(POOL_KEYS)]
    validity = Validity.from_today(svc.clock.today())
    kept = _sampled(count, sample)
    cards = Cards(keys=keys)
    forms = iter_fake_residents(count, svc.clock.today(), seed=SEED)
    started = time.perf_counter()
    with Issuer(svc, keys, validity, count, batch, workers or os.cpu_count() or 2) as issuer:
        for first in range(0, count, batch):
            issuer.keep_busy()  # before the forms: the workers sign while they are made
            chunk = list(itertools.islice(forms, batch))
            issued = issuer.take(len(chunk))
            _enrol_batch(system, chunk, issued, nhi_id, validity)
            _keep(cards, issued, kept)
            _report(console, first + len(chunk), len(chunk), count, started)
    _analyze(system)
    console.print(
        f"enrolled {count:,} residents with cards in "
        f"{time.perf_counter() - started:.1f} s "
        f"(kept {len(cards.certificates):,} cards for the load)"
    )
    return cards, token


def _analyze(system: System) -> None:
    """PostgreSQL: ``VACUUM ANALYZE``, as after any bulk load. ANALYZE gives the planner
    figures for the new tables (autovacuum would get to them only later, and the server would
    plan on empty-table figures); VACUUM sets the rows' commit hint bits once, where otherwise
    the first check to read each page would write it back (seconds for a million rows)."""
    if system.engine.dialect.name == "postgresql":
        with system.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def _set_up_insurer_and_clinic(system: System) -> tuple[int, str]:
    """The municipalities, the ward's NHI insurer and a clinic: (insurer id, clinic token)."""
    svc = system.services
    with system.uow() as uow:
        seed_municipalities(uow.session)
        nhi = insurer.create_insurer(
            uow.session,
            svc,
            kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
            insurer_number="131011",
            name_ja="千代田区国民健康保険",
            municipality_code=MUNICIPALITY,
        )
        place = clinic.create_clinic(uow.session, svc, code="1310112345", name="Bench Clinic")
        token = tokens.issue_token(
            uow.session, svc, organisation="Bench Clinic", role=Role.CLINIC, scope_id=place.id
        )
        uow.commit()
        return nhi.id, token


def _sampled(count: int, sample: int) -> set[int] | None:
    """The card numbers to keep (None: all of them)."""
    if sample >= count:
        return None
    return set(random.Random(SEED).sample(range(count), sample))


def _enrol_batch(
    system: System, forms: list[MovingIn], issued: list[Issued], nhi_id: int, validity: Validity
) -> None:
    """One transaction: the residents registered, their cards, certificates, enrolments."""
    with system.uow() as uow:
        ids = register_many(
            uow.session, system.services, caller=_WARD, municipality_code=MUNICIPALITY, forms=forms
        )
        _insert_cards(uow.session, system.services, ids, forms, issued, nhi_id, validity)
        uow.commit()


_WARD = Caller(name="bench", role=Role.WARD_OFFICE, municipality_code=MUNICIPALITY)


def _insert_cards(
    session: Session,
    svc: Services,
    person_ids: list[int],
    forms: Sequence[MovingIn],
    issued: Sequence[Issued],
    insurer_id: int,
    validity: Validity,
) -> None:
    # The values every row shares are made once: the inserts bind each distinct object once.
    now, today = svc.clock.now(), svc.clock.today()
    start, end = validity.not_before, validity.not_after
    expires, insured_from = end.date(), today - dt.timedelta(30)
    card_rows, cert_rows, enrolment_rows = [], [], []
    for person_id, form, certificate in zip(person_ids, forms, issued, strict=True):
        serial = new_serial()
        card_rows.append(
            dict(
                serial=serial,
                person_id=person_id,
                status="active",
                municipality_code=MUNICIPALITY,
                chip_address=form.address,
                manufactured_at=now,
                issued_on=today,
                expires_on=expires,
                certificates_expire_on=expires,
                insurance_use=True,
            )
        )
        cert_rows.append(
            dict(
                serial=serial_text(certificate.serial),
                card_serial=serial,
                person_id=person_id,
                kind="authentication",
                not_before=start,
                not_after=end,
                der=certificate.der,
            )
        )
        enrolment_rows.append(
            dict(
                insurer_id=insurer_id,
                person_id=person_id,
                symbol="B",
                number=str(person_id),
                branch="01",
                income_class="general",
                certain_income=False,
                valid_from=insured_from,
                employer="",
                created_at=now,
            )
        )
    insert_rows(session, Card, card_rows)
    insert_rows(session, Certificate, cert_rows)
    insert_rows(session, InsuranceEnrolment, enrolment_rows)


def _keep(cards: Cards, issued: Sequence[Issued], kept: set[int] | None) -> None:
    for certificate in issued:
        if kept is None or certificate.index in kept:
            cards.certificates.append(certificate.der)
            cards.key_indices.append(certificate.key_index)


def _report(console: Console, done: int, size: int, count: int, started: float) -> None:
    """A line at every tenth of the way (a million residents take minutes)."""
    if (done - size) * 10 // count != done * 10 // count:
        elapsed = time.perf_counter() - started
        console.print(f"  {done:,} of {count:,} residents: {done / elapsed:,.0f}/s")


# --- issuing certificates in worker processes ---------------------------------------------


class Issuer:
    """Certificates for cards 0…count-1, issued by the CA in worker processes a few batches
    ahead of the caller; each batch is split among the workers, so none waits for the first.
    """

    def __init__(
        self,
        svc: Services,
        keys: Sequence[rsa.RSAPrivateKey],
        validity: Validity,
        count: int,
        batch: int,
        workers: int,
    ) -> None:
        ca = svc.ca  # made here if it does not exist yet, before workers race to load it
        public = [_spki(key.public_key()) for key in keys]
        # forkserver, not fork: the parent holds database connections a child must not share.
        # The workers are forked from a clean server process that imported this module once
        # (a spawned worker pays ~1 s of imports, again at every ``enrol``).
        # (So a script calling ``enrol`` needs an ``if __name__ == "__main__":`` guard.)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(
                svc.ca_dir,
                svc.keys.ca_passphrase,
                ca.base_url,
                svc.clock.now(),
                public,
                validity,
            ),
        )
        self._tasks = _tasks(count, batch, workers)
        self._in_flight = workers * (AHEAD + 1)
        self._pending: deque[Future[list[Issued]]] = deque()

    def __enter__(self) -> Issuer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def keep_busy(self) -> None:
        """Hand the workers tasks until ``AHEAD`` batches beyond the current one are queued."""
        while len(self._pending) < self._in_flight:
            task = next(self._tasks, None)
            if task is None:
                return
            self._pending.append(self._pool.submit(_issue_certificates, *task))

    def take(self, size: int) -> list[Issued]:
        """The next ``size`` certificates, in card order (waits for them if need be)."""
        issued: list[Issued] = []
        while len(issued) < size:
            self.keep_busy()
            issued.extend(self._pending.popleft().result())
        return issued


def _tasks(count: int, batch: int, workers: int) -> Iterator[tuple[int, int]]:
    """(first card, number of cards) of each task: every batch in ``workers`` parts."""
    for first in range(0, count, batch):
        size = min(batch, count - first)
        part = -(-size // workers)
        for start in range(first, first + size, part):
            yield start, min(part, first + size - start)


# A worker process's own state, set once by ``_start_worker``.
_worker_ca: CertificateAuthority | None = None
_worker_keys: list[rsa.RSAPublicKey] = []
_worker_validity: Validity | None = None


def _start_worker(
    ca_dir: Path,
    passphrase: bytes,
    base_url: str,
    now: dt.datetime,
    public_keys: list[bytes],
    validity: Validity,
) -> None:
    """Load the CA (the issuing key decrypted once per worker, not once per certificate)."""
    global _worker_ca, _worker_keys, _worker_validity
    _worker_ca = CertificateAuthority.load_or_create(ca_dir, passphrase, now=now, base_url=base_url)
    _worker_keys = [_load_rsa_public(der) for der in public_keys]
    _worker_validity = validity


def _issue_certificates(first: int, size: int) -> list[Issued]:
    """Certificates for cards ``first``…``first+size-1``: card i has pool key i mod 16."""
    assert _worker_ca is not None and _worker_validity is not None, "worker not started"
    issued = []
    for index in range(first, first + size):
        key_index = index % len(_worker_keys)
        certificate = _worker_ca.issue_authentication_certificate(
            _worker_keys[key_index],
            serial=x509.random_serial_number(),
            not_before=_worker_validity.not_before,
            not_after=_worker_validity.not_after,
        )
        issued.append(
            Issued(
                index,
                key_index,
                certificate.serial_number,
                certificate.public_bytes(serialization.Encoding.DER),
            )
        )
    return issued


def _spki(key: rsa.RSAPublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _load_rsa_public(der: bytes) -> rsa.RSAPublicKey:
    key = serialization.load_der_public_key(der)
    if not isinstance(key, rsa.RSAPublicKey):
        raise TypeError("the card keys are RSA")
    return key
