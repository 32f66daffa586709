"""Card and register: all or nothing (issue 16.1), on SQLite and PostgreSQL.

Each card operation is crashed after each of its write boundaries in turn (a chip write or a
register flush that has just happened: ``card_agreement.crash_after``); after every crash the
chip and the register agree (``disagreements``) and the operation, retried, completes. Two
collections of one card at the same moment leave one collected card whose chip holds the
certificates the register knows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from sqlalchemy import text

from mynumber.bootstrap import System
from mynumber.card import PinRef
from mynumber.domain.cards import IdentityShown
from mynumber.domain.errors import Conflict, WrongPin
from mynumber.domain.pins import PinKind
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import moving as card_moving
from mynumber.services.registry import ward_office
from tests.conftest import ward
from tests.integration.card_agreement import Crash, crash_after, disagreements, return_card
from tests.integration.card_support import (
    PINS,
    apply_at_counter,
    card_row,
    chip,
    clock,
    collect,
    identity,
    issued_card,
    pass_days,
)
from tests.integration.helpers import register
from tests.integration.snapshots import Snapshots

SHOWN = (IdDocument.RESIDENCE_CARD,)
T = TypeVar("T")


def _crash_at_every_step(
    system: System, subject: Callable[[int], T], operation: Callable[[T], None]
) -> list[str]:
    """Crash ``operation`` after its 1st, 2nd, … write boundary, each time on ``subject(n)``:
    after the crash the chip and the register agree, and the operation retried completes
    (and they agree again). Ends when a run meets no crash; the boundaries of that run."""
    n = 1
    while True:
        target = subject(n)
        with crash_after(system, n) as seen:
            try:
                operation(target)
            except Crash:
                crashed = True
            else:
                crashed = False
        assert disagreements(system) == [], f"after a crash at {seen[-1]} (step {n})"
        if not crashed:
            return seen
        operation(target)  # the retry completes
        assert disagreements(system) == [], f"after the retry of step {n}"
        n += 1


def _ready_applications(system: System, count: int) -> list[tuple[str, IdentityShown]]:
    """``count`` people whose cards are made and waiting at the counter: their application
    IDs and the IDs they show."""
    ready = []
    for n in range(count):
        name, card = f"Smith John{'I' * n}", f"AB{12345678 + n}CD"
        person = register(system, name_latin=name, residence_card_number=card)
        ready.append(
            (apply_at_counter(system, person.person_id).application_id, identity(name, card=card))
        )
    pass_days(system, 32)
    return ready


def test_a_collection_crashed_at_any_step_can_be_retried_to_completion(cards: System) -> None:
    waiting = iter(_ready_applications(cards, 12))

    def handed_over(application: tuple[str, IdentityShown]) -> None:
        serial = collect(cards, application[0], who=application[1]).card_serial
        with chip(cards, serial).open_session() as reader:  # the PINs chosen are the ones set
            reader.verify(PinRef.USER_AUTHENTICATION, PINS.user_authentication)
            reader.verify(PinRef.SIGNATURE, PINS.signature or "")

    steps = _crash_at_every_step(cards, lambda _n: next(waiting), handed_over)
    assert sum(step.startswith("chip.") for step in steps) >= 4  # certificates and PINs


def test_a_pin_reset_crashed_at_any_step_can_be_retried(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    chosen = iter(["1357", "2468", "3579", "4680", "5791"])

    def reset(serial: str) -> None:
        new_pin = next(chosen)
        with cards.uow() as uow:
            card_counter.reset_pin(
                uow.session,
                cards.services,
                caller=ward(),
                card_serial=serial,
                pin=PinKind.USER_AUTHENTICATION,
                new_pin=new_pin,
                identity=identity(),
                id_documents=SHOWN,
            )
            uow.commit()
        with chip(cards, serial).open_session() as reader:
            reader.verify(PinRef.USER_AUTHENTICATION, new_pin)

    assert "chip.set_pin" in _crash_at_every_step(cards, lambda _n: card.serial, reset)


def test_a_certificate_renewal_crashed_at_any_step_can_be_retried(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    expires = card_row(cards, card.serial).certificates_expire_on
    assert expires is not None
    clock(cards).set(expires - dt.timedelta(days=60))  # inside the renewal window

    def renew(serial: str) -> None:
        with cards.uow() as uow:
            card_counter.renew_certificates(
                uow.session,
                cards.services,
                caller=ward(),
                card_serial=serial,
                identity=identity(),
                id_documents=SHOWN,
            )
            uow.commit()

    steps = _crash_at_every_step(cards, lambda _n: card.serial, renew)
    assert {"chip.set_key", "chip.update_data"} <= set(steps)


def test_a_chip_update_after_a_move_crashed_at_any_step_can_be_retried(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    streets = iter(f"{n}-3 Kanda, Chiyoda-ku, Tokyo" for n in range(1, 20))

    def moved(_n: int) -> str:
        with cards.uow() as uow:
            ward_office.register_moving_within(
                uow.session,
                cards.services,
                caller=ward(),
                person_id=card.person_id,
                new_address=next(streets),
                moved_on=clock(cards).today(),
            )
            uow.commit()
        return card.serial

    def update(serial: str) -> None:
        with cards.uow() as uow:
            card_moving.update_chip_after_move(
                uow.session,
                cards.services,
                caller=ward(),
                card_serial=serial,
                identity=identity(),
                id_documents=SHOWN,
            )
            uow.commit()

    assert "chip.update_data" in _crash_at_every_step(cards, moved, update)


def test_a_card_return_crashed_at_any_step_can_be_retried(cards: System) -> None:
    people = [(f"Smith John{'I' * n}", f"AB{12345678 + n}CD") for n in range(6)]
    returned = iter(
        [
            (
                issued_card(cards, name=name, residence_card_number=card).serial,
                identity(name, card=card),
            )
            for name, card in people
        ]
    )
    steps = _crash_at_every_step(
        cards, lambda _n: next(returned), lambda card: return_card(cards, *card)
    )
    assert "chip.destroy" in steps


def test_two_collections_of_one_card_at_once_leave_chip_and_register_agreeing(
    cards: System,
) -> None:
    ((application_id, shown),) = _ready_applications(cards, 1)
    together = threading.Barrier(2)
    store = cards.services.chips
    original = store.update_data

    def meet_then_write(*args: object, **kwargs: object) -> None:
        # Both collections reach the chip together unless the first holds the card: then
        # the second is still waiting for it, and the first goes on alone. The second, had
        # it not been held, would have come as far in about the time the first took: the
        # first waits twice that (half a second at least, 3 s at most), not always 3 s — the
        # card's lock holds the second back on both databases, so the whole wait was spent
        # (~3 s of wall a database, no CPU).
        waited = 2 * (time.monotonic() - began)
        with contextlib.suppress(threading.BrokenBarrierError):
            together.wait(timeout=min(3.0, max(0.5, waited)))
        original(*args, **kwargs)  # type: ignore[arg-type]

    outcomes: list[object] = []

    def collection() -> None:
        try:
            outcomes.append(collect(cards, application_id, who=shown).card_serial)
        except Exception as exc:
            outcomes.append(exc)

    store.update_data = meet_then_write  # type: ignore[method-assign]
    try:
        threads = [threading.Thread(target=collection) for _ in range(2)]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        del store.update_data
    collected = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(collected) == 1 and len(refused) == 1, outcomes
    assert disagreements(cards) == []
    with chip(cards, collected[0]).open_session() as reader:
        reader.verify(PinRef.USER_AUTHENTICATION, PINS.user_authentication)


def test_a_wrong_pin_still_counts_when_its_request_fails(
    cards: System, snapshots: Snapshots
) -> None:
    """The one write that survives a rollback: the try, stored before the comparison."""
    card = snapshots.give(cards, issued_card)
    with cards.uow() as uow:
        uow.session.execute(text("SELECT 1"))  # the request's transaction has begun
        with pytest.raises(WrongPin), chip(cards, card.serial).open_session() as reader:
            reader.verify(PinRef.USER_AUTHENTICATION, "9999")
        uow.rollback()
    with chip(cards, card.serial).open_session() as reader:
        assert reader.tries_left(PinRef.USER_AUTHENTICATION) == 2
