"""PIN formats, the trivial-PIN policy and retry limits (domain/pins.py)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.errors import InvalidInput
from mynumber.domain.pins import (
    FOUR_DIGIT_KINDS,
    PinKind,
    attempts_left,
    check_pin,
    check_pin_format,
    is_locked,
    trivial_pin_reason,
)

BORN = dt.date(1990, 3, 15)


def refusal(kind: PinKind, pin: str, **kwargs: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as exc:
        check_pin(kind, pin, **kwargs)  # type: ignore[arg-type]
    assert exc.value.details["field"] == kind.field
    return exc.value


# --- kinds and limits ----------------------------------------------------------------------


def test_each_pin_kind_has_its_field_name():
    assert [k.field for k in PinKind] == [
        "user_authentication_pin",
        "resident_registry_pin",
        "card_info_input_pin",
        "signature_pin",
    ]


def test_four_digit_pins_lock_after_three_wrong_entries():
    for kind in FOUR_DIGIT_KINDS:
        assert kind.max_attempts == 3
        assert not is_locked(kind, 2) and is_locked(kind, 3)
        assert attempts_left(kind, 1) == 2


def test_signature_pin_locks_after_five_wrong_entries():
    assert PinKind.SIGNATURE.max_attempts == 5
    assert not is_locked(PinKind.SIGNATURE, 4)
    assert is_locked(PinKind.SIGNATURE, 5)
    assert attempts_left(PinKind.SIGNATURE, 7) == 0


def test_only_the_user_authentication_pin_can_be_reset_at_a_kiosk():
    assert [k for k in PinKind if k.resettable_at_kiosk] == [PinKind.USER_AUTHENTICATION]


def test_every_kind_has_english_and_japanese_names():
    for kind in PinKind:
        assert kind.name_en and kind.name_ja.endswith("暗証番号")


# --- 4-digit PINs --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", FOUR_DIGIT_KINDS)
def test_four_digit_pins_accept_four_digits(kind):
    assert check_pin(kind, "4821") == "4821"
    assert check_pin(kind, "0592", date_of_birth=BORN) == "0592"


@pytest.mark.parametrize(
    "pin", ["", "482", "48213", "48a1", " 4821", "4821\n", "４８２１", "٤٨٢١", "+482"]
)
def test_four_digit_pins_refuse_anything_but_exactly_four_ascii_digits(pin):
    error = refusal(PinKind.USER_AUTHENTICATION, pin)
    assert error.details["reason"] == "format"
    assert "exactly 4 digits" in error.message_en
    assert "数字4桁" in error.message_ja


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("0000", "same_digits"),
        ("7777", "same_digits"),
        ("1234", "sequence"),
        ("0123", "sequence"),
        ("6789", "sequence"),
        ("9876", "sequence"),
        ("3210", "sequence"),
    ],
)
def test_trivial_four_digit_pins_are_refused(pin, reason):
    error = refusal(PinKind.RESIDENT_REGISTRY, pin)
    assert error.details["reason"] == reason
    assert "hard to guess" in error.message_en and "推測されにくい" in error.message_ja


@pytest.mark.parametrize("pin", ["0315", "1503", "1990"])
def test_pins_from_the_birth_date_printed_on_the_card_are_refused(pin):
    error = refusal(PinKind.CARD_INFO_INPUT, pin, date_of_birth=BORN)
    assert error.details["reason"] == "birth_date"
    assert "date of birth" in error.message_en and "生年月日" in error.message_ja


def test_birth_date_pins_are_allowed_when_the_birth_date_is_not_known():
    assert check_pin(PinKind.USER_AUTHENTICATION, "1990") == "1990"


def test_exactly_24_pins_are_trivial_without_a_birth_date():
    pins = ("".join(p) for p in itertools.product("0123456789", repeat=4))
    assert sum(trivial_pin_reason(p) is not None for p in pins) == 24


def test_format_check_alone_accepts_a_trivial_pin_for_entering_it():
    assert check_pin_format(PinKind.USER_AUTHENTICATION, "1234") == "1234"


# --- signature PIN -------------------------------------------------------------------------


@pytest.mark.parametrize("pin", ["ABC123", "A1B2C3D4E5F6G7H8", "1A2345", "ZZZZZ9"])
def test_signature_pin_accepts_6_to_16_uppercase_letters_and_digits(pin):
    assert check_pin(PinKind.SIGNATURE, pin, date_of_birth=BORN) == pin


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("AB123", "length"),
        ("A1B2C3D4E5F6G7H8I", "length"),
        ("", "length"),
        ("abc123", "characters"),
        ("ABC-123", "characters"),
        ("ＡＢＣ１２３", "characters"),
        ("ABC 123", "characters"),
        ("123456", "no_letter"),
        ("ABCDEF", "no_digit"),
    ],
)
def test_signature_pin_refusals_say_the_rule_and_what_is_wrong(pin, reason):
    error = refusal(PinKind.SIGNATURE, pin)
    assert error.details["reason"] == reason
    assert "6 to 16 characters" in error.message_en
    assert "6〜16文字" in error.message_ja


def test_signature_pin_refusal_points_out_lowercase_letters():
    error = refusal(PinKind.SIGNATURE, "abc123")
    assert "lowercase" in error.message_en and "小文字" in error.message_ja


@given(
    kind=st.sampled_from(list(PinKind)),
    pin=st.text(alphabet="0123456789ABCXYZabc-", min_size=5, max_size=20),
)
def test_a_refused_pin_never_appears_in_the_message(kind, pin):
    try:
        check_pin(kind, pin, date_of_birth=BORN)
    except InvalidInput as error:
        assert pin not in error.message_en and pin not in error.message_ja
        assert error.details["field"] == kind.field
        assert pin not in repr(error.details)


@given(st.text(alphabet="0123456789", min_size=4, max_size=4))
def test_every_four_digit_pin_is_either_accepted_or_refused_as_trivial(pin):
    try:
        assert check_pin(PinKind.USER_AUTHENTICATION, pin, date_of_birth=BORN) == pin
    except InvalidInput as error:
        assert error.details["reason"] in {"same_digits", "sequence", "birth_date"}
