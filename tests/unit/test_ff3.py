"""FF3-1 (NIST SP 800-38G Rev. 1) for radix 10, scalar and vectorised.

Vector sources:

- ``NIST_FF3_SAMPLES``: NIST CSRC "FF3samples.pdf" (Cryptographic Standards and Guidelines,
  Examples with Intermediate Values, SP 800-38G FF3), samples 1–4 (AES-128), 6–9 (AES-192) and
  11–14 (AES-256): every radix-10 sample; 5, 10 and 15 are radix 26. These use the withdrawn
  64-bit tweak; they check the round function that FF3-1 keeps unchanged.
- ``ACVP_FF3_1``: the draft NIST ACVP FF3-1 vectors (56-bit tweaks) as published in the ``ff3``
  package's test suite (github.com/mysto/python-fpe, ``ff3/ff3_test.py``,
  ``testVectors_ACVP_AES_FF3_1``), radix-10 cases: test group 1 (AES-128), 4 (AES-192) and
  7 (AES-256), tc ids noted.
- ``ff3`` (PyPI, mysto/python-fpe) itself, when installed, as an independent implementation.
"""

from __future__ import annotations

import numpy as np
import pytest

from mynumber.domain import ff3
from mynumber.domain.errors import InvalidInput

K128 = "EF4359D8D580AA4F7F036D6F04FC6A94"
K192 = K128 + "2B7E151628AED2A6"
K256 = K192 + "ABF7158809CF4F3C"
PT18 = "890121234567890000"
PT29 = "89012123456789000000789000000"

# (sample, key, 64-bit tweak, plaintext, ciphertext)
NIST_FF3_SAMPLES = [
    (1, K128, "D8E7920AFA330A73", PT18, "750918814058654607"),
    (2, K128, "9A768A92F60E12D8", PT18, "018989839189395384"),
    (3, K128, "D8E7920AFA330A73", PT29, "48598367162252569629397416226"),
    (4, K128, "0000000000000000", PT29, "34695224821734535122613701434"),
    (6, K192, "D8E7920AFA330A73", PT18, "646965393875028755"),
    (7, K192, "9A768A92F60E12D8", PT18, "961610514491424446"),
    (8, K192, "D8E7920AFA330A73", PT29, "53048884065350204541786380807"),
    (9, K192, "0000000000000000", PT29, "98083802678820389295041483512"),
    (11, K256, "D8E7920AFA330A73", PT18, "922011205562777495"),
    (12, K256, "9A768A92F60E12D8", PT18, "504149865578056140"),
    (13, K256, "D8E7920AFA330A73", PT29, "04344343235792599165734622699"),
    (14, K256, "0000000000000000", PT29, "30859239999374053872365555822"),
]

# (test case, key, 56-bit tweak, plaintext, ciphertext)
ACVP_FF3_1 = [
    (
        "tg1 tc1 AES-128",
        "2DE79D232DF5585D68CE47882AE256D6",
        "CBD09280979564",
        "3992520240",
        "8901801106",
    ),
    (
        "tg1 AES-128 56 digits",
        "01C63017111438F7FC8E24EB16C71AB5",
        "C4E822DCD09F27",
        "60761757463116869318437658042297305934914824457484538562",
        "35637144092473838892796702739628394376915177448290847293",
    ),
    (
        "tg4 tc76 AES-192",
        "F62EDB777A671075D47563F3A1E9AC797AA706A2D8E02FC8",
        "493B8451BF6716",
        "4406616808",
        "1807744762",
    ),
    (
        "tg4 tc77 AES-192",
        "0951B475D1A327C52756F2624AF224C80E9BE85F09B2D44F",
        "D679E2EA3054E1",
        "99980459818278359406199791971849884432821321826358606310",
        "84359031857952748660483617398396641079558152339419110919",
    ),
    (
        "tg7 tc151 AES-256",
        "1FAA03EFF55A06F8FAB3F1DC57127D493E2F8F5C365540467A3A055BDBE6481D",
        "4D67130C030445",
        "3679409436",
        "1735794859",
    ),
    (
        "tg7 tc152 AES-256",
        "9CE16E125BD422A011408EB083355E7089E70A4CD2F59E141D0B94A74BCC5967",
        "4684635BD2C821",
        "85783290820098255530464619643265070052870796363685134012",
        "75104723514036464144839960480545848044718729603261409917",
    ),
]

