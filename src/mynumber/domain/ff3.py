"""FF3-1 形式保持暗号 (format-preserving encryption) over decimal digits.

FF3-1 as specified in NIST SP 800-38G Rev. 1 (2019), §5.2, Algorithms 9 and 10, for radix 10:
an 8-round Feistel network whose round function is AES (``CIPH``) under the byte-reversed key,
with a 56-bit (7-byte) tweak. It is a keyed permutation of the strings of ``n`` digits: every
input has exactly one output and back, so derived numbers cannot collide.

- Domain: radix 10, ``6 <= n <= 56`` (radix**minlen >= 1,000,000; maxlen = 2·⌊log10(2**96)⌋).
- Key: 16, 24 or 32 bytes (AES-128/192/256). Tweak: 7 bytes, split as
  ``T_L = T[0..27] || 0000`` and ``T_R = T[32..55] || T[28..31] || 0000`` (bits).
- ``encrypt_ff3``/``decrypt_ff3``: the original FF3 (SP 800-38G, 2016) with a 64-bit tweak split
  in two 32-bit halves, withdrawn by NIST; kept only so NIST's published FF3 sample vectors can
  check the shared round function. Never use it for numbers.
- ``encrypt_batch``/``decrypt_batch``: the same permutation on a numpy array of integers, one
  AES-ECB call per round for the whole batch (over a million numbers a second).

Caveat: the second public draft of SP 800-38G Rev. 1 (February 2025) drops FF3-1 and keeps only
FF1. Our numbers stay valid whatever happens to the standard (they are just a permutation); the
key and its custody are what protect them.

Sources: NIST SP 800-38G Rev. 1 (https://doi.org/10.6028/NIST.SP.800-38Gr1-draft); NIST
"FF3samples.pdf" (Examples with Intermediate Values); draft ACVP FF3-1 test vectors.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from cryptography.hazmat.primitives.ciphers import Cipher, CipherContext, algorithms, modes

from mynumber.domain.errors import invalid

RADIX = 10
MIN_LENGTH = 6
MAX_LENGTH = 56
#: Longest input ``encrypt_batch`` handles: 10**18 - 1 still fits in an int64.
MAX_BATCH_LENGTH = 18
KEY_LENGTHS = (16, 24, 32)
TWEAK_LENGTH = 7
FF3_TWEAK_LENGTH = 8
ROUNDS = 8

IntArray = npt.NDArray[np.int64]


# --- key material ------------------------------------------------------------------------------


def _ciph(key: bytes) -> CipherContext:
    """``CIPH_REVB(K)``: AES-ECB under the byte-reversed key (SP 800-38G Rev. 1, Alg. 9)."""
    if not isinstance(key, bytes | bytearray) or len(key) not in KEY_LENGTHS:
        raise invalid(
            "key",
            "The FF3-1 key must be 16, 24 or 32 bytes (AES-128/192/256).",
            "FF3-1の鍵は16・24・32バイト（AES-128/192/256）のいずれかです。",
        )
    # ECB here is the bare block cipher CIPH applied to independent blocks, not a mode of use.
    return Cipher(algorithms.AES(bytes(key[::-1])), modes.ECB()).encryptor()


def _ff3_1_tweak_halves(tweak: bytes) -> tuple[bytes, bytes]:
    """Split a 56-bit tweak into 32-bit ``(T_L, T_R)`` (SP 800-38G Rev. 1, Alg. 9 step 3)."""
    if not isinstance(tweak, bytes | bytearray) or len(tweak) != TWEAK_LENGTH:
        raise invalid(
            "tweak",
            "The FF3-1 tweak must be exactly 7 bytes (56 bits).",
            "FF3-1のトウィークは7バイト（56ビット）です。",
        )
    left = bytes(tweak[:3]) + bytes([tweak[3] & 0xF0])
    right = bytes(tweak[4:]) + bytes([(tweak[3] & 0x0F) << 4])
    return left, right


def _ff3_tweak_halves(tweak: bytes) -> tuple[bytes, bytes]:
    """Split the withdrawn FF3's 64-bit tweak into two 32-bit halves."""
    if not isinstance(tweak, bytes | bytearray) or len(tweak) != FF3_TWEAK_LENGTH:
        raise invalid(
            "tweak",
            "The original FF3 tweak must be exactly 8 bytes (64 bits).",
            "FF3（旧版）のトウィークは8バイト（64ビット）です。",
        )
    return bytes(tweak[:4]), bytes(tweak[4:])


