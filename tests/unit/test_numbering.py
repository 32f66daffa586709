"""Making the My Number from the resident-registry code (番号法 第7条, 第8条; 施行規則 第5条)."""

from __future__ import annotations

import numpy as np
import pytest
from stdnum.jp import in_ as stdnum_in

from mynumber.domain import ff3
from mynumber.domain.errors import InvalidInput
from mynumber.domain.numbering import (
    check_digits,
    derive_my_number,
    derive_my_numbers,
    registry_code_for,
    registry_code_of,
)
from mynumber.domain.numbers import IndividualNumber, ResidentRegistryCode

KEY = bytes.fromhex("5A17C0DE5A17C0DE5A17C0DE5A17C0DE")
OTHER_KEY = bytes.fromhex("0123456789ABCDEF0123456789ABCDEF")
TWEAK = bytes.fromhex("4A4C4953313331")  # "JLIS131"


# --- registry codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sequence", "digits"),
    [
        (0, "00000000000"),
        (12345, "00000012345"),
        (99_999_999_999, "99999999999"),
        (np.int64(42), "00000000042"),
    ],
)
def test_registry_code_is_the_sequence_zero_padded_to_eleven_digits(
    sequence: int, digits: str
) -> None:
    assert registry_code_for(sequence) == ResidentRegistryCode(digits)


@pytest.mark.parametrize("sequence", [-1, 10**11, True, 1.0, "1"])
def test_registry_code_refuses_a_sequence_out_of_range(sequence: int) -> None:
    with pytest.raises(InvalidInput) as error:
        registry_code_for(sequence)
    assert error.value.details["field"] == "sequence"


# --- one number --------------------------------------------------------------------------------


def test_derived_number_has_twelve_digits_and_a_valid_check_digit() -> None:
    number = derive_my_number(registry_code_for(1), key=KEY, tweak=TWEAK)
    assert len(number.digits) == 12
    assert stdnum_in.is_valid(number.digits)
    assert number.digits[-1] == stdnum_in.calc_check_digit(number.digits[:11])


def test_the_same_code_always_gives_the_same_number() -> None:
    code = registry_code_for(31_415_926_535)
    first = derive_my_number(code, key=KEY, tweak=TWEAK)
    # A person who leaves Japan and comes back keeps their code, hence their number.
    again = derive_my_number(ResidentRegistryCode(code.digits), key=KEY, tweak=TWEAK)
    assert first == again


def test_the_number_is_not_the_code_itself() -> None:
    code = registry_code_for(12_345_678_901)
    assert derive_my_number(code, key=KEY, tweak=TWEAK).digits[:11] != code.digits


def test_the_key_holder_recovers_the_registry_code_from_the_number() -> None:
    for sequence in (0, 1, 12_345_678_901, 99_999_999_999):
        code = registry_code_for(sequence)
        number = derive_my_number(code, key=KEY, tweak=TWEAK)
        assert registry_code_of(number, key=KEY, tweak=TWEAK) == code


def test_a_different_key_or_tweak_gives_a_different_number() -> None:
    code = registry_code_for(7)
    number = derive_my_number(code, key=KEY, tweak=TWEAK)
    assert derive_my_number(code, key=OTHER_KEY, tweak=TWEAK) != number
    assert derive_my_number(code, key=KEY, tweak=bytes(7)) != number
    codes = np.arange(1000, dtype=np.int64)
    assert not np.any(
        derive_my_numbers(codes, key=KEY, tweak=TWEAK)
        == derive_my_numbers(codes, key=OTHER_KEY, tweak=TWEAK)
    )


def test_a_derived_number_never_shows_in_full_when_printed() -> None:
    number = derive_my_number(registry_code_for(5), key=KEY, tweak=TWEAK)
    assert number.digits not in repr(number) and number.digits not in str(number)


