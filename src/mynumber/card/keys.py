"""鍵ペアの生成 — where a card's RSA-2048 key pairs come from.

A real card generates its key pairs on the chip at manufacture (and again when a certificate is
reissued). ``FreshKeys`` does the same and is what the product uses: every key is new (~40 ms
each, two per card).

``KeyPool`` is for tests and benchmarks only: it hands out keys made once in advance, cycling
through them, so manufacturing a thousand cards takes no key generation at all. Each draw is a
separate key object (no card shares an object with another), but after ``len(pool)`` draws the
key *material* repeats: two cards may then hold the same key, and a signature from one would
verify against the other's certificate. Never use it where that matters, never in serving.
Draw at least two keys per card from a pool of at least two, or a card's signature and
authentication keys could coincide.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric import rsa

KEY_SIZE = 2048
PUBLIC_EXPONENT = 65537


class KeySource(Protocol):
    """Gives the card its next RSA private key."""

    def new_key(self) -> rsa.RSAPrivateKey:
        """A private key for one key slot of one card."""
        ...


class FreshKeys:
    """Generates a new RSA-2048 key on every call: the product's key source."""

    def new_key(self) -> rsa.RSAPrivateKey:
        """A freshly generated RSA-2048 private key."""
        return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=KEY_SIZE)


class KeyPool:
    """Pre-made keys handed out in turn — tests and benchmarks only (see the module note)."""

    def __init__(self, keys: Sequence[rsa.RSAPrivateKey]) -> None:
        if len(keys) < 2:
            raise ValueError("a key pool needs at least two keys (a card draws two)")
        self._numbers = [key.private_numbers() for key in keys]
        self._cycle = itertools.cycle(self._numbers)
        self._lock = threading.Lock()

    @classmethod
    def generate(cls, count: int) -> KeyPool:
        """A pool of ``count`` freshly generated keys (pay the generation once)."""
        return cls([FreshKeys().new_key() for _ in range(count)])

    def __len__(self) -> int:
        return len(self._numbers)

    def new_key(self) -> rsa.RSAPrivateKey:
        """The next pooled key, as a new key object."""
        with self._lock:
            numbers = next(self._cycle)
        # Made by OpenSSL in ``generate``: its consistency check (~50 ms) would undo the point.
        return numbers.private_key(unsafe_skip_rsa_key_validation=True)
