"""The eligibility bench's load generator against a small HTTP server of the test's own: a
closed loop takes each request once, stops when told, and the trivial endpoint and the checks
take turns over the same list without sending a check twice."""

from __future__ import annotations

import asyncio
import base64
import csv
import gc
import itertools
import json
import os
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from typer.testing import CliRunner

from mynumber.bench.eligibility import (
    Sent,
    alternate,
    at_work,
    collector_paused,
    every_kept_card_once,
    fixed_rate,
    full_speed,
    http_request,
    writable,
    write_timeline,
)
from mynumber.bench.enrol import Cards
from mynumber.cli.main import app
from tests.unit.test_token_cache import in_own_loop

T = TypeVar("T")


async def with_server(work: Callable[[int, list[str]], Awaitable[T]]) -> T:
    """``work(port, paths seen)`` against a keep-alive server answering 200 to anything."""
    return await with_servers(1, lambda ports, seen: work(ports[0], seen[0]))


async def with_servers(count: int, work: Callable[[list[int], list[list[str]]], Awaitable[T]]) -> T:
    """``work(ports, paths each server saw)`` against ``count`` such servers."""
    seen: list[list[str]] = [[] for _ in range(count)]
    handlers: list[asyncio.Task[object]] = []
    servers = [
        await asyncio.start_server(partial(answer, handlers, its), "127.0.0.1", 0) for its in seen
    ]
    ports = [server.sockets[0].getsockname()[1] for server in servers]
    try:
        return await work(ports, seen)
    finally:
        for server in servers:
            server.close()
        await asyncio.gather(*handlers)  # each ends when its client hangs up


