"""Many readers at once on one card: the stored counter loses no try and counts none twice."""

from __future__ import annotations

import threading

import pytest

from mynumber.card import Chip, MemoryChipStore, PinRef
from mynumber.domain.errors import PinLocked, WrongPin
from tests.unit.card.support import CARD_ID, WRONG

THREADS = 10


def wrong_pins_at_once(store: MemoryChipStore, chip_key: bytes, pin_ref: PinRef) -> list[Exception]:
    """Ten threads, each with its own chip object and session, enter a wrong PIN together."""
    start = threading.Barrier(THREADS)
    outcomes: list[Exception] = []
    lock = threading.Lock()

    def attempt() -> None:
        session = Chip(store, CARD_ID, chip_key=chip_key).open_session()
        start.wait()
        try:
            session.verify(pin_ref, WRONG[pin_ref])
        except (WrongPin, PinLocked) as refused:
            with lock:
                outcomes.append(refused)

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.parametrize("pin_ref", [PinRef.USER_AUTHENTICATION, PinRef.SIGNATURE])
def test_ten_concurrent_wrong_pins_lock_after_exactly_the_limit(
    chip: Chip, store: MemoryChipStore, chip_key: bytes, pin_ref: PinRef
) -> None:
    outcomes = wrong_pins_at_once(store, chip_key, pin_ref)
    assert len(outcomes) == THREADS
    wrong = sorted(e.details["tries_left"] for e in outcomes if isinstance(e, WrongPin))
    locked = [e for e in outcomes if isinstance(e, PinLocked)]
    assert wrong == list(range(pin_ref.max_attempts))  # each count once: none lost, none twice
    assert len(locked) == THREADS - pin_ref.max_attempts
    assert chip.open_session().tries_left(pin_ref) == 0
