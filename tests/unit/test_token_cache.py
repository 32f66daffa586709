"""The API's token cache: a caller is remembered for a few seconds, then asked for again."""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from mynumber.api.deps import TokenCache
from mynumber.domain.access import Role
from mynumber.domain.errors import Unauthenticated
from mynumber.services.core.context import Caller

T = TypeVar("T")
CLINIC = Caller(name="Kanda Clinic", role=Role.CLINIC, scope_id=1)


def test_a_remembered_token_answers_its_caller() -> None:
    cache = TokenCache(seconds=60)
    cache.put("mnt_a", CLINIC)
    assert cache.get("mnt_a") == CLINIC
    assert cache.get("mnt_b") is None


def test_a_token_is_forgotten_after_its_time_so_a_revocation_takes_effect() -> None:
    cache = TokenCache(seconds=0.01)
    cache.put("mnt_a", CLINIC)
    time.sleep(0.02)
    assert cache.get("mnt_a") is None


def test_the_cache_never_grows_past_its_size() -> None:
    cache = TokenCache(seconds=60, size=3)
    for i in range(10):
        cache.put(f"mnt_{i}", CLINIC)
    assert len(cache._known) <= 3
    assert cache.get("mnt_9") == CLINIC


def in_own_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` in a thread with an event loop of its own (the browser tests keep one
    running in the main thread, where ``asyncio.run`` would refuse)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, work).result()


def test_requests_arriving_together_share_one_look_up() -> None:
    cache = TokenCache(seconds=60)
    asked: list[str] = []

    def look_up(token: str) -> Caller:
        asked.append(token)
        time.sleep(0.05)  # the database's time: the other requests arrive meanwhile
        return CLINIC

    async def together() -> list[Caller]:
        return await asyncio.gather(*(cache.caller("mnt_a", look_up) for _ in range(20)))

    assert in_own_loop(together()) == [CLINIC] * 20
    assert asked == ["mnt_a"]
    assert cache.look_ups == 1
    assert cache.get("mnt_a") == CLINIC


def test_a_refusal_reaches_every_waiting_request_and_is_not_remembered() -> None:
    cache = TokenCache(seconds=60)
    asked: list[str] = []

    def refuse(token: str) -> Caller:
        asked.append(token)
        time.sleep(0.05)
        raise Unauthenticated("The API token is unknown or revoked.", "APIトークンが無効です。")

    async def together() -> list[Caller | BaseException]:
        return await asyncio.gather(
            *(cache.caller("mnt_x", refuse) for _ in range(5)), return_exceptions=True
        )

    outcomes = in_own_loop(together())
    assert all(isinstance(o, Unauthenticated) for o in outcomes)
    assert asked == ["mnt_x"]
    assert cache.get("mnt_x") is None
    in_own_loop(together())
    assert asked == ["mnt_x", "mnt_x"]  # asked again: a refusal is never cached


def test_a_request_that_hangs_up_leaves_the_look_up_to_the_others() -> None:
    cache = TokenCache(seconds=60)
    asked: list[str] = []

    def look_up(token: str) -> Caller:
        asked.append(token)
        time.sleep(0.1)
        return CLINIC

    async def first_goes_away() -> tuple[bool, Caller]:
        first = asyncio.ensure_future(cache.caller("mnt_c", look_up))
        await asyncio.sleep(0.02)  # the first request started the look-up
        second = asyncio.ensure_future(cache.caller("mnt_c", look_up))
        await asyncio.sleep(0.02)
        first.cancel()  # its client hung up
        await asyncio.gather(first, return_exceptions=True)
        return first.cancelled(), await second

    assert in_own_loop(first_goes_away()) == (True, CLINIC)
    assert asked == ["mnt_c"]  # one look-up, finished for the request still waiting
    assert cache.get("mnt_c") == CLINIC


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_past_its_refresh_point_a_request_is_answered_at_once_and_looked_up_behind() -> None:
    clock = Clock()
    cache = TokenCache(seconds=10, clock=clock)
    cache.put("mnt_a", CLINIC)
    asked: list[str] = []
    release = threading.Event()
    renamed = Caller(name="Kanda Clinic (renamed)", role=Role.CLINIC, scope_id=1)

    def slow_look_up(token: str) -> Caller:
        asked.append(token)
        release.wait(5)  # the database is slow: the request must not wait for it
        return renamed

    async def after(seconds: float) -> tuple[Caller, Caller, Caller]:
        clock.now += seconds
        answered = await asyncio.wait_for(cache.caller("mnt_a", slow_look_up), 1)
        again = await asyncio.wait_for(cache.caller("mnt_a", slow_look_up), 1)
        release.set()
        await asyncio.gather(*cache._looking_up.values())
        return answered, again, await cache.caller("mnt_a", slow_look_up)

    answered, again, later = in_own_loop(after(9.1))  # past any refresh point, before expiry
    assert (answered, again) == (CLINIC, CLINIC)  # from the entry, without waiting
    assert asked == ["mnt_a"]  # one look-up behind both requests
    assert later == renamed  # the entry renewed by it
    assert cache._known["mnt_a"].expires_at == clock.now + 10


def test_before_its_refresh_point_a_cached_token_is_not_looked_up() -> None:
    clock = Clock()
    cache = TokenCache(seconds=10, clock=clock)
    cache.put("mnt_a", CLINIC)
    clock.now += 5.9  # before the earliest point (60 % of the time)

    def never(token: str) -> Caller:
        raise AssertionError("looked up")

    assert in_own_loop(cache.caller("mnt_a", never)) == CLINIC
    assert cache.look_ups == 0


def test_a_token_revoked_meanwhile_is_forgotten_by_the_background_look_up() -> None:
    clock = Clock()
    cache = TokenCache(seconds=10, clock=clock)
    cache.put("mnt_r", CLINIC)

    def revoked(token: str) -> Caller:
        raise Unauthenticated("The API token is unknown or revoked.", "APIトークンが無効です。")

    async def after_revocation() -> tuple[Caller, BaseException | Caller]:
        clock.now += 9.1
        answered = await cache.caller("mnt_r", revoked)  # still within its time
        await asyncio.gather(*cache._looking_up.values(), return_exceptions=True)
        refused = await asyncio.gather(cache.caller("mnt_r", revoked), return_exceptions=True)
        return answered, refused[0]

    answered, next_one = in_own_loop(after_revocation())
    assert answered == CLINIC
    assert isinstance(next_one, Unauthenticated)  # refused at once, not at the entry's expiry
    assert cache.get("mnt_r") is None


def test_a_failed_background_look_up_keeps_the_entry_to_its_expiry_and_is_not_retried() -> None:
    clock = Clock()
    cache = TokenCache(seconds=10, clock=clock)
    cache.put("mnt_d", CLINIC)
    asked: list[str] = []

    def database_down(token: str) -> Caller:
        asked.append(token)
        raise ConnectionError("the database went away")

    async def while_down() -> list[Caller]:
        clock.now += 9.1
        answered = [await cache.caller("mnt_d", database_down)]
        await asyncio.gather(*cache._looking_up.values(), return_exceptions=True)
        answered.append(await cache.caller("mnt_d", database_down))
        return answered

    assert in_own_loop(while_down()) == [CLINIC, CLINIC]
    assert asked == ["mnt_d"]  # one try; the next request waits for a look-up after expiry
    clock.now += 0.9
    assert cache.get("mnt_d") is None


def test_no_caller_is_used_past_its_time_since_the_look_up() -> None:
    clock = Clock()
    cache = TokenCache(seconds=10, clock=clock)
    cache.put("mnt_a", CLINIC)
    clock.now += 10
    assert cache.get("mnt_a") is None

    def look_up(token: str) -> Caller:
        return Caller(name="new", role=Role.CLINIC, scope_id=1)

    assert in_own_loop(cache.caller("mnt_a", look_up)).name == "new"  # waited for


def test_tokens_cached_together_are_refreshed_at_points_spread_over_the_window() -> None:
    clock = Clock()
    cache = TokenCache(seconds=10, clock=clock)
    for i in range(64):
        cache.put(f"mnt_{i}", CLINIC)
    points = sorted(known.refresh_at - clock.now for known in cache._known.values())
    assert points[0] >= 6 and points[-1] <= 9
    assert points[-1] - points[0] > 1  # not all in one instant


def test_a_refresh_point_is_drawn_without_moving_the_random_modules_state() -> None:
    # A background refresh puts its entry in the event loop's thread while others run: the
    # ``random`` module's shared state must not move under them (Hypothesis, drawing a test's
    # arguments in the main thread, reports any change there as a deprecation).
    cache = TokenCache(seconds=10, clock=Clock())
    before = random.getstate()
    for i in range(8):
        cache.put(f"mnt_{i}", CLINIC)
    assert random.getstate() == before
