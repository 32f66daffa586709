"""Fixtures for the card tests: keys made once per session, a store, a collected card."""

from __future__ import annotations

import os

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from mynumber.card import Chip, KeyPool, MemoryChipStore
from tests.unit.card.support import CARD_ID, chip_data, initial_pins


@pytest.fixture(scope="session")
def key_pool() -> KeyPool:
    return KeyPool.generate(4)


@pytest.fixture(scope="session")
def issuer_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def store() -> MemoryChipStore:
    return MemoryChipStore()


@pytest.fixture
def chip_key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def new_chip(store: MemoryChipStore, chip_key: bytes, key_pool: KeyPool) -> Chip:
    """A manufactured card whose PINs are not yet set."""
    chip, _ = Chip.manufacture(store, card_id=CARD_ID, data=chip_data(), key_source=key_pool,
                               chip_key=chip_key)
    return chip


@pytest.fixture
def chip(new_chip: Chip) -> Chip:
    """A collected card: PINs set (see ``support.RIGHT``)."""
    new_chip.set_initial_pins(**initial_pins())
    return new_chip
