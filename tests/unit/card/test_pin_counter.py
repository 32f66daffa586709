"""The chip's PIN retry counters: 3 tries for the 4-digit PINs, 5 for the signature PIN."""

from __future__ import annotations

import pytest

from mynumber.card import Chip, MemoryChipStore, PinRef
from mynumber.domain.errors import CardError, Conflict, InvalidInput, PinLocked, WrongPin
from tests.unit.card.support import CARD_ID, FOUR_DIGIT_PINS, RIGHT, WRONG, initial_pins


def enter_wrong(chip: Chip, pin_ref: PinRef, times: int) -> list[int]:
    """Enter a wrong PIN ``times`` times, each in a new session; the tries left each answered."""
    answers = []
    for _ in range(times):
        with chip.open_session() as session, pytest.raises(WrongPin) as refused:
            session.verify(pin_ref, WRONG[pin_ref])
        answers.append(refused.value.details["tries_left"])
    return answers


@pytest.mark.parametrize("pin_ref", FOUR_DIGIT_PINS)
def test_four_digit_pin_locks_after_exactly_three_wrong_entries(
    chip: Chip, pin_ref: PinRef
) -> None:
    assert enter_wrong(chip, pin_ref, 3) == [2, 1, 0]
    with pytest.raises(PinLocked):
        chip.open_session().verify(pin_ref, WRONG[pin_ref])


def test_signature_pin_locks_after_exactly_five_wrong_entries(chip: Chip) -> None:
    assert enter_wrong(chip, PinRef.SIGNATURE, 4) == [4, 3, 2, 1]
    chip.open_session().verify(PinRef.SIGNATURE, RIGHT[PinRef.SIGNATURE])  # 4 wrong: still open
    assert enter_wrong(chip, PinRef.SIGNATURE, 5) == [4, 3, 2, 1, 0]
    with pytest.raises(PinLocked):
        chip.open_session().verify(PinRef.SIGNATURE, RIGHT[PinRef.SIGNATURE])


@pytest.mark.parametrize("pin_ref", list(PinRef))
def test_correct_pin_after_the_lock_is_refused(chip: Chip, pin_ref: PinRef) -> None:
    enter_wrong(chip, pin_ref, pin_ref.max_attempts)
    session = chip.open_session()
    with pytest.raises(PinLocked) as refused:
        session.verify(pin_ref, RIGHT[pin_ref])
    assert refused.value.details == {"pin": pin_ref.value, "tries_left": 0}
    assert not session.is_verified(pin_ref)
    assert session.tries_left(pin_ref) == 0


def test_correct_pin_resets_the_count(chip: Chip) -> None:
    enter_wrong(chip, PinRef.USER_AUTHENTICATION, 2)
    chip.open_session().verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    assert chip.open_session().tries_left(PinRef.USER_AUTHENTICATION) == 3
    assert enter_wrong(chip, PinRef.USER_AUTHENTICATION, 2) == [2, 1]


def test_failures_carry_over_between_sessions_and_chip_objects(
    chip: Chip, store: MemoryChipStore, chip_key: bytes
) -> None:
    enter_wrong(chip, PinRef.USER_AUTHENTICATION, 2)
    same_card_later = Chip(store, CARD_ID, chip_key=chip_key)
    with pytest.raises(WrongPin) as refused:
        same_card_later.open_session().verify(
            PinRef.USER_AUTHENTICATION, WRONG[PinRef.USER_AUTHENTICATION]
        )
    assert refused.value.details["tries_left"] == 0


def test_pins_are_counted_separately(chip: Chip) -> None:
    enter_wrong(chip, PinRef.USER_AUTHENTICATION, 3)
    session = chip.open_session()
    session.verify(PinRef.CARD_INFO_INPUT, RIGHT[PinRef.CARD_INFO_INPUT])
    assert session.tries_left(PinRef.SIGNATURE) == 5


def test_asking_the_tries_left_spends_none(chip: Chip) -> None:
    session = chip.open_session()
    enter_wrong(chip, PinRef.SIGNATURE, 1)
    assert [session.tries_left(PinRef.SIGNATURE) for _ in range(3)] == [4, 4, 4]


def test_wrong_pin_says_the_tries_left_in_english_and_japanese(chip: Chip) -> None:
    with pytest.raises(WrongPin) as refused:
        chip.open_session().verify(PinRef.USER_AUTHENTICATION, WRONG[PinRef.USER_AUTHENTICATION])
    assert "2 tries left" in refused.value.message_en
    assert "あと2回" in refused.value.message_ja
    assert refused.value.details == {"pin": "user_authentication", "tries_left": 2}


def test_locked_pin_says_where_to_unlock_it(chip: Chip) -> None:
    enter_wrong(chip, PinRef.USER_AUTHENTICATION, 3)
    enter_wrong(chip, PinRef.SIGNATURE, 5)
    with pytest.raises(PinLocked) as user_auth:
        chip.open_session().verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    with pytest.raises(PinLocked) as signature:
        chip.open_session().verify(PinRef.SIGNATURE, RIGHT[PinRef.SIGNATURE])
    assert "kiosk" in user_auth.value.message_en and "コンビニ" in user_auth.value.message_ja
    assert "kiosk" not in signature.value.message_en
    assert "窓口" in signature.value.message_ja


