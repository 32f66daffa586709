"""個人番号の生成 (making the My Number) from the 住民票コード (resident-registry code).

番号法 第8条: J-LIS generates each My Number from the person's 11-digit resident-registry code so
that it cannot be inferred from that code. Ours is

    My Number = FF3-1(key, tweak, registry code) || check digit

- FF3-1 (``mynumber.domain.ff3``, NIST SP 800-38G Rev. 1) is a keyed permutation of the 11-digit
  strings: two codes never give the same number, and without the key the number reveals
  nothing about the code. The same code always gives the same number, so a person who leaves
  Japan and comes back (keeping their registry code) gets their old number back (番号法 第7条).
- The check digit is the official one (番号法施行規則 第5条), computed by ``stdnum.jp.in_``
  for one number and by ``check_digits`` (the same formula in numpy) for a batch:
  P_n the n-th digit from the right, Q_n = n+1 (n ≤ 6) or n−5 (n ≥ 7),
  r = ΣP_n·Q_n mod 11, check digit = 0 if r ≤ 1 else 11 − r.
- Key material: the key is 16, 24 or 32 bytes, the tweak exactly 7 bytes.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from mynumber.domain import ff3
from mynumber.domain.errors import invalid
from mynumber.domain.numbers import IndividualNumber, ResidentRegistryCode

REGISTRY_CODE_LENGTH = 11
MAX_SEQUENCE = 10**REGISTRY_CODE_LENGTH - 1

IntArray = npt.NDArray[np.int64]


def registry_code_for(sequence: int) -> ResidentRegistryCode:
    """The registry code for the ``sequence``-th registration: 0 → ``00000000000``.

    Codes run from 0 to 99,999,999,999; anything else (negative, too large, not an
    integer) is refused.
    """
    if isinstance(sequence, bool) or not isinstance(sequence, int | np.integer):
        raise invalid(
            "sequence",
            "A registry sequence number must be an integer.",
            "住民票コードの連番は整数です。",
        )
    if not 0 <= sequence <= MAX_SEQUENCE:
        raise invalid(
            "sequence",
            f"A registry sequence number must lie in 0 .. {MAX_SEQUENCE:,}.",
            f"住民票コードの連番は0〜{MAX_SEQUENCE:,}の範囲です。",
        )
    return ResidentRegistryCode(str(int(sequence)).zfill(REGISTRY_CODE_LENGTH))


def _check_key_material(key: bytes, tweak: bytes) -> None:
    # ff3 checks these too; repeated here so the numbering rule stands on its own.
    if not isinstance(key, bytes | bytearray) or len(key) not in ff3.KEY_LENGTHS:
        raise invalid(
            "key",
            "The numbering key must be 16, 24 or 32 bytes.",
            "採番鍵は16・24・32バイトのいずれかです。",
        )
    if not isinstance(tweak, bytes | bytearray) or len(tweak) != ff3.TWEAK_LENGTH:
        raise invalid(
            "tweak", "The numbering tweak must be exactly 7 bytes.", "採番トウィークは7バイトです。"
        )


def derive_my_number(code: ResidentRegistryCode, *, key: bytes, tweak: bytes) -> IndividualNumber:
    """The My Number of the person with registry code ``code`` (番号法 第8条)."""
    _check_key_material(key, tweak)
    return IndividualNumber.from_registry_digits(ff3.encrypt(key, tweak, code.digits))


def registry_code_of(number: IndividualNumber, *, key: bytes, tweak: bytes) -> ResidentRegistryCode:
    """The registry code a My Number was derived from (only the key holder can do this)."""
    _check_key_material(key, tweak)
    return ResidentRegistryCode(ff3.decrypt(key, tweak, number.digits[:REGISTRY_CODE_LENGTH]))


# Q_n for n = 1..11, the weight of the n-th digit counted from the right.
_WEIGHTS = np.array([n + 1 if n <= 6 else n - 5 for n in range(1, 12)], dtype=np.int64)


def check_digits(eleven: npt.ArrayLike) -> IntArray:
    """The official check digit of every 11-digit number in ``eleven`` (番号法施行規則 第5条)."""
    x = np.asarray(eleven, dtype=np.int64)
    total = np.zeros_like(x)
    for weight in _WEIGHTS:
        x, digit = np.divmod(x, 10)
        total += digit * weight
    r = total % 11
    return np.where(r <= 1, 0, 11 - r)


def derive_my_numbers(codes: np.ndarray, *, key: bytes, tweak: bytes) -> IntArray:
    """The My Numbers (12-digit int64, check digit last) of an array of 11-digit registry codes.

    Element by element equal to ``int(derive_my_number(...).digits)``; about a million
    numbers in well under a second.
    """
    _check_key_material(key, tweak)
    eleven = ff3.encrypt_batch(key, tweak, codes, length=REGISTRY_CODE_LENGTH)
    return eleven * 10 + check_digits(eleven)
