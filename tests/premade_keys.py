"""RSA-2048 key pairs made once and kept in ``premade_rsa_keys.pem``, for the fixtures' pools.

Each test session generated its pools afresh: the cards' ``key_source`` (6), the chip tests'
``key_pool`` (4), their ``issuer_key`` and the OpenID provider's signing keys (4), ~40–100 ms
of CPU a key, ~1 s a worker before the first card. The keys are as real (OpenSSL made them);
only which keys they are no longer changes from one run to the next, which nothing tested
depends on. Key generation itself still runs where it is the subject (``FreshKeys`` in
``tests/unit/card/test_keys.py``, the CA's ``ca_template``) and in the pools of other modules
(``KeyPool.generate``: the OpenID and JPKI-reader modules). Each pool here gets keys of its
own (``take``), so no two pools share a key, as before. The benchmark tests' loads draw their
cards' 16 pairs (``BENCH``) from here too, where each worker made them (~0.6 s of CPU), and
the chaos runs' world its cards' pairs (``CHAOS``, ``OnceEach``: no pair given twice).
Each key is parsed when first taken, so a worker that takes none of a pool pays nothing for it.
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from mynumber.card.keys import FreshKeys

_FILE = Path(__file__).with_name("premade_rsa_keys.pem")
_END = b"-----END PRIVATE KEY-----"

KEY_SOURCE = slice(0, 6)
KEY_POOL = slice(6, 10)
ISSUER = 10
SIGNING = slice(11, 15)
BENCH = slice(15, 31)
CHAOS = slice(31, 79)


@functools.cache
def _blocks() -> tuple[bytes, ...]:
    """Each key's PEM block, in the file's order."""
    text = _FILE.read_bytes()
    blocks = [text[: i + len(_END)] for i in _offsets(text)]
    return tuple(block[block.rindex(b"-----BEGIN PRIVATE KEY-----") :] for block in blocks)


@functools.cache
def _key(index: int) -> rsa.RSAPrivateKey:
    # OpenSSL made them (see the file's head): its consistency check (~50 ms) would buy
    # nothing here, as for the pool's keys.
    key = serialization.load_pem_private_key(
        _blocks()[index], None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    return key


def _offsets(text: bytes) -> list[int]:
    found, at = [], text.find(_END)
    while at != -1:
        found.append(at)
        at = text.find(_END, at + 1)
    return found


def take(which: slice) -> list[rsa.RSAPrivateKey]:
    """The kept keys ``which`` (``KEY_SOURCE``, ``KEY_POOL``, ``SIGNING``, ``BENCH``)."""
    return [_key(index) for index in range(len(_blocks()))[which]]


def one(which: int) -> rsa.RSAPrivateKey:
    """The kept key at ``which`` (``ISSUER``)."""
    return _key(which)


class OnceEach:
    """A card key source (``mynumber.card.keys.KeySource``) that gives each kept key of
    ``which`` once, then fresh ones (``FreshKeys``): as with the product's source, no two
    chips of one source hold the same pair, so a check that a chip's certificates certify
    its own keys cannot pass on another card's. (``KeyPool`` hands its few keys out in turn.)"""

    def __init__(self, which: slice) -> None:
        self._left = list(range(len(_blocks()))[which])
        self._lock = threading.Lock()

    def new_key(self) -> rsa.RSAPrivateKey:
        with self._lock:
            index = self._left.pop(0) if self._left else None
        return FreshKeys().new_key() if index is None else _key(index)
