"""RSA-2048 key pairs made once and kept in ``premade_rsa_keys.pem``, for the fixtures' pools.

Each test session generated its pools afresh: the cards' ``key_source`` (6), the chip tests'
``key_pool`` (4), their ``issuer_key`` and the OpenID provider's signing keys (4), ~40–100 ms
of CPU a key, ~1 s a worker before the first card. The keys are as real (OpenSSL made them);
only which keys they are no longer changes from one run to the next, which nothing tested
depends on. Key generation itself still runs where it is the subject (``FreshKeys`` in
``tests/unit/card/test_keys.py``, the CA's ``ca_template``) and in the pools of other modules
(``KeyPool.generate``: the OpenID and JPKI-reader modules). Each pool here gets keys of its
own (``take``), so no two pools share a key, as before.
"""

from __future__ import annotations

import functools
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_FILE = Path(__file__).with_name("premade_rsa_keys.pem")
_END = b"-----END PRIVATE KEY-----"

KEY_SOURCE = slice(0, 6)
KEY_POOL = slice(6, 10)
ISSUER = 10
SIGNING = slice(11, 15)


@functools.cache
def _keys() -> tuple[rsa.RSAPrivateKey, ...]:
    text = _FILE.read_bytes()
    blocks = [text[: i + len(_END)] for i in _offsets(text)]
    keys = []
    for block in blocks:
        start = block.rindex(b"-----BEGIN PRIVATE KEY-----")
        # OpenSSL made them (see the file's head): its consistency check (~50 ms) would buy
        # nothing here, as for the pool's keys.
        key = serialization.load_pem_private_key(
            block[start:], None, unsafe_skip_rsa_key_validation=True
        )
        assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
        keys.append(key)
    return tuple(keys)


def _offsets(text: bytes) -> list[int]:
    found, at = [], text.find(_END)
    while at != -1:
        found.append(at)
        at = text.find(_END, at + 1)
    return found


def take(which: slice) -> list[rsa.RSAPrivateKey]:
    """The kept keys ``which`` (``KEY_SOURCE``, ``KEY_POOL``, ``SIGNING``)."""
    return list(_keys()[which])


def one(which: int) -> rsa.RSAPrivateKey:
    """The kept key at ``which`` (``ISSUER``)."""
    return _keys()[which]