KEY = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
TWEAK = bytes.fromhex("F0E1D2C3B4A596")


def _ids(vectors: list[tuple[object, ...]]) -> list[str]:
    return [str(v[0]) for v in vectors]


# --- published vectors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sample", "key", "tweak", "plain", "cipher"), NIST_FF3_SAMPLES, ids=_ids(NIST_FF3_SAMPLES)
)
def test_original_ff3_matches_nist_sample(
    sample: int, key: str, tweak: str, plain: str, cipher: str
) -> None:
    k, t = bytes.fromhex(key), bytes.fromhex(tweak)
    assert ff3.encrypt_ff3(k, t, plain) == cipher
    assert ff3.decrypt_ff3(k, t, cipher) == plain


@pytest.mark.parametrize(
    ("case", "key", "tweak", "plain", "cipher"), ACVP_FF3_1, ids=_ids(ACVP_FF3_1)
)
def test_ff3_1_matches_acvp_vector(
    case: str, key: str, tweak: str, plain: str, cipher: str
) -> None:
    k, t = bytes.fromhex(key), bytes.fromhex(tweak)
    assert ff3.encrypt(k, t, plain) == cipher
    assert ff3.decrypt(k, t, cipher) == plain


@pytest.mark.parametrize(
    ("case", "key", "tweak", "plain", "cipher"),
    [v for v in ACVP_FF3_1 if len(v[3]) <= ff3.MAX_BATCH_LENGTH],
    ids=_ids([v for v in ACVP_FF3_1 if len(v[3]) <= ff3.MAX_BATCH_LENGTH]),
)
def test_batch_ff3_1_matches_acvp_vector(
    case: str, key: str, tweak: str, plain: str, cipher: str
) -> None:
    k, t = bytes.fromhex(key), bytes.fromhex(tweak)
    n = len(plain)
    assert ff3.encrypt_batch(k, t, np.array([int(plain)]), length=n).tolist() == [int(cipher)]
    assert ff3.decrypt_batch(k, t, np.array([int(cipher)]), length=n).tolist() == [int(plain)]


def test_ff3_1_agrees_with_the_independent_ff3_package() -> None:
    ff3_package = pytest.importorskip("ff3", reason="cross-check needs `pip install ff3`")
    rng = np.random.default_rng(7)
    for key_length in ff3.KEY_LENGTHS:
        key, tweak = rng.bytes(key_length), rng.bytes(7)
        reference = ff3_package.FF3Cipher(key.hex(), tweak.hex())
        for n in (6, 11, 12, 29, 56):
            digits = "".join(rng.choice(list("0123456789"), n))
            assert ff3.encrypt(key, tweak, digits) == reference.encrypt(digits)


# --- the permutation ---------------------------------------------------------------------------


def test_encryption_is_a_permutation_of_all_six_digit_strings() -> None:
    values = np.arange(10**6, dtype=np.int64)
    encrypted = ff3.encrypt_batch(KEY, TWEAK, values, length=6)
    assert np.array_equal(np.sort(encrypted), values)
    assert np.array_equal(ff3.decrypt_batch(KEY, TWEAK, encrypted, length=6), values)


@pytest.mark.parametrize("n", [6, 7, 11, 18, 29, 56])
def test_decrypt_inverts_encrypt_at_every_length_class(n: int) -> None:
    digits = ("31415926535897932384626433832795028841971693993751058209" * 2)[:n]
    assert len(ff3.encrypt(KEY, TWEAK, digits)) == n
    assert ff3.decrypt(KEY, TWEAK, ff3.encrypt(KEY, TWEAK, digits)) == digits


def test_leading_zeros_are_kept() -> None:
    encrypted = ff3.encrypt(KEY, TWEAK, "00000000000")
    assert len(encrypted) == 11
    assert ff3.decrypt(KEY, TWEAK, encrypted) == "00000000000"


