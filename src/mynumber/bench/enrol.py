"""Enrolling N insured residents with cards and a year of clinic visits: ``mynumber bench
enrol``, and the set-up of ``mynumber bench eligibility``.

Each resident is registered (person, active registration, notification letter and its mail
item, the registration's audit entry) and given an active card registered for insurance use,
with its own serial and its own user-authentication certificate, and a National Health
Insurance enrolment. Then a year of history: ``visits_per_resident`` eligibility checks per
resident over the past year (one visit and the check's two audit entries each), spread over
one clinic per ``RESIDENTS_PER_CLINIC`` residents, each clinic with its own audit chain.

How it is fast (docs/benchmarks.md, "Ten million residents"):

- **Only the kept certificates are signed.** The cards' key pairs come from a pool of 16
  (``KeyPool``; a pair costs ~40 ms). The load generator keeps a random sample of the cards
  (``SAMPLE``, spread over the whole table); their certificates are issued by the card
  centre's CA, one RSA signature each. Every other certificate is a real-sized, valid-shaped
  copy of a real certificate of its pool key with its own serial, **not individually signed**
  (its signature does not verify; ``bench.load`` says how it is made).
- **Rows are made in bulk** by the service's own row builders (``bench.load``), numbers by
  the batch FF3-1 path, sealed through the vault; the checks ``register_many`` makes once per
  batch are made once here (``_authorise``), and what it checks per person — no identity
  twice, nobody already known — is checked by the unique indexes built after the load.
- **PostgreSQL: in parallel, indexes after.** A fresh database only: the loaded tables'
  secondary indexes, unique constraints and foreign keys are dropped, ``WORKERS`` processes
  ``COPY`` their slices over connections of their own, then the indexes and constraints are
  made again (``_restore``: partition by partition on ``WORKERS`` connections, the biggest
  first; the foreign keys validated over every row), the audit heads moved to the chains'
  ends, the sequences past the loaded ids, and ``VACUUM ANALYZE`` run, table by table on
  ``WORKERS`` connections. Every table stays logged (no ``UNLOGGED``: docs/benchmarks.md
  says why). On SQLite the same rows go in through ``insert_rows`` in this process.

``bench enrol`` keeps the loaded PostgreSQL database with its data folder and sample
(``bench.loaded``), so ``bench eligibility`` can run on it without loading it again.
"""

from __future__ import annotations

import datetime as dt
import math
import multiprocessing
import os
import random
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any, TypeVar, cast

import numpy as np
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from faker import Faker
from rich.console import Console
from sqlalchemy import Table, create_engine, select, text, update
from sqlalchemy.engine import make_url

from mynumber.adapters.db.bulk_insert import insert_rows
from mynumber.adapters.db.models import (
    REGISTRY_CODES,
    AuditEntry,
    AuditHead,
    Counter,
    MailItem,
    NotificationLetter,
    Person,
    Registration,
)
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.adapters.db.models_insurance import Clinic, ClinicVisit, InsuranceEnrolment
from mynumber.bench import load
from mynumber.bootstrap import System, build_system
from mynumber.card.keys import KeyPool
from mynumber.config import ConfigurationError, Settings
from mynumber.demo.data import seed_municipalities
from mynumber.domain.access import Role
from mynumber.domain.clock import JST
from mynumber.domain.insurance import InsurerKind
from mynumber.domain.policy import Action
from mynumber.domain.registration import build_moving_in
from mynumber.services.core import tokens
from mynumber.services.core.audit_chain import GENESIS, chain_of
from mynumber.services.core.context import Caller
from mynumber.services.core.policy import Subject, authorise, require_role
from mynumber.services.core.records import get_municipality
from mynumber.services.insurance import clinic, insurer
from mynumber.services.registry.numbers import REGISTRY_SEQUENCE

MUNICIPALITY = "131016"
SLICE = 20_000
"""Residents per transaction (one slice of one worker)."""
POOL_KEYS = 16
SAMPLE = 20_000
"""Cards the load generator keeps (certificate + key): ~1 KB each, against ~1 GB for 1M."""
VISITS_PER_RESIDENT = 1.0
"""Visits per resident over the year of history: Japan's rate is ~22 a year (231.6 million
checks a month for 125 million people); one a year keeps ten million within the 20 minutes
and the disk (docs/benchmarks.md)."""
RESIDENTS_PER_CLINIC = 1000
"""One clinic per this many residents (Japan: ~180,000 clinics, pharmacies and hospitals for
125 million people, one per ~700)."""
SEED = 2026
FORM_POOL = 10_000
BENCH_CLINIC = "1310112345"
"""The medical institution code of the clinic whose terminals the load generator drives."""


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