def test_a_crash_between_the_stored_try_and_the_comparison_still_costs_the_try(
    chip: Chip, store: MemoryChipStore, chip_key: bytes
) -> None:
    def power_cut(pin_ref: PinRef) -> None:
        raise RuntimeError("card pulled from the reader")

    crashing = Chip(store, CARD_ID, chip_key=chip_key, before_compare=power_cut)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            crashing.open_session().verify(
                PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION]
            )
    # Three interrupted entries of the *right* PIN: the card is locked all the same.
    with pytest.raises(PinLocked):
        chip.open_session().verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])


def test_one_crash_costs_one_try_and_a_later_correct_pin_gives_it_back(
    chip: Chip, store: MemoryChipStore, chip_key: bytes
) -> None:
    def power_cut(pin_ref: PinRef) -> None:
        raise RuntimeError("card pulled from the reader")

    with pytest.raises(RuntimeError):
        Chip(store, CARD_ID, chip_key=chip_key, before_compare=power_cut).open_session().verify(
            PinRef.SIGNATURE, RIGHT[PinRef.SIGNATURE]
        )
    assert chip.open_session().tries_left(PinRef.SIGNATURE) == 4
    chip.open_session().verify(PinRef.SIGNATURE, RIGHT[PinRef.SIGNATURE])
    assert chip.open_session().tries_left(PinRef.SIGNATURE) == 5


@pytest.mark.parametrize("pin_ref", list(PinRef))
def test_reset_pin_at_the_ward_office_unlocks(chip: Chip, pin_ref: PinRef) -> None:
    enter_wrong(chip, pin_ref, pin_ref.max_attempts)
    new_pin = "5678" if pin_ref is not PinRef.SIGNATURE else "NEWPIN99"
    chip.reset_pin(pin_ref, new_pin)
    session = chip.open_session()
    assert session.tries_left(pin_ref) == pin_ref.max_attempts
    session.verify(pin_ref, new_pin)
    with pytest.raises(WrongPin):
        session.verify(pin_ref, RIGHT[pin_ref])  # the old PIN is gone


def test_change_pin_needs_the_old_pin_and_a_wrong_old_pin_costs_a_try(chip: Chip) -> None:
    session = chip.open_session()
    with pytest.raises(WrongPin):
        session.change_pin(PinRef.USER_AUTHENTICATION, WRONG[PinRef.USER_AUTHENTICATION], "4321")
    assert session.tries_left(PinRef.USER_AUTHENTICATION) == 2
    session.change_pin(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION], "4321")
    assert session.tries_left(PinRef.USER_AUTHENTICATION) == 3
    chip.open_session().verify(PinRef.USER_AUTHENTICATION, "4321")
    with pytest.raises(WrongPin):
        chip.open_session().verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])


def test_a_wrong_pin_clears_an_earlier_verification_in_the_session(chip: Chip) -> None:
    session = chip.open_session()
    session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    with pytest.raises(WrongPin):
        session.verify(PinRef.USER_AUTHENTICATION, WRONG[PinRef.USER_AUTHENTICATION])
    assert not session.is_verified(PinRef.USER_AUTHENTICATION)


def test_closing_the_session_forgets_the_verified_pins(chip: Chip) -> None:
    with chip.open_session() as session:
        session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
        assert session.is_verified(PinRef.USER_AUTHENTICATION)
    assert not session.is_verified(PinRef.USER_AUTHENTICATION)


def test_an_empty_pin_is_refused_without_spending_a_try(chip: Chip) -> None:
    session = chip.open_session()
    with pytest.raises(InvalidInput):
        session.verify(PinRef.USER_AUTHENTICATION, "")
    assert session.tries_left(PinRef.USER_AUTHENTICATION) == 3


def test_pins_can_be_set_only_once_at_collection(chip: Chip) -> None:
    with pytest.raises(Conflict):
        chip.set_initial_pins(**initial_pins())


def test_a_card_is_unusable_until_its_pins_are_set(new_chip: Chip) -> None:
    session = new_chip.open_session()
    with pytest.raises(CardError) as refused:
        session.verify(PinRef.USER_AUTHENTICATION, RIGHT[PinRef.USER_AUTHENTICATION])
    assert not isinstance(refused.value, WrongPin | PinLocked)
    assert session.tries_left(PinRef.USER_AUTHENTICATION) == 3


def test_an_empty_initial_pin_sets_none_of_them(new_chip: Chip) -> None:
    with pytest.raises(InvalidInput):
        new_chip.set_initial_pins(
            user_authentication="1234",
            resident_registry="1234",
            card_info_input="",
            signature="ABC123",
        )
    new_chip.set_initial_pins(**initial_pins())  # nothing was set: collection can proceed


def test_a_card_without_signature_pin_has_its_other_pins(new_chip: Chip) -> None:
    new_chip.set_initial_pins(
        user_authentication="1111", resident_registry="1111", card_info_input="1111", signature=None
    )
    session = new_chip.open_session()
    session.verify(PinRef.USER_AUTHENTICATION, "1111")
    with pytest.raises(CardError):
        session.verify(PinRef.SIGNATURE, "ABC123")
