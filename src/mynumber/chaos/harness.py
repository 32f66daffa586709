"""The rounds: serve, send traffic, kill at a random moment, restart, check.

1. A temporary folder with its own master key and data directory; the database is a SQLite
   file there, or a new PostgreSQL database on the server of ``--database-url`` (dropped at
   the end). The demo world is seeded (its tokens are the traffic's), and a few residents'
   cards are made to wait at the counter (``world.cards_waiting``).
2. ``mynumber serve`` (dev mode) runs as a subprocess on a free loopback port, its output in
   ``service.log`` in the folder.
3. Each round: traffic on a few threads; after a random 1–5 s, one fault — ``SIGKILL``,
   ``SIGTERM`` (uvicorn's graceful stop), or on PostgreSQL every connection the service holds
   terminated (``pg_terminate_backend``) while the traffic goes on; the traffic stops, the
   service is started again (after a kill) and, once it answers, every invariant is checked
   (``invariants.check_all``) against the round's ledger. More cards are made to wait, and
   the next round starts, until ``seconds`` have passed or ``max_rounds`` were run.
4. The service is stopped (``SIGTERM``) and everything checked once more.

A violation is printed once, when first seen (the same card stays wrong in later rounds).
"""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx2
from rich.console import Console
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from mynumber.bootstrap import System, build_system
from mynumber.chaos import FAULT_AFTER
from mynumber.chaos.invariants import Violation, check_all
from mynumber.chaos.ledger import Ledger, Outcome
from mynumber.chaos.traffic import Tokens, Traffic, World, http_client
from mynumber.chaos.world import Names, cards_waiting
from mynumber.config import Settings
from mynumber.demo.world import seed_world

SIGKILL, SIGTERM, DROP = "SIGKILL", "SIGTERM", "dropped connections"
READY_WITHIN = 180.0
"""Seconds a start may take (migrations, the demo world; the machine may be busy)."""
STOP_WITHIN = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Service:
    """``mynumber serve`` in a subprocess, started and stopped at will."""

    def __init__(self, folder: Path, settings: Settings) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / "service.log"
        # Only this run's settings: none of the caller's MYNUMBER_* leaks in.
        env = {k: v for k, v in os.environ.items() if not k.startswith("MYNUMBER_")}
        env.update(
            MYNUMBER_MODE="dev",
            MYNUMBER_DATA_DIR=str(settings.data_dir),
            MYNUMBER_MASTER_KEY=settings.master_key,
            MYNUMBER_DATABASE_URL=settings.database_url,
            MYNUMBER_PUBLIC_BASE_URL=self.base,
        )
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> float:
        """Start and wait until it answers; the seconds it took."""
        began = time.monotonic()
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mynumber.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=self.env,
            cwd=self.folder,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        with http_client(timeout=2) as probe:  # one client for every probe of this start
            while time.monotonic() - began < READY_WITHIN:
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"the service ended at start (exit {self.process.returncode}"
                        f"); see {self.log_path}"
                    )
                with contextlib.suppress(httpx2.HTTPError):
                    if probe.get(f"{self.base}/health").is_success:
                        return time.monotonic() - began
                time.sleep(0.2)
        raise RuntimeError(
            f"the service did not answer within {READY_WITHIN:.0f} s; see {self.log_path}"
        )

    def signal(self, how: signal.Signals) -> None:
        """Send ``how`` and wait for the process to end (SIGKILL after ``STOP_WITHIN``)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(how)
        try:
            self.process.wait(STOP_WITHIN)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None


@dataclass
class Database:
    """Where the run's data lives: a SQLite file in the folder, or a new PostgreSQL database
    on a server (``server_url`` names it; ``name`` is dropped at the end)."""

    url: str
    server_url: str | None = None
    name: str | None = None

    @classmethod
    def fresh(cls, server_url: str | None) -> Database:
        if not server_url or server_url.startswith("sqlite"):
            return cls(url="")  # the service's own file under its data directory
        name = f"mynumber_chaos_{uuid.uuid4().hex[:8]}"
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        return cls(url=url, server_url=server_url, name=name)

    @property
    def backend(self) -> str:
        return "postgresql" if self.name else "sqlite"

    def drop_connections(self) -> int:
        """Terminate every connection to the run's database but this one; how many."""
        assert self.server_url is not None
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            count = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": self.name},
            ).scalar()
        admin.dispose()
        return int(count or 0)

    def drop(self) -> None:
        if self.server_url is None:
            return
        admin = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": self.name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}"'))
        admin.dispose()


@dataclass
class Totals:
    rounds: int = 0
    requests: int = 0
    kills: int = 0
    violations: list[Violation] = field(default_factory=list)
    answers: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    server_errors: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)
    """Refused answers by request kind and status (``collection 409``: the twin that lost)."""

    @property
    def line(self) -> str:
        return (
            f"rounds {self.rounds}, requests {self.requests}, kills {self.kills}, "
            f"violations: {len(self.violations)}"
        )


