"""The API's token cache: a caller is remembered for a few seconds, then asked for again."""

from __future__ import annotations

import asyncio
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
