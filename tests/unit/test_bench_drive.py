"""The eligibility bench's load generator against a small HTTP server of the test's own: a
closed loop takes each request once, stops when told, and the trivial endpoint and the checks
take turns over the same list without sending a check twice."""

from __future__ import annotations

import asyncio
import gc
import itertools
from collections.abc import Awaitable, Callable
from typing import TypeVar

from mynumber.bench.eligibility import alternate, collector_paused, full_speed, http_request
from tests.unit.test_token_cache import in_own_loop

T = TypeVar("T")


async def with_server(work: Callable[[int, list[str]], Awaitable[T]]) -> T:
    """``work(port, paths seen)`` against a keep-alive server answering 200 to anything."""
    seen: list[str] = []
    handlers: list[asyncio.Task[object]] = []

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.append(task)
        while line := await reader.readline():
            seen.append(line.split()[1].decode())
            while (header := await reader.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            await reader.readexactly(length)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        return await work(port, seen)
    finally:
        server.close()
        await asyncio.gather(*handlers)  # each ends when its client hangs up


def checks(count: int) -> list[bytes]:
    return [http_request("POST", f"/check/{i}", "t", b"{}") for i in range(count)]


def test_every_request_of_the_list_is_sent_once() -> None:
    async def work(port: int, seen: list[str]) -> None:
        tally = await full_speed(port, iter(checks(40)), connections=4)
        assert tally.done == 40 and tally.seconds > 0
        assert sorted(seen) == sorted(f"/check/{i}" for i in range(40))

    in_own_loop(with_server(work))


def test_a_repeated_request_stops_when_the_time_is_up() -> None:
    async def work(port: int, seen: list[str]) -> None:
        health = http_request("GET", "/health", "t")
        tally = await full_speed(port, itertools.repeat(health), connections=2, seconds=0.2)
        assert tally.done == len(seen) > 0
        assert 0.2 <= tally.seconds < 5

    in_own_loop(with_server(work))


def test_the_trivial_endpoint_and_the_checks_take_turns() -> None:
    async def work(port: int, seen: list[str]) -> None:
        health = http_request("GET", "/health", "t")
        trivial, done = await alternate(
            [(port, itertools.repeat(health)), (port, iter(checks(100_000)))],
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


def test_the_collector_is_held_off_while_measuring_and_given_back() -> None:
    was_enabled = gc.isenabled()
    kept = [object() for _ in range(10)]
    with collector_paused():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0  # what existed before is out of its reach
    assert gc.isenabled() == was_enabled and gc.get_freeze_count() == 0
    assert len(kept) == 10