def test_every_bit_of_the_tweak_changes_the_result() -> None:
    base = ff3.encrypt(KEY, TWEAK, "12345678901")
    for bit in range(56):
        flipped = bytearray(TWEAK)
        flipped[bit // 8] ^= 0x80 >> (bit % 8)
        assert ff3.encrypt(KEY, bytes(flipped), "12345678901") != base, bit


# --- batch equals scalar -----------------------------------------------------------------------


@pytest.mark.parametrize("key_length", ff3.KEY_LENGTHS)
def test_batch_equals_scalar_on_random_and_edge_values(key_length: int) -> None:
    rng = np.random.default_rng(key_length)
    key, tweak = rng.bytes(key_length), rng.bytes(7)
    values = np.concatenate(
        [[0, 1, 99_999, 100_000, 10**11 - 1], rng.integers(0, 10**11, 2000)]
    ).astype(np.int64)
    batch = ff3.encrypt_batch(key, tweak, values)
    scalar = [int(ff3.encrypt(key, tweak, str(v).zfill(11))) for v in values.tolist()]
    assert batch.tolist() == scalar
    assert batch.dtype == np.int64
    assert np.array_equal(ff3.decrypt_batch(key, tweak, batch), values)


@pytest.mark.parametrize("length", [6, 7, 10, 12, 17, 18])
def test_batch_equals_scalar_at_other_lengths(length: int) -> None:
    rng = np.random.default_rng(length)
    values = np.concatenate([[0, 10**length - 1], rng.integers(0, 10**length, 300)])
    batch = ff3.encrypt_batch(KEY, TWEAK, values, length=length)
    scalar = [int(ff3.encrypt(KEY, TWEAK, str(v).zfill(length))) for v in values.tolist()]
    assert batch.tolist() == scalar
    assert np.array_equal(ff3.decrypt_batch(KEY, TWEAK, batch, length=length), values)


def test_batch_keeps_the_shape_and_accepts_empty_input() -> None:
    grid = np.arange(12, dtype=np.int64).reshape(3, 4)
    assert ff3.encrypt_batch(KEY, TWEAK, grid).shape == (3, 4)
    assert ff3.encrypt_batch(KEY, TWEAK, np.array([], dtype=np.int64)).shape == (0,)


# --- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [b"", bytes(15), bytes(17), bytes(33), "0" * 16])
def test_key_of_the_wrong_length_is_refused(key: bytes) -> None:
    with pytest.raises(InvalidInput) as error:
        ff3.encrypt(key, TWEAK, "12345678901")
    assert error.value.details["field"] == "key"
    with pytest.raises(InvalidInput):
        ff3.encrypt_batch(key, TWEAK, np.array([1]))


@pytest.mark.parametrize("tweak", [b"", bytes(6), bytes(8), "0" * 7])
def test_ff3_1_refuses_a_tweak_that_is_not_seven_bytes(tweak: bytes) -> None:
    with pytest.raises(InvalidInput) as error:
        ff3.encrypt(KEY, tweak, "12345678901")
    assert error.value.details["field"] == "tweak"
    with pytest.raises(InvalidInput):
        ff3.decrypt_batch(KEY, tweak, np.array([1]))


def test_original_ff3_refuses_a_seven_byte_tweak() -> None:
    with pytest.raises(InvalidInput):
        ff3.encrypt_ff3(KEY, TWEAK, "12345678901")


@pytest.mark.parametrize(
    "digits", ["12345", "1" * 57, "", "12345a78901", "１２３４５６７", "-1234567", " 1234567"]
)
def test_input_outside_the_radix_10_domain_is_refused(digits: str) -> None:
    with pytest.raises(InvalidInput):
        ff3.encrypt(KEY, TWEAK, digits)
    with pytest.raises(InvalidInput):
        ff3.decrypt(KEY, TWEAK, digits)


@pytest.mark.parametrize("length", [5, 19, 56, True])
def test_batch_refuses_lengths_that_do_not_fit_int64(length: int) -> None:
    with pytest.raises(InvalidInput):
        ff3.encrypt_batch(KEY, TWEAK, np.array([1]), length=length)


@pytest.mark.parametrize(
    "values", [np.array([-1]), np.array([10**11]), np.array([1.0]), np.array(["1"])]
)
def test_batch_refuses_values_outside_the_domain(values: np.ndarray) -> None:
    with pytest.raises(InvalidInput):
        ff3.encrypt_batch(KEY, TWEAK, values)