# --- the database ------------------------------------------------------------------------


def fresh_database(
    url: str | None, folder: Path, name: str | None = None
) -> tuple[str, str | None]:
    """(URL of an empty database, name of a PostgreSQL database to drop afterwards).
    ``name``: the PostgreSQL database's name (a new random one by default; one of that name
    is dropped first)."""
    if not url or url.startswith("sqlite"):
        return f"sqlite:///{folder / 'bench.sqlite3'}", None
    name = name or f"mynumber_bench_{uuid.uuid4().hex[:8]}"
    drop_database(url, name)
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


# --- a loaded database kept for the eligibility benchmark ----------------------------------


def load_kept(
    url: str,
    residents: int,
    console: Console,
    *,
    data_dir: Path | None = None,
    sample: int = SAMPLE,
    visits_per_resident: float = VISITS_PER_RESIDENT,
    workers: int | None = None,
    vacuum: bool = True,
) -> Path:
    """``bench enrol``: the PostgreSQL database of ``url`` made afresh (one that exists is
    replaced only if it holds an earlier load or this command made it and was cut short),
    loaded, and kept with its data folder and sample (``bench.loaded``) for ``bench
    eligibility --database-url <url>``; the folder."""
    from mynumber.bench import loaded

    target = make_url(url)
    name = target.database
    if not name:
        raise ConfigurationError("--database-url must name the database to load")
    server = target.set(database="postgres").render_as_string(hide_password=False)
    if _made_here(server, name) is False and not loaded.holds_a_load(url):
        raise ConfigurationError(
            f"database {name} exists and holds no benchmark load: name a new one"
        )
    folder = data_dir or loaded.data_dir_for(url)
    if folder.exists() and any(folder.iterdir()) and not (folder / loaded.MASTER_KEY).exists():
        raise ConfigurationError(f"{folder} is not a load's data folder: name a new one")
    shutil.rmtree(folder, ignore_errors=True)  # the old load's CA and key go with it
    fresh_database(server, folder, name)
    _mark(server, name)
    system = build_system(loaded.settings_for(url, folder))
    try:
        cards, _ = enrol(
            system,
            residents,
            console,
            sample=sample,
            visits_per_resident=visits_per_resident,
            workers=workers,
            vacuum=vacuum,
        )
        loaded.keep(system, cards, residents)
    finally:
        system.close()
    console.print(f"kept: {target.render_as_string()} with its data folder {folder}")
    return folder


MARK = "mynumber bench enrol"
"""The comment on a database this command made: one whose load was cut short (killed,
crashed) holds no load yet, and may still be replaced by the next ``bench enrol``."""


def _mark(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            quoted = conn.dialect.identifier_preparer.quote(name)
            conn.execute(text(f"COMMENT ON DATABASE {quoted} IS '{MARK}'"))
    finally:
        admin.dispose()


def _made_here(server: str, name: str) -> bool | None:
    """Whether the database ``name`` on ``server`` was made by this command (``None``: there
    is no such database)."""
    admin = create_engine(server)
    try:
        with admin.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                    "WHERE datname = :n"
                ),
                {"n": name},
            ).first()
            return None if found is None else found[0] == MARK
    finally:
        admin.dispose()


# --- enrolment ---------------------------------------------------------------------------