def run(
    console: Console,
    *,
    seconds: float,
    database_url: str | None = None,
    max_rounds: int = 1000,
    threads: int = 4,
    cards_per_round: int = 4,
    seed: int | None = None,
    keep: bool = False,
    fault_after: tuple[float, float] = FAULT_AFTER,
) -> Totals:
    """The whole run; its totals (the caller prints ``Totals.line`` and sets the exit code).
    Each round's fault comes after a random number of seconds of traffic within
    ``fault_after``."""
    rng = random.Random(seed)
    random.seed(rng.random())  # the traffic's choices follow the seed too
    folder = Path(tempfile.mkdtemp(prefix="mynumber-chaos-"))
    database = Database.fresh(database_url)
    settings = Settings(
        mode="dev",
        database_url=database.url,
        data_dir=folder / "var",
        master_key=secrets.token_hex(32),
    )
    totals = Totals()
    system: System | None = None
    service = Service(folder, settings)
    try:
        system = build_system(settings)
        demo = {t.organisation: t.token for t in seed_world(system).tokens}
        tokens = Tokens(ward_office=demo["Chiyoda City ward office"], clinic=demo["Kanda Clinic"])
        names, world = Names(rng.randrange(26**3)), World()
        world.waiting += cards_waiting(system, names, cards_per_round)
        faults = [SIGKILL, SIGTERM] + ([DROP] if database.name else [])
        console.print(
            f"chaos on {database.backend}: {folder} (service at {service.base}); "
            f"started in {service.start():.1f} s",
            highlight=False,
            soft_wrap=True,
        )
        began = time.monotonic()
        seen: set[Violation] = set()
        while totals.rounds < max_rounds:
            fault = rng.choice(faults)
            traffic = Traffic(service.base, tokens, world, Ledger(), names, system, threads=threads)
            ledger = _round(
                service, database, traffic, fault, rng.uniform(*fault_after), rng, console
            )
            totals.rounds += 1
            totals.kills += 1
            totals.faults[fault] = totals.faults.get(fault, 0) + 1
            _count(totals, ledger)
            _report(check_all(system, ledger), seen, totals, console)
            if time.monotonic() - began >= seconds:
                break
            world.waiting += cards_waiting(system, names, cards_per_round)
        service.signal(signal.SIGTERM)
        _report(check_all(system), seen, totals, console)  # after a clean stop, too
    finally:
        service.signal(signal.SIGKILL)
        if system is not None:
            system.close()
        database.drop()
        if keep or totals.violations:
            console.print(
                f"kept {folder} (service.log, the database)", highlight=False, soft_wrap=True
            )
        else:
            shutil.rmtree(folder, ignore_errors=True)
    answers = totals.answers
    console.print(
        f"faults: {', '.join(f'{k} {v}' for k, v in sorted(totals.faults.items()))}; "
        f"answers: {answers[Outcome.OK]} ok, {answers[Outcome.REFUSED]} refused "
        f"({totals.server_errors} of them 5xx), {answers[Outcome.CUT]} cut off",
        highlight=False,
        soft_wrap=True,
    )
    if totals.refusals:
        console.print(
            "refused: " + ", ".join(f"{k} x{v}" for k, v in sorted(totals.refusals.items())),
            highlight=False,
            soft_wrap=True,
        )
    return totals


def _round(
    service: Service,
    database: Database,
    traffic: Traffic,
    fault: str,
    moment: float,
    rng: random.Random,
    console: Console,
) -> Ledger:
    """One round: traffic, the fault after ``moment`` seconds of it, the service back up;
    its ledger."""
    ledger = traffic.ledger
    traffic.start()
    time.sleep(moment)
    restart = ""
    if fault == DROP:
        dropped = database.drop_connections()
        time.sleep(rng.uniform(0.3, 1.5))  # the traffic meets the dropped connections
        traffic.join()
        fault = f"{DROP} ({dropped})"
    else:
        service.signal(signal.SIGKILL if fault == SIGKILL else signal.SIGTERM)
        traffic.join()
        restart = f"; back in {service.start():.1f} s"
    counts = ledger.counts()
    console.print(
        f"{fault} after {moment:.1f} s: {len(ledger)} requests "
        f"({counts[Outcome.OK]} ok, {counts[Outcome.REFUSED]} refused, "
        f"{counts[Outcome.CUT]} cut off){restart}",
        highlight=False,
        soft_wrap=True,
    )
    return ledger


def _count(totals: Totals, ledger: Ledger) -> None:
    totals.requests += len(ledger)
    for outcome, n in ledger.counts().items():
        totals.answers[outcome] += n
    totals.server_errors += ledger.server_errors()
    for sent in ledger.sent:
        if sent.outcome is Outcome.REFUSED:
            key = f"{sent.kind} {sent.status}"
            totals.refusals[key] = totals.refusals.get(key, 0) + 1


def _report(found: list[Violation], seen: set[Violation], totals: Totals, console: Console) -> None:
    for violation in found:
        if violation not in seen:
            seen.add(violation)
            totals.violations.append(violation)
            console.print(violation.line, highlight=False, soft_wrap=True)