def _round_tweak(left: bytes, right: bytes, i: int) -> tuple[bytes, int]:
    """Round ``i``'s ``W ⊕ [i]^4`` (byte-reversed, as it enters AES) and its half length flag.

    Even rounds use ``T_R`` and produce the left (longer) half, odd rounds ``T_L`` and the right.
    """
    w = bytearray(right if i % 2 == 0 else left)
    w[3] ^= i
    return bytes(w[::-1]), i % 2


# --- scalar ------------------------------------------------------------------------------------


def _check_digits(digits: str) -> str:
    if not isinstance(digits, str) or not (digits.isascii() and digits.isdigit()):
        raise invalid(
            "digits",
            "FF3-1 input must be a string of the digits 0-9.",
            "FF3-1の入力は0〜9の数字の列です。",
        )
    if not MIN_LENGTH <= len(digits) <= MAX_LENGTH:
        raise invalid(
            "digits",
            f"FF3-1 input must have {MIN_LENGTH} to {MAX_LENGTH} digits.",
            f"FF3-1の入力は{MIN_LENGTH}〜{MAX_LENGTH}桁です。",
        )
    return digits


def _round_value(ciph: CipherContext, w_reversed: bytes, half: int, modulus: int) -> int:
    """``NUM(S) mod radix^m`` with ``S = REVB(CIPH(REVB(W⊕[i] || [NUM(REV(half))]^12)))``."""
    out = ciph.update(half.to_bytes(12, "little") + w_reversed)
    return int.from_bytes(out, "little") % modulus


def _feistel(
    ciph: CipherContext, halves: tuple[bytes, bytes], digits: str, *, inverse: bool
) -> str:
    """Alg. 9 (``inverse=False``) or Alg. 10, on the reversed-digit values of the halves."""
    n = len(_check_digits(digits))
    u = (n + 1) // 2
    lengths = (u, n - u)
    a, b = int(digits[:u][::-1]), int(digits[u:][::-1])
    for i in reversed(range(ROUNDS)) if inverse else range(ROUNDS):
        w, parity = _round_tweak(*halves, i)
        modulus = RADIX ** lengths[parity]
        if inverse:
            a, b = (b - _round_value(ciph, w, a, modulus)) % modulus, a
        else:
            a, b = b, (a + _round_value(ciph, w, b, modulus)) % modulus
    return str(a).zfill(u)[::-1] + str(b).zfill(n - u)[::-1]


def encrypt(key: bytes, tweak: bytes, digits: str) -> str:
    """FF3-1 encryption of a decimal string (6–56 digits) under a 7-byte tweak."""
    return _feistel(_ciph(key), _ff3_1_tweak_halves(tweak), digits, inverse=False)


def decrypt(key: bytes, tweak: bytes, digits: str) -> str:
    """FF3-1 decryption: the inverse of ``encrypt``."""
    return _feistel(_ciph(key), _ff3_1_tweak_halves(tweak), digits, inverse=True)


def encrypt_ff3(key: bytes, tweak: bytes, digits: str) -> str:
    """The withdrawn FF3 (64-bit tweak), only to check against NIST's FF3 sample vectors."""
    return _feistel(_ciph(key), _ff3_tweak_halves(tweak), digits, inverse=False)


def decrypt_ff3(key: bytes, tweak: bytes, digits: str) -> str:
    """Inverse of ``encrypt_ff3`` (withdrawn FF3, test vectors only)."""
    return _feistel(_ciph(key), _ff3_tweak_halves(tweak), digits, inverse=True)


# --- vectorised --------------------------------------------------------------------------------


def _check_batch(values: npt.ArrayLike, length: int) -> IntArray:
    if (
        isinstance(length, bool)
        or not isinstance(length, int)
        or not MIN_LENGTH <= length <= MAX_BATCH_LENGTH
    ):
        raise invalid(
            "length",
            f"Batch FF3-1 handles {MIN_LENGTH} to {MAX_BATCH_LENGTH} digits.",
            f"一括FF3-1は{MIN_LENGTH}〜{MAX_BATCH_LENGTH}桁に対応します。",
        )
    array = np.asarray(values)
    if not np.issubdtype(array.dtype, np.integer):
        raise invalid(
            "values",
            "Batch FF3-1 input must be an integer array.",
            "一括FF3-1の入力は整数の配列です。",
        )
    if array.size and (array.min() < 0 or array.max() >= RADIX**length):
        raise invalid(
            "values",
            f"Every value must lie in 0 .. 10^{length} - 1.",
            f"各値は0以上10^{length}未満です。",
        )
    return array.astype(np.int64)


