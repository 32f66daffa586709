"""The API's token cache: a caller is remembered for a few seconds, then asked for again."""

from __future__ import annotations

import time

from mynumber.api.deps import TokenCache
from mynumber.domain.access import Role
from mynumber.services.context import Caller

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
