"""Bytes per resident and WAL per check on a loaded PostgreSQL database (docs/scale.md).

    PYTHONPATH=src python scripts/measure_scale.py --residents 100000 --out sizes.json

A fresh database on the server of ``--database-url``; N residents enrolled as ``mynumber bench
eligibility`` enrols them (``bench.enrol``: registration, card, authentication certificate,
NHI enrolment); ``VACUUM ANALYZE``; ``pg_table_size`` / ``pg_indexes_size`` per table. Then
``--groups`` groups of ``--group-size`` PIN checks of random sampled cards through the check
desk's service calls (``check_cards`` + the next nonces, one transaction per group), twice:
the WAL written (``pg_current_wal_lsn()`` before and after) right after a ``CHECKPOINT``
(every page's first change writes a full-page image) and again with the pages already
logged. The sizes after the checks give the bytes of a visit, an audit entry and a nonce.
The database is dropped at the end. A measurement, not a test: nothing is asserted.

The WAL position is the server's, not the database's: run it against a server nobody else
writes to (on a shared server the other sessions' WAL is counted too).
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import tempfile
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy import Connection, text

from mynumber.bench.enrol import Cards, drop_database, enrol, fresh_database
from mynumber.bootstrap import System, build_system
from mynumber.config import Settings
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller
from mynumber.services.insurance import checks as card_checks
from mynumber.services.insurance.checks import CardCheck
from mynumber.services.jpki import card_auth

SIZES = """
SELECT c.relname, pg_table_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
ORDER BY 4 DESC
"""


def sizes(system: System) -> dict[str, Any]:
    """Rows, heap (with TOAST) and index bytes of every table, after ``VACUUM ANALYZE``."""
    with system.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
        tables = [
            dict(
                table=name,
                rows=conn.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one(),
                heap=heap,
                indexes=indexes,
                total=total,
            )
            for name, heap, indexes, total in conn.execute(text(SIZES))
        ]
        database = conn.execute(text("SELECT pg_database_size(current_database())")).scalar()
    return dict(tables=tables, database=database)


def lsn(conn: Connection) -> str:
    return str(conn.execute(text("SELECT pg_current_wal_lsn()")).scalar_one())


def wal_of_checks(
    system: System, caller: Caller, cards: Cards, picks: list[int], group: int, *, cold: bool
) -> tuple[float, float]:
    """(WAL bytes, seconds) of PIN checks of the cards ``picks``, ``group`` per transaction."""
    svc = system.services
    with system.uow() as uow:
        issued = card_auth.issue_challenges(uow.session, svc, [caller] * len(picks))
        nonces = [challenge.nonce for challenge in issued]
        uow.commit()
    checks = [
        CardCheck(
            caller=caller,
            certificate_der=cards.certificates[i],
            nonce=nonce,
            signature=cards.sign(i, nonce),
        )
        for i, nonce in zip(picks, nonces, strict=True)
    ]
    admin = system.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    with admin as conn:
        if cold:
            conn.execute(text("CHECKPOINT"))
        before = lsn(conn)
    started = time.perf_counter()
    for first in range(0, len(checks), group):
        together = checks[first : first + group]
        with system.uow() as uow:
            outcomes = card_checks.check_cards(uow.session, svc, together)
            card_auth.issue_challenges(uow.session, svc, [caller] * len(together))
            uow.commit()
        refused = [o for o in outcomes if not getattr(o, "eligible", False)]
        if refused:
            raise RuntimeError(f"checks refused: {refused[:3]}")
    elapsed = time.perf_counter() - started
    with system.engine.connect() as conn:
        wal = conn.execute(
            text("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), CAST(:b AS pg_lsn))"), {"b": before}
        ).scalar_one()
    return float(wal), elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--group-size", type=int, default=16)
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url, name = fresh_database(args.database_url, folder)
    assert name is not None, "a PostgreSQL URL is needed"
    out: dict[str, Any] = dict(residents=args.residents)
    try:
        settings = Settings(
            database_url=url, data_dir=folder / "var", master_key=secrets.token_hex(32)
        )
        system = build_system(settings)
        started = time.perf_counter()
        # No year of visits here: the register's bytes first, a check's growth measured below.
        cards, token = enrol(system, args.residents, Console(), visits_per_resident=0.0)
        out["enrol_seconds"] = time.perf_counter() - started
        out["after_enrol"] = sizes(system)
        with system.reading() as uow:
            caller = tokens.authenticate(uow.session, system.services, token)
        count = args.groups * args.group_size
        rng = random.Random(1)
        picks = [rng.randrange(len(cards.certificates)) for _ in range(count)]
        for label, cold in (("after_checkpoint", True), ("warm", False)):
            wal, seconds = wal_of_checks(system, caller, cards, picks, args.group_size, cold=cold)
            out[f"wal_per_check_{label}"] = wal / count
            out[f"checks_per_second_{label}"] = count / seconds
        out["checks"] = 2 * count
        out["after_checks"] = sizes(system)
        system.engine.dispose()
    finally:
        drop_database(args.database_url, name)
    args.out.write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