def enrol(
    system: System,
    count: int,
    console: Console,
    *,
    sample: int = SAMPLE,
    batch: int = SLICE,
    workers: int | None = None,
    visits_per_resident: float = VISITS_PER_RESIDENT,
    vacuum: bool = True,
    keys: Sequence[rsa.RSAPrivateKey] | None = None,
) -> tuple[Cards, str]:
    """N residents with cards, insured, and their year of visits; a sample of the cards and
    a clinic token.

    ``sample`` cards (all of them when ``count`` is smaller) are kept, in enrolment order;
    ``batch`` residents per transaction; ``workers`` processes load PostgreSQL (default: one
    per core; ``0``: this process loads, on one connection of its own, as a worker would —
    no process to start, for loads as small as the tests'); ``keys``: the cards'
    ``POOL_KEYS`` key pairs (default: made afresh, ~40 ms each; the tests give their small
    loads the same pairs).
    """
    started = time.perf_counter()
    pg = system.engine.dialect.name == "postgresql"
    here = workers == 0
    workers = max(1, workers or os.cpu_count() or 2) if pg and not here else 1
    nhi_id, token, bench_clinic = _set_up_insurer_and_clinic(system)
    if keys is None:
        pool = KeyPool.generate(POOL_KEYS)
        keys = [pool.new_key() for _ in range(POOL_KEYS)]
    if len(keys) != POOL_KEYS:
        raise ValueError(f"a load's cards share {POOL_KEYS} key pairs, not {len(keys)}")
    pairs = list(keys)
    plan = _plan(system, count, sample, batch, workers, visits_per_resident, nhi_id, pairs)
    plan.clinics.insert(0, bench_clinic)  # the bench clinic's chain is known already
    console.print(
        f"loading {count:,} residents, {plan.visits:,} visits at {len(plan.clinics):,} "
        f"clinics ({workers} worker(s), {system.engine.dialect.name})"
    )
    steps: dict[str, float] = {"set-up": time.perf_counter() - started}
    mark = time.perf_counter()
    dropped = _drop_secondary(system) if pg else _Dropped()
    steps["drop indexes"] = time.perf_counter() - mark
    mark = time.perf_counter()
    results = _run(system, plan, workers, console, here=here)
    steps["rows"] = time.perf_counter() - mark
    mark = time.perf_counter()
    if pg:
        _restore(system, dropped, workers, console)
    steps["indexes and keys"] = time.perf_counter() - mark
    mark = time.perf_counter()
    _move_heads(system, results)
    _analyze(system, vacuum=vacuum, workers=workers)
    steps["vacuum analyze" if vacuum else "analyze"] = time.perf_counter() - mark
    cards = _cards(results, pairs)
    elapsed = time.perf_counter() - started
    console.print(
        f"enrolled {count:,} residents with cards and {plan.visits:,} visits in "
        f"{elapsed:.1f} s ({count / elapsed:,.0f} residents/s; kept "
        f"{len(cards.certificates):,} cards for the load): "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps.items())
    )
    return cards, token


def _plan(
    system: System,
    count: int,
    sample: int,
    batch: int,
    workers: int,
    visits_per_resident: float,
    nhi_id: int,
    keys: list[rsa.RSAPrivateKey],
) -> load.Plan:
    svc = system.services
    today = svc.clock.today()
    validity = Validity.from_today(today)
    visits = round(count * visits_per_resident)
    clinics = max(1, math.ceil(count / RESIDENTS_PER_CLINIC)) - 1 if visits else 0
    desks = [f"bench desk {w + 1}" for w in range(workers)]
    with system.uow() as uow:
        _authorise(uow.session, system)
        first_code = _allocate_codes(uow.session, count)
        clinic_rows = insert_rows(
            uow.session,
            Clinic,
            [
                dict(
                    code=f"13{k + 1:08d}",
                    name=f"Clinic {k + 1:06d}",
                    kind="clinic",
                    created_at=svc.clock.now() - dt.timedelta(days=3650),
                )
                for k in range(clinics)
            ],
            return_ids=True,
        )
        chains = [chain_of(Role.WARD_OFFICE, d, None) for d in desks] + [
            chain_of(Role.CLINIC, f"Clinic {k + 1:06d}", None) for k in range(clinics)
        ]
        chain_ids = insert_rows(
            uow.session,
            AuditHead,
            [dict(chain=c, last_seq=0, last_hash=GENESIS) for c in chains],
            return_ids=True,
        )
        uow.commit()
    with system.uow() as uow:  # after the commit, which writes the audit entries queued above
        ids = _reserve_ids(uow.session, count, visits)
        uow.commit()
    templates = [load.make_template(svc.ca, key.public_key(), validity) for key in keys]
    return load.Plan(
        count=count,
        municipality_code=MUNICIPALITY,
        insurer_id=nhi_id,
        desk_names=desks,
        desk_chain_ids=chain_ids[: len(desks)],
        clinics=[
            load.Clinic(cid, f"13{k + 1:08d}", f"Clinic {k + 1:06d}", chain)
            for k, (cid, chain) in enumerate(zip(clinic_rows, chain_ids[len(desks) :], strict=True))
        ],
        visits=visits,
        slice_size=batch,
        first_code=first_code,
        ids=ids,
        now=svc.clock.now(),
        today=today,
        not_before=validity.not_before,
        not_after=validity.not_after,
        templates=templates,
        public_keys=[_spki(key.public_key()) for key in keys],
        kept=np.array(sorted(_sampled(count, sample)), dtype=np.int64),
        forms=_form_pool(count, today - dt.timedelta(days=400)),
        seed=SEED,
    )


