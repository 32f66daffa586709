"""Key sources: fresh keys for the product, a pool for tests and benchmarks."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from mynumber.card import Chip, FreshKeys, KeyPool, MemoryChipStore
from tests.unit.card.support import chip_data


def public_numbers(key: rsa.RSAPrivateKey) -> rsa.RSAPublicNumbers:
    return key.public_key().public_numbers()


def test_fresh_keys_are_new_rsa_2048_keys() -> None:
    first, second = FreshKeys().new_key(), FreshKeys().new_key()
    assert first.key_size == second.key_size == 2048
    assert public_numbers(first).e == 65537
    assert public_numbers(first) != public_numbers(second)


def test_the_pool_makes_no_key_when_drawn_from(
    key_pool: KeyPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_generation(*args: object, **kwargs: object) -> rsa.RSAPrivateKey:
        raise AssertionError("the pool generated a key")

    monkeypatch.setattr(rsa, "generate_private_key", no_generation)
    drawn = [key_pool.new_key() for _ in range(200)]
    assert len({id(key) for key in drawn}) == 200  # every card gets its own key object
    assert len({public_numbers(key).n for key in drawn}) == len(key_pool)


def test_manufacturing_from_the_pool_gives_each_card_two_different_keys(
    key_pool: KeyPool, chip_key: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rsa, "generate_private_key", None)
    store = MemoryChipStore()
    for number in range(20):
        _, keys = Chip.manufacture(
            store,
            card_id=f"CARD-{number}",
            data=chip_data(),
            key_source=key_pool,
            chip_key=chip_key,
        )
        assert keys.user_auth != keys.signature


def test_a_pool_of_one_key_is_refused(key_pool: KeyPool) -> None:
    with pytest.raises(ValueError):
        KeyPool([key_pool.new_key()])
