"""暗証番号 — the PINs held on the My Number Card chip, and how the chip keeps them.

The card carries four PINs (J-LIS; RULES.md "The card"):

- 利用者証明用電子証明書の暗証番号 — user-authentication PIN, 4 digits, locks after 3 wrong entries;
- 住民基本台帳の暗証番号 — resident-registry PIN, 4 digits, 3 entries;
- 券面事項入力補助用の暗証番号 — card-face input-support PIN, 4 digits, 3 entries;
- 署名用電子証明書の暗証番号 — signature PIN, 6–16 characters, locks after **5** wrong entries.

The format rules live in ``mynumber.domain.pins`` (the service checks a new PIN there before it
reaches the card); the chip only stores and compares. ``PinRef`` is the domain's ``PinKind``.

A PIN is never stored in clear. The stored value is
``HMAC-SHA256(pepper, PBKDF2-HMAC-SHA256(pin, salt, PBKDF2_ITERATIONS))`` where the pepper is
derived from the chip key (``mynumber.card.sealing``) and never reaches the store. Why not
Argon2: a 4-digit PIN has 10,000 values, so no work factor can make an offline search of a
stolen hash slow (10,000 × 185 ms is half an hour); what protects it is the secret pepper and,
on the card, the retry counter. Argon2 would only add ~185 ms to every clinic check. The modest
PBKDF2 count (~2 ms here) is a second layer for the longer signature PIN should the pepper leak.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from mynumber.domain.pins import PinKind

PBKDF2_ITERATIONS = 5_000
SALT_BYTES = 16


PinRef = PinKind
"""The chip's reference to its PIN objects is the domain's PIN kind (one list, one limit)."""


def new_salt() -> bytes:
    """A fresh random salt; every PIN change gets a new one."""
    return os.urandom(SALT_BYTES)


def hash_pin(pin: str, *, salt: bytes, pepper: bytes) -> bytes:
    """The stored form of ``pin``: PBKDF2 with ``salt``, then keyed with the chip's ``pepper``."""
    stretched = hashlib.pbkdf2_hmac("sha256", pin.encode("utf-8"), salt, PBKDF2_ITERATIONS)
    return hmac.new(pepper, stretched, hashlib.sha256).digest()


def pin_matches(pin: str, *, salt: bytes, pepper: bytes, stored: bytes) -> bool:
    """Whether ``pin`` is the PIN whose stored form is ``stored`` (constant-time comparison)."""
    return hmac.compare_digest(hash_pin(pin, salt=salt, pepper=pepper), stored)
