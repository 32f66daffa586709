"""`mynumber bench eligibility`: clinic eligibility checks (オンライン資格確認) over HTTP.

1. **Enrol**: a fresh database (SQLite in a temporary folder, or a new PostgreSQL database on
   the server of ``--database-url``); N residents registered through
   ``bulk_registration.register_many``, each with an active card registered for insurance use,
   its own serial and its own user-authentication certificate issued by the card centre's CA,
   and a National Health Insurance enrolment. The cards' key pairs come from a ``KeyPool`` (an
   RSA-2048 pair costs ~40 ms): only the certificate, the serial and the key's owner differ.
2. **Serve**: the service in its own process(es) (uvicorn, uvloop + httptools): one on
   SQLite, one per core on PostgreSQL (``workers_for``).
3. **Drive** from this process, over keep-alive HTTP/1.1 connections (one per terminal):
   the trivial endpoint (``GET /health``) at full speed, then eligibility checks at full speed,
   then at a fixed rate (``--rate``, default 500 checks/s) for the latencies, then at half the
   full speed. One check = one patient verified = one ``POST /clinic/checks/pin`` with the
   card's signature over a nonce the server issued to the terminal (the answer carries the
   terminal's next nonce). Before each timed run the terminals fetch that run's nonces and the
   cards sign them (``signed_checks``): a card signs on its own chip, not on the server's
   cores, and signing in the timed loop would measure the load generator instead. Latencies at
   a fixed rate are measured from the scheduled send time (no coordinated omission).

The last line reads ``ratio R p50 X ms p99 Y ms``: R = full-speed checks/s ÷ full-speed
trivial requests/s; the latencies are those at the fixed rate.
"""

from __future__ import annotations

import asyncio
import base64
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
from pathlib import Path

from fastapi import FastAPI
from rich.console import Console
from sqlalchemy.engine import make_url

from mynumber.bench.enrol import Cards, drop_database, enrol, fresh_database
from mynumber.bootstrap import build_system
from mynumber.config import Settings

# --- 2. serve ------------------------------------------------------------------------------


def serve(port: int, workers: int = 1) -> None:
    """The service process(es), settings from the environment."""
    import uvicorn
    uvicorn.run("mynumber.bench.eligibility:service", factory=True, workers=workers,
                host="127.0.0.1", port=port, log_level="warning", access_log=False,
                loop="uvloop", http="httptools")


def service() -> FastAPI:
    """The application one worker serves (each worker has its own engine and check desk)."""
    from mynumber.api.app import create_app
    return create_app(build_system(Settings(), run_migrations=False))


def start_server(settings: Settings, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = dict(os.environ, MYNUMBER_DATABASE_URL=settings.resolved_database_url(),
               MYNUMBER_DATA_DIR=str(settings.data_dir), MYNUMBER_MASTER_KEY=settings.master_key)
    code = f"from mynumber.bench.eligibility import serve; serve({port}, {workers})"
    return subprocess.Popen([sys.executable, "-c", code], env=env)


def workers_for(url: str) -> int:
    """One process on SQLite (one writer at a time: a second process would only queue at
    the file lock), one per core on PostgreSQL (the GIL keeps one process to one core)."""
    return 1 if url.startswith("sqlite") else max(1, os.cpu_count() or 1)


# --- 3. drive ------------------------------------------------------------------------------


def http_request(method: str, path: str, token: str, body: bytes = b"") -> bytes:
    """One HTTP/1.1 request, as bytes on the wire."""
    head = (f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
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


async def signed_checks(port: int, token: str, cards: Cards, count: int,
                        connections: int) -> list[bytes]:
    """``count`` check requests, each over its own nonce issued by the server to this
    terminal, signed by a random card's key: the card's part of the protocol, done before the
    timed run (a card signs on its own chip, not on the server's cores)."""
    challenge = http_request("POST", "/clinic/challenges", token)
    conns = [await Connection(port).open() for _ in range(connections)]
    nonces: list[bytes] = []

    async def fetch(conn: Connection, n: int) -> None:
        for _ in range(n):
            status, body = await conn.send(challenge)
            if status != 201:
                raise RuntimeError(f"no challenge ({status}): {body[:300]!r}")
            nonces.append(base64.b64decode(json.loads(body)["nonce"]))
    share = -(-count // connections)
    await asyncio.gather(*(fetch(c, min(share, count - k * share)) for k, c in enumerate(conns)))
    for c in conns:
        c.close()
    return [check_request(token, cards, random.randrange(len(cards.certificates)), nonce)
            for nonce in nonces]


def check_request(token: str, cards: Cards, index: int, nonce: bytes) -> bytes:
    payload = json.dumps({
        "nonce": base64.b64encode(nonce).decode(),
        "certificate": base64.b64encode(cards.certificates[index]).decode(),
        "signature": base64.b64encode(cards.sign(index, nonce)).decode()}).encode()
    return http_request("POST", "/clinic/checks/pin", token, payload)


def _expect(status: int, body: bytes, wanted: int) -> None:
    if status != wanted:
        raise RuntimeError(f"refused ({status}): {body[:300]!r}")


async def full_speed(port: int, requests: list[bytes], connections: int,
                     seconds: float | None = None) -> float:
    """Requests per second with ``connections`` terminals in a closed loop: every request of
    the list once, or (``seconds`` given) the first request again and again for that long."""
    queue = iter(requests)
    done = 0
    stop = time.perf_counter() + (seconds or 0)

    async def loop(conn: Connection) -> None:
        nonlocal done
        while True:
            if seconds is None:
                request = next(queue, None)
                if request is None:
                    return
            elif time.perf_counter() >= stop:
                return
            else:
                request = requests[0]
            _expect(*await conn.send(request), 200)
            done += 1
    conns = [await Connection(port).open() for _ in range(connections)]
    started = time.perf_counter()
    await asyncio.gather(*(loop(c) for c in conns))
    elapsed = time.perf_counter() - started
    for c in conns:
        c.close()
    return done / elapsed


async def fixed_rate(port: int, requests: list[bytes], rate: float,
                     connections: int) -> list[float]:
    """Latencies (ms) of the requests sent at ``rate`` per second, from their scheduled time
    (no coordinated omission: a late answer delays no later send)."""
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(connections):
        idle.put_nowait(await Connection(port).open())
    latencies: list[float] = []
    tasks = []

    async def one(request: bytes, scheduled: float) -> None:
        conn = await idle.get()
        _expect(*await conn.send(request), 200)
        latencies.append((time.perf_counter() - scheduled) * 1000)
        idle.put_nowait(conn)
    start = time.perf_counter()
    for i, request in enumerate(requests):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request, scheduled)))
    await asyncio.gather(*tasks)
    while not idle.empty():
        idle.get_nowait().close()
    return latencies