async def answer(
    handlers: list[asyncio.Task[object]],
    seen: list[str],
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> None:
    task = asyncio.current_task()
    assert task is not None
    handlers.append(task)
    while request := await read_request(reader):
        seen.append(request[0])
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    writer.close()


async def read_request(reader: asyncio.StreamReader) -> tuple[str, bytes] | None:
    """The next request on a keep-alive connection: its path and body; ``None`` once the
    client has hung up."""
    line = await reader.readline()
    if not line:
        return None
    length = 0
    while (header := await reader.readline()) not in (b"\r\n", b""):
        if header.lower().startswith(b"content-length:"):
            length = int(header.split(b":")[1])
    return line.split()[1].decode(), await reader.readexactly(length)


def checks(count: int) -> list[bytes]:
    return [http_request("POST", f"/check/{i}", "t", b"{}") for i in range(count)]


def test_every_request_of_the_list_is_sent_once() -> None:
    async def work(port: int, seen: list[str]) -> None:
        tally = await full_speed([port], iter(checks(40)), connections=4)
        assert tally.done == 40 and tally.seconds > 0
        assert sorted(seen) == sorted(f"/check/{i}" for i in range(40))

    in_own_loop(with_server(work))


def test_a_repeated_request_stops_when_the_time_is_up() -> None:
    async def work(port: int, seen: list[str]) -> None:
        health = http_request("GET", "/health", "t")
        tally = await full_speed([port], itertools.repeat(health), connections=2, seconds=0.2)
        assert tally.done == len(seen) > 0
        assert 0.2 <= tally.seconds < 5

    in_own_loop(with_server(work))


def test_the_trivial_endpoint_and_the_checks_take_turns() -> None:
    async def work(port: int, seen: list[str]) -> None:
        health = http_request("GET", "/health", "t")
        trivial, done = await alternate(
            [([port], itertools.repeat(health)), ([port], iter(checks(100_000)))],
            connections=2,
            seconds=0.5,
            rounds=5,
        )
        sent = [path for path in seen if path.startswith("/check/")]
        assert done.done == len(sent) > 0 and trivial.done == seen.count("/health") > 0
        assert len(set(sent)) == len(sent)  # the list goes on from turn to turn
        turns = [key for key, _ in itertools.groupby(seen, lambda p: p == "/health")]
        assert turns == [True, False] * 5
        assert 0.5 <= trivial.seconds < 5 and 0.5 <= done.seconds < 5

    in_own_loop(with_server(work))


def test_the_terminals_are_dealt_to_the_processes_in_turn() -> None:
    """Each process gets every other terminal, whatever order they connect in: never one
    process all of them (one port shared by uvicorn's workers split 32 terminals 1/31)."""

    async def work(ports: list[int], seen: list[list[str]]) -> None:
        per_terminal = [checks(40)[k::8] for k in range(8)]
        tally = await full_speed(ports, [iter(r) for r in per_terminal], connections=8)
        assert tally.done == 40
        for k, port_seen in enumerate(seen):
            dealt = [f"/check/{i}" for i in range(40) if (i % 8) % 2 == k]
            assert sorted(port_seen) == sorted(dealt)

    in_own_loop(with_servers(2, work))


def test_the_fixed_rate_deals_the_terminals_too() -> None:
    async def work(ports: list[int], seen: list[list[str]]) -> None:
        per_terminal = [checks(30)[k::3] for k in range(3)]
        latencies = await fixed_rate(ports, per_terminal, rate=2000)
        assert len(latencies) == 30
        by_port = [sorted(s) for s in seen]
        assert by_port[0] == sorted(f"/check/{i}" for i in range(30) if i % 3 in (0, 2))
        assert by_port[1] == sorted(f"/check/{i}" for i in range(30) if i % 3 == 1)

    in_own_loop(with_servers(2, work))


def test_the_timeline_has_each_check_when_it_was_due_and_its_port(tmp_path: Path) -> None:
    async def work(ports: list[int], seen: list[list[str]]) -> list[Sent]:
        timeline: list[Sent] = []
        before = time.time()
        latencies = await fixed_rate(ports, [checks(20)[k::2] for k in range(2)], 1000, timeline)
        assert sorted(s.latency for s in timeline) == sorted(latencies)
        due = sorted(s.scheduled for s in timeline)
        assert before <= due[0] < due[-1] <= time.time()
        # 20 checks at 1,000/s: due 1 ms apart, 19 ms from the first to the last
        assert 0.018 < due[-1] - due[0] < 0.030
        assert {(s.terminal, s.port) for s in timeline} == {(0, ports[0]), (1, ports[1])}
        return timeline

    timeline = in_own_loop(with_servers(2, work))
    out = tmp_path / "timeline.csv"
    write_timeline(out, 1, timeline)
    write_timeline(out, 2, timeline[:3])
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["run", "scheduled", "latency_ms", "terminal", "port"]
    assert [r[0] for r in rows[1:]] == ["1"] * 20 + ["2"] * 3
    assert [float(r[1]) for r in rows[1:21]] == sorted(float(r[1]) for r in rows[1:21])


def test_a_timeline_that_cannot_be_written_is_refused_before_anything_runs(
    tmp_path: Path,
) -> None:
    """One line and a non-zero exit at once, not a traceback after the first run's minutes;
    no database made in the folder."""
    result = CliRunner().invoke(
        app,
        ["bench", "eligibility", "--residents", "10", "--timeline", str(tmp_path / "no" / "t.csv")],
    )
    assert result.exit_code != 0
    assert "cannot write the timeline" in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_collector_is_held_off_while_measuring_and_given_back() -> None:
    was_enabled = gc.isenabled()
    kept = [object() for _ in range(10)]
    with collector_paused():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0  # what existed before is out of its reach
    assert gc.isenabled() == was_enabled and gc.get_freeze_count() == 0
    assert len(kept) == 10


def test_each_terminal_sends_one_request_with_its_token_to_its_server_before_a_timed_run() -> None:
    heard: list[tuple[int, str, str]] = []

    async def issuer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port = writer.get_extra_info("sockname")[1]
        while line := await reader.readline():
            token = ""
            while (header := await reader.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"authorization:"):
                    token = header.split()[-1].decode()
            heard.append((port, line.split()[1].decode(), token))
            writer.write(b'HTTP/1.1 201 Created\r\nContent-Length: 16\r\n\r\n{"nonce":"AA=="}')
        writer.close()

    async def work() -> None:
        servers = [await asyncio.start_server(issuer, "127.0.0.1", 0) for _ in range(2)]
        ports = [s.sockets[0].getsockname()[1] for s in servers]
        await at_work(ports, ["t0", "t1", "t2", "t3", "t4"])
        for server in servers:
            server.close()

    in_own_loop(work())
    assert sorted(token for _, _, token in heard) == ["t0", "t1", "t2", "t3", "t4"]
    assert {path for _, path, _ in heard} == {"/clinic/challenges"}
    by_token = {token: port for port, _, token in heard}
    assert by_token["t0"] == by_token["t2"] == by_token["t4"] != by_token["t1"] == by_token["t3"]


def test_checking_a_new_timeline_leaves_no_file_and_an_existing_one_untouched(
    tmp_path: Path,
) -> None:
    fresh, kept = tmp_path / "new.csv", tmp_path / "kept.csv"
    kept.write_text("run,scheduled,latency_ms,terminal,port\n1,0.5,3.0,0,1\n")
    writable(fresh)
    writable(kept)
    assert not fresh.exists()  # a run that fails before its first timeline leaves none
    assert kept.read_text().endswith("1,0.5,3.0,0,1\n")


async def _card_service(
    seen: list[tuple[str, bytes]], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """A keep-alive server standing in for the service: a fresh nonce for each challenge
    asked for (201), 200 to each check; every request's path and body kept in order."""
    while request := await read_request(reader):
        seen.append(request)
        if request[0] == "/clinic/challenges":
            body = json.dumps({"nonce": base64.b64encode(os.urandom(16)).decode()}).encode()
            writer.write(b"HTTP/1.1 201 Created\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        else:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    writer.close()


def test_the_kept_cards_are_each_checked_once_over_nonces_asked_for_chunk_by_chunk() -> None:
    """Seven kept cards, three at a time, two terminals: each chunk's nonces are asked for
    just before its checks are sent (signed all at once, a large load's last checks outlived
    their nonces), and every card is checked once, signed by its own key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cards = Cards(certificates=[f"card {i}".encode() for i in range(7)], keys=[key])

    async def work() -> tuple[int, list[tuple[str, bytes]]]:
        seen: list[tuple[str, bytes]] = []
        server = await asyncio.start_server(partial(_card_service, seen), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            answered = await every_kept_card_once([port], ["t1", "t2"], cards, chunk=3)
        finally:
            server.close()
        return answered, seen

    answered, seen = in_own_loop(work())
    assert answered == 7
    kinds = [path for path, _ in seen]
    assert [(kind, len(list(run))) for kind, run in itertools.groupby(kinds)] == [
        ("/clinic/challenges", 3),
        ("/clinic/checks/pin", 3),
        ("/clinic/challenges", 3),
        ("/clinic/checks/pin", 3),
        ("/clinic/challenges", 1),
        ("/clinic/checks/pin", 1),
    ]
    checked = [json.loads(body) for path, body in seen if path == "/clinic/checks/pin"]
    assert sorted(base64.b64decode(c["certificate"]) for c in checked) == sorted(cards.certificates)
    for check in checked:
        key.public_key().verify(
            base64.b64decode(check["signature"]),
            base64.b64decode(check["nonce"]),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
