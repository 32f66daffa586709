"""`mynumber bench eligibility`: clinic eligibility checks (オンライン資格確認) over HTTP.

1. **Enrol**: a fresh database (SQLite in a temporary folder, or a new PostgreSQL database on
   the server of ``--database-url``); N residents registered through
   ``bulk_registration.register_many``, each with an active card registered for insurance use,
   its own serial and its own user-authentication certificate issued by the card centre's CA,
   and a National Health Insurance enrolment. The cards' key pairs come from a ``KeyPool`` (an
   RSA-2048 pair costs ~40 ms): only the certificate, the serial and the key's owner differ.
   A ``--database-url`` naming a database that already holds a load (``bench.loaded``: its
   sample of cards in side tables, its CA and master key in a data folder) skips this step:
   that database is measured as it is, and kept.
2. **Serve**: the service in its own process(es) (uvicorn, uvloop + httptools): one on
   SQLite, one per core on PostgreSQL (``workers_for``), each on a port of its own, the
   terminals dealt to them in turn as a load balancer in front of them would (``Server``);
   beside it, served the same way (as many processes, the same loop and HTTP parser, the
   same dealing), a bare FastAPI application with one ``GET /hello`` (``hello``): the
   yardstick of what uvicorn and FastAPI cost per request here.
3. **Drive** from this process, over keep-alive HTTP/1.1 connections, one per terminal, each
   terminal at a clinic of its own with that clinic's API token (``TERMINALS`` clinics of the
   load; the country's peak comes from ~180,000 institutions, not from one): a clinic's checks
   go over its terminal's connection, so, as a real terminal's, they stay with one server
   process. Every kept card checked once (its rows read into memory), then the bare hello, the
   service's trivial endpoint (``GET /health``) and the eligibility checks at full speed,
   taking turns (``alternate``), then checks at a fixed rate (``--rate``, default 500
   checks/s) for the latencies, then at half the full speed (before each, every terminal at
   work: ``at_work``). One check = one patient
   verified = one ``POST /clinic/checks/pin`` with the card's signature over a nonce the
   server issued to the terminal (the answer carries the terminal's next nonce). Before the
   timed runs the terminals fetch their nonces and the cards sign them (``signed_checks``): a
   card signs on its own chip, not on the server's cores, and signing in the timed loop would
   measure the load generator instead. Latencies at a fixed rate are measured from the
   scheduled send time (no coordinated omission). ``--runs N`` drives the same servers N
   times in a row.

Each run ends with the line ``ratio R p50 X ms p99 Y ms``: R = full-speed checks/s ÷ the bare
hello's full-speed requests/s (the ratio to ``/health`` is printed above it); the latencies
are those at the fixed rate.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import csv
import gc
import itertools
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from fastapi import FastAPI
from rich.console import Console
from sqlalchemy.engine import make_url

from mynumber.bench import loaded
from mynumber.bench.enrol import Cards, drop_database, enrol, fresh_database
from mynumber.bootstrap import build_system
from mynumber.config import ConfigurationError, Settings

# --- 2. serve ------------------------------------------------------------------------------


SERVICE = "mynumber.bench.eligibility:service"
HELLO = "mynumber.bench.eligibility:hello"


Server = Sequence[int]
"""The ports of one application's processes, one port each. The terminals are dealt to them
in turn (terminal k to ``ports[k % len(ports)]``: ``port_of``), as a load balancer in front of the
processes deals connections. Not one port shared by uvicorn's workers: there the process
that wakes first accepts every connection waiting, and 32 terminals connecting at once were
split 1/31, 4/28, 10/22, 13/19 or 16/16 between two processes, so a run measured one
process's core, the other's, or both, by chance (docs/benchmarks.md)."""


def port_of(ports: Server, terminal: int) -> int:
    """The port of the process terminal number ``terminal`` is dealt to."""
    return ports[terminal % len(ports)]


def serve(port: int, factory: str = SERVICE) -> None:
    """One service process, settings from the environment; or (``factory=HELLO``) one of
    the bare hello application, served the same way."""
    import uvicorn

    uvicorn.run(
        factory,
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        loop="uvloop",
        http="httptools",
    )


def service() -> FastAPI:
    """The application one worker serves (each worker has its own engine and check desk)."""
    from mynumber.api.app import create_app

    return create_app(build_system(Settings(), run_migrations=False), closes_system=True)


def hello() -> FastAPI:
    """The yardstick: a bare FastAPI application with one endpoint, ``GET /hello``, answering
    a constant JSON object (FastAPI's own first example). No database, no middleware, no
    token: what uvicorn and FastAPI cost per request on this machine, served by the same
    number of processes with the same loop and HTTP parser as the service."""
    app = FastAPI()

    @app.get("/hello")
    async def say_hello() -> dict[str, str]:
        return {"message": "Hello World"}

    return app


def start_server(
    settings: Settings, ports: Server, factory: str = SERVICE
) -> list[subprocess.Popen[bytes]]:
    """One process of ``factory`` on each of ``ports``."""
    return [_start_process(settings, port, factory) for port in ports]


def _start_process(settings: Settings, port: int, factory: str) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        MYNUMBER_DATABASE_URL=settings.resolved_database_url(),
        MYNUMBER_DATA_DIR=str(settings.data_dir),
        MYNUMBER_MASTER_KEY=settings.master_key,
    )
    env.pop("MYNUMBER_MASTER_KEY_FILE", None)
    if settings.master_key_file is not None:  # a kept load's (bench.loaded)
        env["MYNUMBER_MASTER_KEY_FILE"] = str(settings.master_key_file)
    code = f"from mynumber.bench.eligibility import serve; serve({port}, {factory!r})"
    return subprocess.Popen([sys.executable, "-c", code], env=env)


def workers_for(url: str) -> int:
    """One process on SQLite (one writer at a time: a second process would only queue at
    the file lock), one per core on PostgreSQL (the GIL keeps one process to one core)."""
    return 1 if url.startswith("sqlite") else max(1, os.cpu_count() or 1)


# --- 3. drive ------------------------------------------------------------------------------


def http_request(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    """One HTTP/1.1 request, as bytes on the wire."""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


class Connection:
    """One keep-alive HTTP/1.1 connection (a terminal)."""

    def __init__(self, port: int) -> None:
        self.port = port

    async def open(self) -> Connection:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        return self

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return int(status_line.split()[1]), await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


async def connect(ports: Server, terminals: int) -> list[Connection]:
    """A connection for each of ``terminals`` terminals, to the process it is dealt to."""
    return [await Connection(port_of(ports, k)).open() for k in range(terminals)]


async def nonces_for(port: int, token: str, count: int) -> list[bytes]:
    """``count`` nonces the server on ``port`` issues to the terminal of ``token``, asked for
    over one connection of its own."""
    conn = await Connection(port).open()
    challenge = http_request("POST", "/clinic/challenges", token)
    nonces: list[bytes] = []
    for _ in range(count):
        status, body = await conn.send(challenge)
        if status != 201:
            raise RuntimeError(f"no challenge ({status}): {body[:300]!r}")
        nonces.append(base64.b64decode(json.loads(body)["nonce"]))
    conn.close()
    return nonces


async def signed_checks(
    ports: Server, tokens: Sequence[str], cards: Cards, chosen: Sequence[int]
) -> list[list[bytes]]:
    """A check request for each card of ``chosen`` (indices into ``cards``), dealt to the
    terminals in turn (``tokens``, one per terminal), each over its own nonce issued by the
    server to that terminal's clinic and signed by the card's key: the card's part of the
    protocol, done before the timed run (a card signs on its own chip, not on the server's
    cores). The requests of each terminal, in order."""
    terminals = len(tokens)
    dealt = [list(chosen[k::terminals]) for k in range(terminals)]

    nonces = await asyncio.gather(
        *(
            nonces_for(port_of(ports, k), token, len(cards_of))
            for k, (token, cards_of) in enumerate(zip(tokens, dealt, strict=True))
        )
    )
    return [
        [
            check_request(token, cards, index, nonce)
            for index, nonce in zip(cards_of, its_nonces, strict=True)
        ]
        for token, cards_of, its_nonces in zip(tokens, dealt, nonces, strict=True)
    ]


async def at_work(ports: Server, tokens: Sequence[str]) -> None:
    """Each terminal sends one request (a nonce it will not use) right before a timed run: at
    the peak every terminal has been sending, so the server knows its token (``api.deps``'s
    ``TokenCache``). Without it, the fixed-rate run's first checks measured 32 terminals'
    token look-ups at once, each starting from cold after a minute of other work
    (docs/benchmarks.md)."""
    await asyncio.gather(*(nonces_for(port_of(ports, k), t, 1) for k, t in enumerate(tokens)))


KEPT_PASS_CHUNK = 2000
"""The pass over every kept card signs and sends this many checks at a time, each chunk
over nonces asked for just before it. Signed all at once, the last of a large load's checks
outlived their nonces (5 minutes, ``services.jpki.card_auth.CHALLENGE_LIFETIME``) on a busy
machine before the pass reached them, and were refused (docs/benchmarks.md)."""


async def every_kept_card_once(
    ports: Server, tokens: Sequence[str], cards: Cards, chunk: int = KEPT_PASS_CHUNK
) -> int:
    """Each kept card checked once, in random order, by the terminals of ``tokens`` at full
    speed, ``chunk`` cards at a time, each chunk signed over fresh nonces just before it is
    sent; the checks answered."""
    kept = len(cards.certificates)
    order = random.sample(range(kept), kept)
    answered = 0
    for start in range(0, kept, chunk):
        requests = await signed_checks(ports, tokens, cards, order[start : start + chunk])
        tally = await full_speed(ports, [iter(r) for r in requests], len(tokens))
        answered += tally.done
    return answered


def check_request(token: str, cards: Cards, index: int, nonce: bytes) -> bytes:
    payload = json.dumps(
        {
            "nonce": base64.b64encode(nonce).decode(),
            "certificate": base64.b64encode(cards.certificates[index]).decode(),
            "signature": base64.b64encode(cards.sign(index, nonce)).decode(),
        }
    ).encode()
    return http_request("POST", "/clinic/checks/pin", token, payload)


def _expect(status: int, body: bytes, wanted: int) -> None:
    if status != wanted:
        raise RuntimeError(f"refused ({status}): {body[:300]!r}")


ROUNDS = 5
"""Turns of the trivial endpoint and of the checks in the ratio's measurement."""


@dataclass
class Tally:
    """Requests answered and the seconds they took."""

    done: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0

    def add(self, other: Tally) -> None:
        self.done += other.done
        self.seconds += other.seconds


Requests = Iterator[bytes] | Sequence[Iterator[bytes]]
"""One list the connections take from in turn, or one per connection (a terminal's own)."""


async def full_speed(
    ports: Server, requests: Requests, connections: int, seconds: float | None = None
) -> Tally:
    """``connections`` terminals in a closed loop, dealt to ``ports`` in turn, sending the
    requests (each terminal its own, where ``requests`` gives one list per terminal) until
    there are none left or (``seconds`` given) that long has passed."""
    done = 0
    stop: float | None = None
    streams = [requests] * connections if isinstance(requests, Iterator) else list(requests)

    async def loop(conn: Connection, stream: Iterator[bytes]) -> None:
        nonlocal done
        while stop is None or time.perf_counter() < stop:
            request = next(stream, None)
            if request is None:
                return
            _expect(*await conn.send(request), 200)
            done += 1

    conns = await connect(ports, len(streams))
    started = time.perf_counter()
    if seconds is not None:
        stop = started + seconds
    await asyncio.gather(*(loop(c, stream) for c, stream in zip(conns, streams, strict=True)))
    elapsed = time.perf_counter() - started
    for c in conns:
        c.close()
    return Tally(done, elapsed)


async def alternate(
    turns: Sequence[tuple[Server, Requests]],
    connections: int,
    seconds: float,
    rounds: int = ROUNDS,
) -> list[Tally]:
    """Each of ``turns`` (a server's ports and the requests to send it) at full speed, taking
    turns for ``seconds`` each in all. Taking turns, all see the machine at the same speed
    (this one's varies by up to 2x within minutes; docs/benchmarks.md)."""
    slice_ = seconds / rounds
    tallies = [Tally() for _ in turns]
    for _ in range(rounds):
        for (ports, requests), tally in zip(turns, tallies, strict=True):
            tally.add(await full_speed(ports, requests, connections, slice_))
    return tallies


@dataclass(frozen=True)
class Sent:
    """One check of a fixed-rate run on the timeline (``--timeline``)."""

    scheduled: float
    """When it was due, in seconds since the epoch (to set beside the database's log)."""
    latency: float
    """In ms, from ``scheduled``."""
    terminal: int
    port: int


async def fixed_rate(
    ports: Server,
    requests: Sequence[Sequence[bytes]],
    rate: float,
    timeline: list[Sent] | None = None,
) -> list[float]:
    """Latencies (ms) of the requests sent at ``rate`` per second, the terminals' in turn
    (``requests``: each terminal's, in order, the terminals dealt to ``ports`` in turn),
    each over its terminal's connection (one request at a time: a terminal busy with the
    last check delays the next), from its scheduled time (no coordinated omission: a late
    answer delays no later send). Each check is also added to ``timeline`` where given."""
    conns = await connect(ports, len(requests))
    busy = [asyncio.Lock() for _ in requests]
    latencies: list[float] = []
    tasks = []
    epoch = time.time() - time.perf_counter()

    async def one(terminal: int, request: bytes, scheduled: float) -> None:
        async with busy[terminal]:
            _expect(*await conns[terminal].send(request), 200)
        latency = (time.perf_counter() - scheduled) * 1000
        latencies.append(latency)
        if timeline is not None:
            port = port_of(ports, terminal)
            timeline.append(Sent(epoch + scheduled, latency, terminal, port))

    longest = max((len(r) for r in requests), default=0)
    order = [(k, r[i]) for i in range(longest) for k, r in enumerate(requests) if i < len(r)]
    start = time.perf_counter()
    for i, (terminal, request) in enumerate(order):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(terminal, request, scheduled)))
    await asyncio.gather(*tasks)
    for conn in conns:
        conn.close()
    return latencies


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The load generator's garbage collector held off while it measures: everything made
    before is moved out of its reach and no collection starts. A full collection walks every
    object this process holds (the project and its libraries are imported here); it took
    ~100 ms about ten seconds into each fixed-rate run, during which no terminal sent or read,
    so ~50 checks at 500/s were late by the pause — the 99th percentile of a run that is one
    process standing in for 64 terminals, not of the server (docs/benchmarks.md). Frozen as
    it is, not collected first: a full collection here is the very pause held off (~0.1 s in
    the command's own process, ~0.4 s in a test's), and what garbage it would free is freed
    once the collector is given back."""
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


def _free_ports(count: int) -> list[int]:
    """``count`` different ports nobody listens on now (others may run this benchmark on the
    same machine): held together while chosen, so none is chosen twice."""
    import socket

    with contextlib.ExitStack() as held:
        probes = [held.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [int(probe.getsockname()[1]) for probe in probes]


def _wait_ready(port: int, proc: subprocess.Popen[bytes], path: str) -> None:
    import urllib.request

    for _ in range(1200):  # two minutes: on a busy machine the imports alone take long
        if proc.poll() is not None:
            raise RuntimeError("the server process ended")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(frozen=True)
class Ports:
    """Where the service's processes and the bare hello application's listen."""

    service: Server
    hello: Server

    @classmethod
    def for_processes(cls, processes: int, first: int = 0) -> Ports:
        """``processes`` ports each: from ``first`` on (the service's, then the hello
        application's), or free ones."""
        ports = list(range(first, first + 2 * processes)) if first else _free_ports(2 * processes)
        return cls(tuple(ports[:processes]), tuple(ports[processes:]))


@dataclass(frozen=True)
class Figures:
    """What one drive of a running server measured."""

    hello: Tally
    """The bare FastAPI application's ``GET /hello``."""
    health: Tally
    """The service's own trivial endpoint, ``GET /health``."""
    checks: Tally
    latencies: list[float]
    """At the fixed rate, in ms."""
    half: float
    easy: list[float]
    """At half the full speed, in ms."""
    timeline: list[Sent]
    """The checks at the fixed rate, each with when it was due."""


WARM_UP = 2000
"""Checks sent before anything is measured, so every code path has run (``--warm-up``)."""
PROBE_SECONDS = 2.0
"""The trivial endpoint's full-speed probe that sizes the alternating run (at most the
run's own length)."""


TERMINALS = 64
"""Terminals at the fixed rates, each at a clinic of its own (the full-speed runs drive the
first ``connections`` of them)."""


def terminals_for(connections: int) -> int:
    """How many clinics' terminals a run needs: the fixed rates' and the full speed's."""
    return max(TERMINALS, connections)


def drive(
    ports: Ports,
    tokens: Sequence[str],
    cards: Cards,
    *,
    seconds: float,
    rate: float,
    connections: int,
    warm_up: int = WARM_UP,
) -> Figures:
    """Step 3 against the service and the hello application on ``ports``; ``tokens``: one
    per terminal (``terminals_for(connections)``), each a clinic's."""
    service = ports.service
    closed_loop = tokens[:connections]

    def checks_of(count: float, terminals: Sequence[str]) -> list[list[bytes]]:
        """Signed checks of ``count`` random cards (one at least: a run measured on a
        saturated machine can come out below one check for the half speed's), dealt to
        ``terminals``."""
        kept = len(cards.certificates)
        chosen = [random.randrange(kept) for _ in range(max(1, int(count)))]
        return asyncio.run(signed_checks(service, terminals, cards, chosen))

    def each(requests: list[list[bytes]]) -> list[Iterator[bytes]]:
        return [iter(r) for r in requests]

    health = http_request("GET", "/health", tokens[0])
    # The same headers as every other request: the two servers parse the same bytes.
    hello = http_request("GET", "/hello", tokens[0])
    asyncio.run(full_speed(service, each(checks_of(warm_up, closed_loop)), connections))
    asyncio.run(full_speed(ports.hello, iter([hello] * warm_up), connections))
    probe = asyncio.run(
        full_speed(service, itertools.repeat(health), connections, min(PROBE_SECONDS, seconds))
    )
    alternating, at_rate = (
        checks_of(2 * probe.rate * seconds, closed_loop),
        checks_of(rate * seconds, tokens),
    )
    # Each kept card's rows read once, just before the timed checks: what they measure is the
    # server with its working set in memory, not this machine's disk (DAMON pages out what
    # has not been touched for a minute; docs/benchmarks.md).
    asyncio.run(every_kept_card_once(service, closed_loop, cards))
    with collector_paused():
        bare, trivial, checks = asyncio.run(
            alternate(
                [
                    (ports.hello, itertools.repeat(hello)),
                    (service, itertools.repeat(health)),
                    (service, each(alternating)),
                ],
                connections,
                seconds,
            )
        )
        timeline: list[Sent] = []
        asyncio.run(at_work(service, tokens))
        latencies = asyncio.run(fixed_rate(service, at_rate, rate, timeline))
    half = max(1.0, round(checks.rate / 2))
    at_half = checks_of(half * seconds, tokens)
    with collector_paused():
        asyncio.run(at_work(service, tokens))
        easy = asyncio.run(fixed_rate(service, at_half, half))
    return Figures(bare, trivial, checks, latencies, half, easy, timeline)


def run(
    residents: int,
    console: Console,
    *,
    database_url: str | None = None,
    data_dir: Path | None = None,
    runs: int = 1,
    seconds: float = 10.0,
    rate: float = 500.0,
    connections: int = 32,
    workers: int = 0,
    port: int = 0,
    warm_up: int = WARM_UP,
    timeline: Path | None = None,
) -> str:
    """The whole benchmark; returns the last line; each fixed-rate check's due time and
    latency written to ``timeline`` (CSV) where given. A ``database_url`` naming a database that
    holds a load (``bench.loaded``) is measured as it is, with the data folder of its
    enrolment (``data_dir``, by default ``loaded.data_dir_for``); any other names the
    PostgreSQL server where a fresh database is made, enrolled, measured and dropped."""
    if timeline is not None:
        writable(timeline)
    measure = partial(
        _measure,
        console=console,
        residents=residents,
        runs=runs,
        seconds=seconds,
        rate=rate,
        connections=connections,
        workers=workers,
        first_port=port,
        warm_up=warm_up,
        timeline=timeline,
    )
    if database_url and not database_url.startswith("sqlite") and loaded.holds_a_load(database_url):
        load = loaded.find(database_url, data_dir or loaded.data_dir_for(database_url))
        if load.residents != residents:
            raise loaded.NotLoaded(
                f"the database holds {load.residents:,} residents, not {residents:,}: "
                f"run with --residents {load.residents}"
            )
        console.print(
            f"measuring the loaded database ({load.residents:,} residents, "
            f"{len(load.cards.certificates):,} kept cards); no enrolment"
        )
        with build_system(load.settings, run_migrations=False) as system:
            tokens = loaded.clinic_tokens(system, terminals_for(connections))
        return measure(load.settings, load.cards, tokens)
    folder = Path(tempfile.mkdtemp(prefix="mynumber-bench-"))
    url, pg_name = fresh_database(database_url, folder)
    settings = Settings(database_url=url, data_dir=folder / "var", master_key=secrets.token_hex(32))
    try:
        with build_system(settings) as system:
            cards, _ = enrol(system, residents, console)
            tokens = loaded.clinic_tokens(system, terminals_for(connections))
        return measure(settings, cards, tokens)
    finally:
        if pg_name and database_url:
            drop_database(database_url, pg_name)
        shutil.rmtree(folder, ignore_errors=True)  # a million residents: gigabytes


def _measure(
    settings: Settings,
    cards: Cards,
    tokens: Sequence[str],
    *,
    console: Console,
    residents: int,
    runs: int,
    seconds: float,
    rate: float,
    connections: int,
    workers: int,
    first_port: int,
    warm_up: int,
    timeline: Path | None,
) -> str:
    """Serve the database of ``settings`` and the bare hello application side by side, the
    same number of processes each, and drive both ``runs`` times; the last run's line."""
    url = settings.resolved_database_url()
    workers = workers or workers_for(url)
    ports = Ports.for_processes(workers, first_port)
    servers: list[subprocess.Popen[bytes]] = []
    try:
        servers += start_server(settings, ports.service)
        servers += start_server(settings, ports.hello, HELLO)
        for port, proc, path in zip(
            [*ports.service, *ports.hello],
            servers,
            ["/health"] * workers + ["/hello"] * workers,
            strict=True,
        ):
            _wait_ready(port, proc, path)
        console.print(
            f"{make_url(url).get_backend_name()}, {residents:,} residents, "
            f"{connections} terminals at full speed and {len(tokens)} at the fixed rates, "
            f"at {len(set(tokens))} clinics, "
            f"{workers} server process(es) each for the service "
            f"and the bare hello application (a port each, the terminals dealt in turn), "
            f"{os.cpu_count()} cores"
        )
        line = ""
        for turn in range(1, runs + 1):
            if runs > 1:
                console.print(f"run {turn} of {runs}")
            figures = drive(
                ports,
                tokens,
                cards,
                seconds=seconds,
                rate=rate,
                connections=connections,
                warm_up=warm_up,
            )
            line = report(figures, console, seconds=seconds, rate=rate)
            if timeline is not None:
                write_timeline(timeline, turn, figures.timeline)
        return line
    finally:
        for proc in servers:
            proc.terminate()
        for proc in servers:
            proc.wait(timeout=30)


def writable(path: Path) -> None:
    """Refuse, before anything is enrolled or measured, a timeline that could not be written
    at the end of the first run (a missing folder, no right to write). A file the check made
    is taken away again: a run that fails before its first timeline leaves none behind."""
    existed = path.exists()
    try:
        path.open("a").close()
    except OSError as exc:
        raise ConfigurationError(f"cannot write the timeline {path}: {exc.strerror}") from exc
    if not existed:
        path.unlink()


def write_timeline(path: Path, turn: int, sent: Sequence[Sent]) -> None:
    """Append one run's fixed-rate checks to the CSV at ``path`` (a header first if new)."""
    with path.open("a", newline="") as out:
        rows = csv.writer(out)
        if out.tell() == 0:
            rows.writerow(["run", "scheduled", "latency_ms", "terminal", "port"])
        for s in sorted(sent, key=lambda s: s.scheduled):
            rows.writerow([turn, f"{s.scheduled:.6f}", f"{s.latency:.3f}", s.terminal, s.port])


def report(figures: Figures, console: Console, *, seconds: float, rate: float) -> str:
    """Print the figures; the last line."""
    hello, health, checks, latencies, easy = (
        figures.hello,
        figures.health,
        figures.checks,
        figures.latencies,
        figures.easy,
    )
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    console.print(f"bare FastAPI (GET /hello): {hello.rate:,.0f} requests/s")
    console.print(f"trivial endpoint (GET /health): {health.rate:,.0f} requests/s")
    console.print(
        f"eligibility checks at full speed: {checks.rate:,.0f} checks/s "
        f"(the three taking {ROUNDS} turns each)"
    )
    console.print(f"checks ÷ /health: {checks.rate / health.rate:.2f}", highlight=False)
    console.print(
        f"at {rate:,.0f} checks/s for {seconds:.0f} s: p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms, mean {statistics.fmean(latencies):.1f} ms "
        f"({len(latencies):,} checks)"
    )
    console.print(
        f"at {figures.half:,.0f} checks/s (half the full speed): p50 "
        f"{percentile(easy, 0.5):.1f} ms, p99 {percentile(easy, 0.99):.1f} ms"
    )
    line = f"ratio {checks.rate / hello.rate:.2f} p50 {p50:.1f} ms p99 {p99:.1f} ms"
    console.print(line, highlight=False)
    return line