def _reverse_digits(x: IntArray, m: int) -> IntArray:
    """``NUM(REV(STR^m(x)))`` for every element: the m-digit numbers read backwards."""
    out = np.zeros_like(x)
    for _ in range(m):
        x, digit = np.divmod(x, RADIX)
        out = out * RADIX + digit
    return out


class _BatchRounds:
    """The round function for a whole batch: one AES-ECB ``update`` per round."""

    def __init__(self, ciph: CipherContext, n: int) -> None:
        self._ciph = ciph
        self._flat = np.zeros(16 * n, dtype=np.uint8)
        self._blocks = self._flat.reshape(n, 16)  # a view: writes land in _flat
        self._out = bytearray(16 * n + 15)  # update_into wants one spare block

    def value(self, w_reversed: bytes, half: IntArray, modulus: int) -> IntArray:
        """``NUM(S) mod modulus`` for every element of ``half``, without a Python loop."""
        n = len(half)
        # REVB(P) = [NUM(REV(B))]^12 little-endian || REVB(W ⊕ [i]^4); the half is < 10^9 < 2^32.
        self._blocks[:, :8] = half.astype("<u8").view(np.uint8).reshape(n, 8)
        self._blocks[:, 12:] = np.frombuffer(w_reversed, dtype=np.uint8)
        self._ciph.update_into(self._flat.data, self._out)
        # NUM(S) = NUM(REVB(out)): the AES output read little-endian, as four 32-bit words.
        words = np.frombuffer(self._out, dtype="<u4", count=4 * n).reshape(n, 4)
        weights = np.array([pow(2, 32 * k, modulus) for k in range(4)], dtype=np.uint64)
        # Each term < 2^32 · 10^9 < 2^62, so the sum of four fits in a uint64.
        return (words.astype(np.uint64) @ weights % np.uint64(modulus)).astype(np.int64)


def _feistel_batch(
    key: bytes, tweak: bytes, values: npt.ArrayLike, length: int, *, inverse: bool
) -> IntArray:
    ciph, halves = _ciph(key), _ff3_1_tweak_halves(tweak)
    x = _check_batch(values, length)
    shape, x = x.shape, x.reshape(-1)
    if not x.size:
        return x.reshape(shape)
    u, v = (length + 1) // 2, length // 2
    lengths = (u, v)
    a, b = _reverse_digits(x // RADIX**v, u), _reverse_digits(x % RADIX**v, v)
    rounds = _BatchRounds(ciph, len(x))
    for i in reversed(range(ROUNDS)) if inverse else range(ROUNDS):
        w, parity = _round_tweak(*halves, i)
        modulus = RADIX ** lengths[parity]
        if inverse:
            a, b = (b - rounds.value(w, a, modulus)) % modulus, a
        else:
            a, b = b, (a + rounds.value(w, b, modulus)) % modulus
    result = _reverse_digits(a, u) * RADIX**v + _reverse_digits(b, v)
    reshaped: npt.NDArray[np.int64] = result.reshape(shape)
    return reshaped


def encrypt_batch(key: bytes, tweak: bytes, values: npt.ArrayLike, length: int = 11) -> IntArray:
    """FF3-1 encryption of every integer in ``values`` read as a ``length``-digit string.

    Equal, element by element, to ``int(encrypt(key, tweak, str(x).zfill(length)))``.
    ``length`` is 6–18 (int64); values must lie in ``0 .. 10**length - 1``.
    """
    return _feistel_batch(key, tweak, values, length, inverse=False)


def decrypt_batch(key: bytes, tweak: bytes, values: npt.ArrayLike, length: int = 11) -> IntArray:
    """FF3-1 decryption of every integer in ``values``: the inverse of ``encrypt_batch``."""
    return _feistel_batch(key, tweak, values, length, inverse=True)