_WARD = Caller(name="bench", role=Role.WARD_OFFICE, municipality_code=MUNICIPALITY)


def _authorise(session: Any, system: System) -> None:
    """What ``register_many`` checks once per batch, once for the load: a ward office of
    the municipality moved in to, allowed by the policy to change its register."""
    require_role(_WARD, Role.WARD_OFFICE)
    get_municipality(session, MUNICIPALITY)
    authorise(
        session,
        system.services,
        _WARD,
        Action.CHANGE_REGISTRATION,
        Subject(None, moving_in_to=MUNICIPALITY),
    )


def _allocate_codes(session: Any, count: int) -> int:
    """``count`` consecutive registry codes (as ``allocate_registry_codes``, without making an
    object per code); the first one's sequence number. PostgreSQL: the block is taken from
    the sequence in one ``setval`` (the load's database is fresh: nobody else draws from it
    meanwhile); SQLite: from the counter row."""
    if session.get_bind().dialect.name == "postgresql":
        first = session.execute(select(REGISTRY_CODES.next_value())).scalar_one()
        session.execute(
            text("SELECT setval(:sequence, :last)"),
            {"sequence": REGISTRY_CODES.name, "last": int(first) + count - 1},
        )
        return int(first)
    last = session.execute(
        update(Counter)
        .where(Counter.name == REGISTRY_SEQUENCE)
        .values(value=Counter.value + count)
        .returning(Counter.value)
    ).scalar_one()
    return int(last) - count + 1


_LOADED = (
    Person,
    Registration,
    NotificationLetter,
    MailItem,
    AuditEntry,
    Card,
    Certificate,
    InsuranceEnrolment,
    ClinicVisit,
)


def _reserve_ids(session: Any, count: int, visits: int) -> dict[str, int]:
    """The first id of each table's rows: its sequence (PostgreSQL) is moved past them."""
    sizes = {
        "persons": count,
        "registrations": count,
        "notification_letters": count,
        "mail_items": count,
        "cards": count,
        "insurance_enrolments": count,
        "clinic_visits": visits,
        "audit_log": count + 2 * visits,
    }
    pg = session.get_bind().dialect.name == "postgresql"
    ids: dict[str, int] = {}
    for table, size in sizes.items():
        top = session.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
        ids[table] = int(top) + 1
        if pg:
            session.execute(
                text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                {"t": table, "v": int(top) + size + 1},
            )
    ids["audit_registrations"] = ids["audit_log"]
    ids["audit_visits"] = ids["audit_log"] + count
    return ids


def _form_pool(count: int, filed_on: dt.date) -> load.FormPool:
    """Faker('ja_JP') names, births and addresses, each checked once by ``build_moving_in``
    (with the longest name the load makes from it) against the day the residents file."""
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    size = min(max(count, 1), FORM_POOL)
    last = [fake.last_romanized_name() for _ in range(size)]
    female = [fake.first_romanized_name_female() for _ in range(size)]
    male = [fake.first_romanized_name_male() for _ in range(size)]
    births = [
        filed_on - dt.timedelta(days=int(d))
        for d in np.random.default_rng(SEED).integers(366, 95 * 365, size=size)
    ]
    addresses = [fake.address().replace("\n", " ") for _ in range(size)]
    suffix = f" {max(count - 1, 0)}"
    for k in range(size):
        for first in (female[k], male[k]):
            build_moving_in(
                name_latin=f"{last[k]} {first}{suffix}",
                date_of_birth=births[k],
                sex="F",
                nationality="JP",
                address=addresses[k],
                started_living_on=filed_on - dt.timedelta(days=19),
                filed_on=filed_on,
                id_documents=["driving_licence"],
            )
    return load.FormPool(last, female, male, births, addresses)


def _set_up_insurer_and_clinic(system: System) -> tuple[int, str, load.Clinic]:
    """The municipalities, the ward's NHI insurer and the bench clinic: (insurer id, clinic
    token, the clinic with its audit chain)."""
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
        place = clinic.create_clinic(uow.session, svc, code=BENCH_CLINIC, name="Bench Clinic")
        token = tokens.issue_token(
            uow.session, svc, organisation="Bench Clinic", role=Role.CLINIC, scope_id=place.id
        )
        chain = insert_rows(
            uow.session,
            AuditHead,
            [dict(chain=chain_of(Role.CLINIC, place.name, None), last_seq=0, last_hash=GENESIS)],
            return_ids=True,
        )[0]
        uow.commit()
        return nhi.id, token, load.Clinic(place.id, place.code, place.name, chain)