@pytest.mark.parametrize(
    ("key", "tweak", "field"),
    [
        (bytes(15), TWEAK, "key"),
        (bytes(20), TWEAK, "key"),
        (bytes(64), TWEAK, "key"),
        (KEY, bytes(6), "tweak"),
        (KEY, bytes(8), "tweak"),
        (KEY, b"", "tweak"),
    ],
)
def test_key_material_of_the_wrong_length_is_refused(key: bytes, tweak: bytes, field: str) -> None:
    code = registry_code_for(1)
    number = IndividualNumber.parse("621498320257")
    for call in (
        lambda: derive_my_number(code, key=key, tweak=tweak),
        lambda: derive_my_numbers(np.array([1]), key=key, tweak=tweak),
        lambda: registry_code_of(number, key=key, tweak=tweak),
    ):
        with pytest.raises(InvalidInput) as error:
            call()
        assert error.value.details["field"] == field


@pytest.mark.parametrize("key_length", ff3.KEY_LENGTHS)
def test_every_aes_key_size_derives_valid_numbers(key_length: int) -> None:
    key = bytes(range(key_length))
    number = derive_my_number(registry_code_for(99), key=key, tweak=TWEAK)
    assert stdnum_in.is_valid(number.digits)


# --- the check digit in numpy ------------------------------------------------------------------


def test_vectorised_check_digit_equals_stdnum() -> None:
    rng = np.random.default_rng(2026)
    eleven = np.concatenate([[0, 1, 62149832025, 10**11 - 1], rng.integers(0, 10**11, 20_000)])
    expected = [int(stdnum_in.calc_check_digit(str(v).zfill(11))) for v in eleven.tolist()]
    assert check_digits(eleven).tolist() == expected
    assert check_digits(np.array([62149832025])).tolist() == [7]  # 6214 9832 0257


def test_check_digit_covers_every_remainder_including_zero_and_one() -> None:
    # r ≤ 1 gives 0: exercise all eleven remainders, as stdnum does.
    eleven = np.arange(10**6, 10**6 + 2000, dtype=np.int64)
    digits = check_digits(eleven)
    expected = [int(stdnum_in.calc_check_digit(str(v).zfill(11))) for v in eleven.tolist()]
    assert digits.tolist() == expected
    assert set(digits.tolist()) == set(range(10))


# --- many numbers at once ----------------------------------------------------------------------


def test_batch_derivation_equals_one_by_one() -> None:
    rng = np.random.default_rng(8)
    codes = np.concatenate([[0, 10**11 - 1], rng.integers(0, 10**11, 300)]).astype(np.int64)
    batch = derive_my_numbers(codes, key=KEY, tweak=TWEAK)
    one_by_one = [
        int(derive_my_number(ResidentRegistryCode(str(c).zfill(11)), key=KEY, tweak=TWEAK).digits)
        for c in codes.tolist()
    ]
    assert batch.tolist() == one_by_one
    assert batch.dtype == np.int64


def test_a_hundred_thousand_codes_give_a_hundred_thousand_valid_distinct_numbers() -> None:
    codes = np.random.default_rng(100).choice(10**11, size=100_000, replace=False)
    numbers = derive_my_numbers(codes, key=KEY, tweak=TWEAK)
    assert len(np.unique(numbers)) == len(codes)
    assert numbers.min() >= 0 and numbers.max() < 10**12
    assert all(stdnum_in.is_valid(str(n).zfill(12)) for n in numbers.tolist())
    recovered = ff3.decrypt_batch(KEY, TWEAK, numbers // 10)
    assert np.array_equal(recovered, codes)


def test_consecutive_codes_give_unrelated_numbers() -> None:
    numbers = derive_my_numbers(np.arange(1, 1001), key=KEY, tweak=TWEAK)
    assert len(np.unique(numbers)) == 1000
    # Sequential codes must not leak as sequential numbers (番号法 第8条: not inferable).
    assert np.count_nonzero(np.diff(numbers) == 10) < 5


@pytest.mark.parametrize("codes", [np.array([-1]), np.array([10**11]), np.array([0.5])])
def test_batch_refuses_codes_that_are_not_eleven_digit_integers(codes: np.ndarray) -> None:
    with pytest.raises(InvalidInput):
        derive_my_numbers(codes, key=KEY, tweak=TWEAK)