def _wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    import urllib.request
    for _ in range(300):
        if proc.poll() is not None:
            raise RuntimeError("the server process ended")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(residents: int, console: Console, *, database_url: str | None = None,
        seconds: float = 10.0, rate: float = 500.0, connections: int = 32,
        workers: int = 0, port: int = 8765) -> str:
    """The whole benchmark; returns the last line."""
    folder = Path(tempfile.mkdtemp(prefix="mynumber-bench-"))
    url, pg_name = fresh_database(database_url, folder)
    settings = Settings(database_url=url, data_dir=folder / "var",
                        master_key=secrets.token_hex(32))
    proc = None
    try:
        system = build_system(settings)
        cards, token = enrol(system, residents, console)
        system.engine.dispose()
        workers = workers or workers_for(url)
        proc = start_server(settings, port, workers)
        _wait_ready(port, proc)

        async def checks_of(count: int) -> list[bytes]:
            return await signed_checks(port, token, cards, count, connections)

        health = [http_request("GET", "/health", token)]
        asyncio.run(full_speed(port, asyncio.run(checks_of(2000)), connections))  # warm-up
        trivial = asyncio.run(full_speed(port, health, connections, seconds))
        checks = asyncio.run(full_speed(port, asyncio.run(checks_of(int(trivial * seconds))),
                                        connections))
        latencies = asyncio.run(fixed_rate(port, asyncio.run(checks_of(int(rate * seconds))),
                                           rate, 64))
        half = max(1.0, round(checks / 2))
        easy = asyncio.run(fixed_rate(port, asyncio.run(checks_of(int(half * seconds))), half,
                                      64))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if pg_name and database_url:
            drop_database(database_url, pg_name)
        shutil.rmtree(folder, ignore_errors=True)  # a million residents: gigabytes
    backend = make_url(url).get_backend_name()
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    console.print(f"{backend}, {residents:,} residents, {connections} terminals, "
                  f"{workers} server process(es), {os.cpu_count()} cores")
    console.print(f"trivial endpoint (GET /health): {trivial:,.0f} requests/s")
    console.print(f"eligibility checks at full speed: {checks:,.0f} checks/s")
    console.print(f"at {rate:,.0f} checks/s for {seconds:.0f} s: p50 {p50:.1f} ms, "
                  f"p99 {p99:.1f} ms, mean {statistics.fmean(latencies):.1f} ms "
                  f"({len(latencies):,} checks)")
    console.print(f"at {half:,.0f} checks/s (half the full speed): p50 "
                  f"{percentile(easy, 0.5):.1f} ms, p99 {percentile(easy, 0.99):.1f} ms")
    line = f"ratio {checks / trivial:.2f} p50 {p50:.1f} ms p99 {p99:.1f} ms"
    console.print(line, highlight=False)
    return line