def _sampled(count: int, sample: int) -> set[int]:
    """The residents whose cards the load generator keeps."""
    if sample >= count:
        return set(range(count))
    return set(random.Random(SEED).sample(range(count), sample))


def _cards(results: list[load.Done], keys: list[rsa.RSAPrivateKey]) -> Cards:
    kept = sorted(k for done in results for k in done.kept)
    return Cards(
        certificates=[der for _, _, der in kept],
        keys=keys,
        key_indices=[key_index for _, key_index, _ in kept],
    )


def _move_heads(system: System, results: list[load.Done]) -> None:
    """Each chain's head to where its worker ended it."""
    moves = [
        dict(head_id=chain, last_seq=seq, last_hash=last)
        for done in results
        for chain, (seq, last) in done.heads.items()
    ]
    if not moves:
        return
    head = cast(Table, AuditHead.__table__)
    from sqlalchemy import bindparam

    with system.engine.begin() as conn:
        conn.execute(
            update(head)
            .where(head.c.id == bindparam("head_id"))
            .values(last_seq=bindparam("last_seq"), last_hash=bindparam("last_hash")),
            moves,
        )


def _analyze(system: System, *, vacuum: bool = True, workers: int = 1) -> None:
    """PostgreSQL: ``VACUUM ANALYZE``, as after any bulk load, table by table on ``workers``
    connections (the biggest first). ANALYZE gives the planner figures for the new tables
    (autovacuum would get to them only later, and the server would plan on empty-table
    figures); VACUUM sets the rows' commit hint bits once, where otherwise the first check to
    read each page would write it back (seconds for a million rows). It reads and writes the
    whole database: without ``vacuum`` only ANALYZE runs, and the eligibility benchmark's
    pass over every kept card sets the bits of the pages it reads."""
    if system.engine.dialect.name != "postgresql":
        return
    command = "VACUUM ANALYZE" if vacuum else "ANALYZE"
    with system.engine.connect() as conn:
        # What a database-wide ANALYZE visits: every table but the partitions, which their
        # parent's statement visits (PostgreSQL 15 has no ANALYZE ONLY); a partitioned table
        # costs a sample per partition and its own, a table the pages it reads.
        tables = conn.execute(
            text(
                "SELECT c.oid::regclass::text, CASE WHEN c.relkind = 'p' THEN "
                "(SELECT count(*) + 1 FROM pg_inherits h WHERE h.inhparent = c.oid) ELSE 1 END, "
                "coalesce((SELECT sum(pg_relation_size(p.relid)) FROM "
                "pg_partition_tree(c.oid) p), pg_relation_size(c.oid)) "
                "FROM pg_class c WHERE c.relkind IN ('r', 'm', 'p') AND NOT c.relispartition "
                "AND c.relpersistence <> 't' AND pg_has_role(c.relowner, 'USAGE') "
                "AND c.relnamespace <> 'pg_toast'::regnamespace"
            )
        ).all()
    todo = [t for t, _, _ in sorted(tables, key=lambda t: t[2] if vacuum else t[1:], reverse=True)]
    conns = [
        system.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        for _ in range(workers)
    ]
    try:
        _in_turn(conns, todo, lambda conn, table: conn.execute(text(f"{command} {table}")))
    finally:
        for conn in conns:
            conn.close()


Item = TypeVar("Item")


def _in_turn(conns: Sequence[Any], todo: list[Item], do: Callable[[Any, Item], object]) -> None:
    """``todo``'s items in their order, each connection taking the next one left when it is
    free, so that all of them stay busy to the end (the biggest first keeps the last short)."""
    items = iter(todo)
    lock = Lock()

    def drain(conn: Any) -> None:
        while True:
            with lock:
                item = next(items, None)
            if item is None:
                return
            do(conn, item)

    with ThreadPoolExecutor(len(conns)) as threads:
        list(threads.map(drain, conns))


# --- the rows, in worker processes -------------------------------------------------------


