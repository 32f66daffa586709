"""A loaded benchmark database: what an enrolment leaves for ``mynumber bench eligibility``.

Loading millions of residents takes minutes to hours, so a loaded PostgreSQL database is kept
and measured again (``bench eligibility --database-url <that database>``). Three things make
it usable by a later process:

- **the database**, which also holds the load generator's sample in two side tables of the
  benchmark's own (not the service's schema, no migration: only a benchmark database has
  them): ``bench_load`` (how many residents were enrolled), ``bench_card_keys`` (the pool's
  private keys, PKCS#8 DER: fake cards' keys, what each card's chip would hold) and
  ``bench_kept_cards`` (each sampled card's certificate and which pool key it was issued
  for, in enrolment order, so spread over the whole table as the sample was);
- **the data folder** (``data_dir_for``): the card centre's CA, which issued the
  certificates and which the service checks them against, and the audit checkpoints;
- **the master key** the CA's key and the audit keys are derived from, in
  ``<data folder>/master.key`` (mode 0600, read through ``Settings.master_key_file``).

The clinics' API tokens are not kept: a run issues its own, one per terminal (only their hashes
are stored).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    create_engine,
    inspect,
    select,
)
from sqlalchemy.engine import make_url

from mynumber.adapters.db.models_insurance import Clinic
from mynumber.bench.enrol import BENCH_CLINIC, Cards
from mynumber.bootstrap import System
from mynumber.config import ConfigurationError, Settings
from mynumber.domain.access import Role
from mynumber.services.core import tokens

_tables = MetaData()
LOAD = Table("bench_load", _tables, Column("residents", Integer, nullable=False))
CARD_KEYS = Table(
    "bench_card_keys",
    _tables,
    Column("key_index", Integer, primary_key=True),
    Column("pkcs8", LargeBinary, nullable=False),
)
KEPT_CARDS = Table(
    "bench_kept_cards",
    _tables,
    Column("position", Integer, primary_key=True),
    Column("key_index", Integer, nullable=False),
    Column("certificate", LargeBinary, nullable=False),
)
MASTER_KEY = "master.key"


class NotLoaded(ConfigurationError):
    """The database holds no benchmark load, or not the one asked for."""


def data_dir_for(url: str, root: Path = Path("var/bench")) -> Path:
    """The data folder that goes with the database of ``url`` (one per database name)."""
    return root / (make_url(url).database or "bench")


def settings_for(url: str, data_dir: Path) -> Settings:
    """Settings for an enrolment that will be kept: its master key made once, in the data
    folder (a later run reads the same key there)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / MASTER_KEY
    if not key_file.exists():
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32))
    return Settings(database_url=url, data_dir=data_dir, master_key_file=key_file)


def keep(system: System, cards: Cards, residents: int) -> None:
    """Store the sample of ``cards`` (and the residents' count) beside the load."""
    _tables.drop_all(system.engine)
    _tables.create_all(system.engine)
    with system.engine.begin() as conn:
        conn.execute(LOAD.insert(), [{"residents": residents}])
        conn.execute(
            CARD_KEYS.insert(),
            [{"key_index": i, "pkcs8": _pkcs8(key)} for i, key in enumerate(cards.keys)],
        )
        conn.execute(
            KEPT_CARDS.insert(),
            [
                {"position": i, "key_index": cards.keys.index(cards.key(i)), "certificate": der}
                for i, der in enumerate(cards.certificates)
            ],
        )


@dataclass(frozen=True)
class Load:
    """A loaded database as a run finds it."""

    settings: Settings
    residents: int
    cards: Cards


def holds_a_load(url: str) -> bool:
    """Whether the database of ``url`` holds a benchmark load (its side tables)."""
    engine = create_engine(url)
    try:
        return inspect(engine).has_table(LOAD.name)
    finally:
        engine.dispose()


def find(url: str, data_dir: Path) -> Load:
    """The load in the database of ``url``, with its data folder; ``NotLoaded`` if either
    is missing."""
    key_file = data_dir / MASTER_KEY
    if not key_file.exists():
        raise NotLoaded(
            f"the database holds a benchmark load but {key_file} is missing "
            "(the data folder of the enrolment: its CA and master key)"
        )
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            residents = conn.execute(select(LOAD.c.residents)).scalar_one()
            keys = [
                _private_key(der)
                for der in conn.execute(select(CARD_KEYS.c.pkcs8).order_by(CARD_KEYS.c.key_index))
                .scalars()
                .all()
            ]
            kept = conn.execute(
                select(KEPT_CARDS.c.certificate, KEPT_CARDS.c.key_index).order_by(
                    KEPT_CARDS.c.position
                )
            ).all()
    finally:
        engine.dispose()
    cards = Cards(
        certificates=[row.certificate for row in kept],
        keys=keys,
        key_indices=[row.key_index for row in kept],
    )
    settings = Settings(database_url=url, data_dir=data_dir, master_key_file=key_file)
    return Load(settings, residents, cards)


def clinic_tokens(system: System, count: int) -> list[str]:
    """Fresh API tokens for ``count`` terminals, each at a clinic of its own: the bench
    clinic's and the load's other clinics' in the order they were made (a clinic has several
    terminals where the load has fewer clinics). Only the tokens' hashes are stored."""
    with system.uow() as uow:
        clinics = uow.session.scalars(
            select(Clinic).order_by(Clinic.code != BENCH_CLINIC, Clinic.id).limit(count)
        ).all()
        issued = [
            tokens.issue_token(
                uow.session,
                system.services,
                organisation=clinic.name,
                role=Role.CLINIC,
                scope_id=clinic.id,
            )
            for clinic in clinics
        ]
        uow.commit()
    return [issued[k % len(issued)] for k in range(count)]


def _pkcs8(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _private_key(der: bytes) -> rsa.RSAPrivateKey:
    # The load's own keys, written by ``keep`` from keys this process family made: checking
    # each one's RSA parameters again (cryptography's default) cost ~2-3 ms a key.
    key = serialization.load_der_private_key(
        der, password=None, unsafe_skip_rsa_key_validation=True
    )
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("the card keys are RSA")
    return key