def _run(
    system: System, plan: load.Plan, workers: int, console: Console, *, here: bool = False
) -> list[load.Done]:
    """Every slice and every clinic's visits: in ``workers`` processes on PostgreSQL (or, where
    ``here``, in this process through the workers' own code), here on SQLite (one writer at a
    time)."""
    started = time.perf_counter()
    if system.engine.dialect.name != "postgresql":
        return [_load_here(system, plan, console, started)]
    system.engine.dispose()
    job = (system.settings, system.services.clock, system.services.post, plan)
    if here:
        # A worker's start is an interpreter importing the project (~1-2 s of CPU, and a
        # forkserver's), more than a few residents' rows cost.
        results = [_work(job, 0, 1)]
    else:
        # forkserver, not fork: the parent holds database connections a child must not share.
        # (So a script calling ``enrol`` needs an ``if __name__ == "__main__":`` guard.)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_work, job, w, workers) for w in range(workers)]
            results = [f.result() for f in futures]
    rows = {k: sum(d.rows.get(k, 0) for d in results) for k in ("residents", "visits")}
    cpu = {k: sum(d.cpu.get(k, 0.0) for d in results) for k in _CPU}
    elapsed = time.perf_counter() - started
    per = max(1, rows["residents"])
    console.print(
        f"  rows: {rows['residents']:,} residents ({rows['residents'] / elapsed:,.0f}/s "
        f"with their visits), {rows['visits']:,} visits in {elapsed:.1f} s; CPU per "
        "resident: "
        + ", ".join(f"{k} {cpu[k] / per * 1e6:,.0f} µs" for k in _CPU)
        + f" (load average {os.getloadavg()[0]:.1f})"
    )
    return results


_CPU = ("residents", "visits", "signing", "server")


def _load_here(system: System, plan: load.Plan, console: Console, started: float) -> load.Done:
    done = load.Done()
    svc = system.services
    key = svc.keys.audit_key
    for number in range(plan.slices):
        with system.uow() as uow:
            load.write_residents(
                plan, svc, svc.ca, load.Sink(session=uow.session), number, done, key
            )
            uow.commit()
        _report(console, min(plan.count, (number + 1) * plan.slice_size), plan.count, started)
    with system.uow() as uow:
        for number in range(len(plan.clinics)):
            load.write_visits(plan, load.Sink(session=uow.session), number, done, key)
        uow.commit()
    return done


def _work(job: tuple[Settings, Any, Any, load.Plan], worker: int, workers: int) -> load.Done:
    """A worker process: its slices (desk ``worker``), then its clinics' visits."""
    import psycopg

    settings, clock, post, plan = job
    system = build_system(settings, clock=clock, post=post, run_migrations=False)
    svc = system.services
    ca, key = svc.ca, svc.keys.audit_key
    system.close()
    url = make_url(settings.resolved_database_url()).set(drivername="postgresql")
    done = load.Done()
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
        conn.execute("SET synchronous_commit = off")  # a lost tail is a failed load anyway
        backend = _cpu_of(conn.info.backend_pid)
        mine = time.process_time()
        for number in load.resident_slices(plan, worker, workers):
            load.write_residents(plan, svc, ca, load.Sink(pg=conn), number, done, key)
            conn.commit()
        done.add_cpu("residents", time.process_time() - mine - done.cpu.get("signing", 0.0))
        mine = time.process_time()
        committed = 0
        for number in range(worker, len(plan.clinics), workers):
            load.write_visits(plan, load.Sink(pg=conn), number, done, key)
            if done.rows.get("visits", 0) - committed >= plan.slice_size:
                conn.commit()
                committed = done.rows["visits"]
        conn.commit()
        done.add_cpu("visits", time.process_time() - mine)
        done.add_cpu("server", _cpu_of(conn.info.backend_pid) - backend)
    return done


def _cpu_of(pid: int) -> float:
    """CPU seconds of process ``pid`` (user + system), where /proc shows it (the server on
    this machine); 0 elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _report(console: Console, done: int, count: int, started: float) -> None:
    elapsed = time.perf_counter() - started
    console.print(f"  {done:,} of {count:,} residents: {done / elapsed:,.0f}/s")


# --- secondary indexes and foreign keys, dropped and made again (PostgreSQL) ---------------


@dataclass(frozen=True)
class _Step:
    """One statement of the restore. ``reads``: the tables it reads (their sizes order the
    queue: the biggest first); ``label``: the schema object it makes (a partition's statement
    carries its parent's, so that the summary adds them up)."""

    sql: str
    reads: tuple[str, ...] = ()
    label: str = ""
    no_hash: bool = False
    """A key's check against a big referenced table, vacuumed: planned without a hash join
    (``_restore`` says why)."""


@dataclass
class _Dropped:
    """What was dropped before the load, as the statements that make it again, in the order
    they run (docs/benchmarks.md, "Ten million residents"):

    - ``first``, instant: the partitioned tables' own indexes and unique constraints
      (``ON ONLY``: not valid until every partition's is attached) and every foreign key of a
      plain table or of a partition, ``NOT VALID`` (no check yet);
    - ``builds``: every index of a plain table and of each partition, on all connections;
    - ``attach``, instant: the unique constraints taking over their built indexes (``USING
      INDEX``), the partitions' indexes attached to their parents' (which become valid);
    - ``validate``: each foreign key of a plain table or of one partition checked over
      every row, on all connections;
    - ``last``, instant: the partitioned tables' foreign keys, which take over their
      partitions' validated keys rather than checking the rows again.
    """

    first: list[_Step] = field(default_factory=list)
    builds: list[_Step] = field(default_factory=list)
    attach: list[_Step] = field(default_factory=list)
    validate: list[_Step] = field(default_factory=list)
    last: list[_Step] = field(default_factory=list)
    referenced: set[str] = field(default_factory=set)
    """The loaded tables the foreign keys reference (``persons``, ``insurance_enrolments``):
    vacuumed before the checks."""

    def __len__(self) -> int:
        return sum(map(len, (self.first, self.builds, self.attach, self.validate, self.last)))


RESTORE_SETTINGS = {"maintenance_work_mem": "512MB"}
"""The restore's connections' settings: ``maintenance_work_mem`` is what an index build
sorts in and what a foreign key's check hashes in (PostgreSQL runs that check with
``work_mem`` set to it)."""


def _drop_secondary(system: System) -> _Dropped:
    """The loaded tables' indexes other than their primary keys, their unique constraints
    and their foreign keys, recorded as they are in the migrated schema (the partitions' by
    their own names) and dropped (a parent's drop takes its partitions' with it)."""
    tables = [cast(Table, m.__table__).name for m in _LOADED]
    dropped = _Dropped()
    with system.engine.begin() as conn:
        # The loaded tables and their partitions (migration 0016 makes one level of them).
        rels = (
            "SELECT t.oid FROM pg_class t WHERE t.relname = ANY(:tables) "
            "AND t.relnamespace = 'public'::regnamespace UNION "
            "SELECT h.inhrelid FROM pg_inherits h JOIN pg_class t ON t.oid = h.inhparent "
            "WHERE t.relname = ANY(:tables) AND t.relnamespace = 'public'::regnamespace"
        )
        constraints = conn.execute(
            text(
                "SELECT c.oid, c.conparentid, c.conrelid::regclass::text, t.relkind, "
                "c.conname, c.contype, pg_get_constraintdef(c.oid), "
                "coalesce(pg_get_indexdef(c.conindid), ''), c.conindid::regclass::text, "
                "c.confrelid::regclass::text "
                f"FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                f"WHERE c.conrelid IN ({rels}) AND c.contype IN ('u', 'f') ORDER BY c.oid"
            ),
            {"tables": tables},
        ).all()
        parents = {row[0]: row for row in constraints}
        for (
            _oid,
            parent,
            table,
            kind,
            name,
            contype,
            definition,
            indexdef,
            index,
            to,
        ) in constraints:
            label = parents[parent][4] if parent else name
            if contype == "f" and kind == "p":  # its partitions' keys, validated, taken over
                dropped.last.append(
                    _Step(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}', label=label)
                )
            elif contype == "f":
                big = to.split(".")[-1] in tables
                if big:
                    dropped.referenced.add(to)
                dropped.first.append(
                    _Step(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
                )
                dropped.validate.append(
                    _Step(
                        f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"',
                        (table, to),
                        label,
                        no_hash=big,
                    )
                )
            elif kind == "p":  # a partitioned table's own unique index, made valid by attaching
                dropped.first.append(
                    _Step(f'ALTER TABLE ONLY {table} ADD CONSTRAINT "{name}" {definition}')
                )
            else:  # built like any index, then made the constraint
                dropped.builds.append(_Step(indexdef, (table,), label))
                dropped.attach.append(
                    _Step(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" UNIQUE USING INDEX {index}')
                )
                if parent:
                    dropped.attach.append(
                        _Step(f"ALTER INDEX {parents[parent][8]} ATTACH PARTITION {index}")
                    )
        indexes = conn.execute(
            text(
                "SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text, "
                "pg_get_indexdef(i.indexrelid), t.relkind, h.inhparent::regclass::text "
                "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
                "LEFT JOIN pg_inherits h ON h.inhrelid = i.indexrelid "
                f"WHERE i.indrelid IN ({rels}) AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
                "ORDER BY i.indexrelid"
            ),
            {"tables": tables},
        ).all()
        for index, table, definition, kind, parent_index in indexes:
            if kind == "p":  # "ON ONLY": valid once every partition's index is attached
                dropped.first.append(_Step(definition))
                continue
            dropped.builds.append(_Step(definition, (table,), parent_index or index))
            if parent_index:
                dropped.attach.append(_Step(f"ALTER INDEX {parent_index} ATTACH PARTITION {index}"))
        # The top level only: a parent's constraint or index takes its partitions' with it.
        for _oid, parent, table, _kind, name, _contype, *_ in sorted(
            constraints, key=lambda c: c[5] != "f"
        ):
            if not parent:
                conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        for index, _table, _definition, _kind, parent_index in indexes:
            if not parent_index:
                conn.execute(text(f"DROP INDEX {index}"))
    return dropped


def _restore(system: System, dropped: _Dropped, workers: int, console: Console) -> None:
    """Every index, unique constraint and foreign key made again: the builds and the keys'
    checks on ``workers`` connections at once, each taking the biggest statement left; the
    instant statements around them on one. One line per schema object with its seconds."""
    conns = [
        system.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        for _ in range(workers)
    ]
    seconds: dict[str, float] = {}
    counts: dict[str, int] = {}
    lock = Lock()

    def run(conn: Any, step: _Step) -> None:
        mark = time.perf_counter()
        if step.no_hash:
            conn.execute(text("SET enable_hashjoin = off"))
        conn.execute(text(step.sql))
        if step.no_hash:
            conn.execute(text("RESET enable_hashjoin"))
        with lock:
            label = step.label or "instant statements"
            seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - mark
            counts[label] = counts.get(label, 0) + 1

    def queue(steps: list[_Step]) -> None:
        todo = sorted(steps, key=lambda s: sum(sizes.get(t, 0) for t in s.reads), reverse=True)
        _in_turn(conns, todo, run)

    try:
        for conn in conns:
            for name, value in RESTORE_SETTINGS.items():
                conn.execute(text(f"SET {name} = '{value}'"))
        tables = sorted(
            {t for s in dropped.builds + dropped.validate for t in s.reads} | dropped.referenced
        )
        sizes: dict[str, int] = dict(
            conns[0]
            .execute(
                text(
                    "SELECT t, pg_relation_size(CAST(t AS regclass)) "
                    "FROM unnest(CAST(:t AS text[])) t"
                ),
                {"t": tables},
            )
            .all()
        )
        # A key's check is one anti-join of the table (a partition: one sixteenth of it) with
        # the referenced table. As a hash join it hashes the whole referenced table (ten
        # million persons) for each partition; vacuumed (all-visible), the referenced table's
        # primary key answers by index-only scans instead: a merge join or a look-up per row,
        # each partition's check then costs its own rows, not the referenced table's.
        vacuums = [_Step(f"VACUUM {t}", (t,), f"VACUUM {t}") for t in sorted(dropped.referenced)]
        phases: list[tuple[str, float]] = []
        for name, steps, parallel in (
            ("before", dropped.first, False),
            ("indexes", dropped.builds, True),
            ("attached", dropped.attach, False),
            ("referenced tables vacuumed", vacuums, True),
            ("keys validated", dropped.validate, True),
            ("keys taken over", dropped.last, False),
        ):
            mark = time.perf_counter()
            if parallel:
                queue(steps)
            else:
                for step in steps:
                    run(conns[0], step)
            phases.append((name, time.perf_counter() - mark))
    finally:
        for conn in conns:
            conn.close()
    console.print(
        f"  indexes and keys ({len(dropped)} statements, {workers} connections, load average "
        f"{os.getloadavg()[0]:.1f}): " + ", ".join(f"{n} {s:.1f} s" for n, s in phases)
    )
    for label, total in sorted(seconds.items(), key=lambda item: item[1], reverse=True):
        console.print(f"    {total:7.1f} s  {label} ({counts[label]} statements)")


def _spki(key: rsa.RSAPublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
