"""No request holds two pooled connections (issue 16.2), on SQLite and PostgreSQL.

100 card requests at once — PIN checks on the chip, card status (the chip's counters), portal
logins with the card — while an unrelated request (a person read at the ward office) runs in
a loop: every card request answers, no thread ever holds two connections of the register's
pool nor of the PIN-tries pool, and the slowest unrelated request is printed (the figure is
in docs/reliability.md; the machine is shared, so it is not asserted).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from mynumber.adapters.db.chip_store import SqlChipStore
from mynumber.bootstrap import System
from mynumber.domain.pins import PinKind
from mynumber.services.cards import use as card_use
from mynumber.services.core.records import get_person
from mynumber.services.portal import resident as portal
from tests.conftest import ward
from tests.integration.card_support import PINS, issued_card

REQUESTS = 100


@contextmanager
def most_held_by_one_thread(engine: Engine) -> Iterator[Counter[str]]:
    """Count, per pool, the most connections one thread held at once (``most["held"]``)."""
    held: Counter[int] = Counter()
    most: Counter[str] = Counter()
    lock = threading.Lock()

    def out(*_args: object) -> None:
        with lock:
            me = threading.get_ident()
            held[me] += 1
            most["held"] = max(most["held"], held[me])

    def back(*_args: object) -> None:
        with lock:
            held[threading.get_ident()] -= 1

    event.listen(engine, "checkout", out)
    event.listen(engine, "checkin", back)
    try:
        yield most
    finally:
        event.remove(engine, "checkout", out)
        event.remove(engine, "checkin", back)


def _tries_engine(system: System) -> Engine:
    store = system.services.chips
    assert isinstance(store, SqlChipStore)
    return store._tries


def test_a_hundred_card_requests_at_once_each_hold_one_connection(cards: System) -> None:
    people = [(f"Smith John{'I' * n}", f"AB{12345678 + n}CD") for n in range(5)]
    issued = [issued_card(cards, name=name, residence_card_number=card) for name, card in people]
    start = threading.Barrier(REQUESTS + 1)
    errors: list[BaseException] = []
    done = threading.Event()

    def card_request(n: int) -> None:
        card = issued[n % len(issued)]
        start.wait()
        try:
            if n < len(issued):  # one PIN check per card at a time: the chip's own pace
                for pin_request in range(3):
                    with cards.uow() as uow:
                        card_use.use_card(
                            uow.session,
                            cards.services,
                            caller=ward(),
                            card_serial=card.serial,
                            pin_kind=PinKind.USER_AUTHENTICATION,
                            pin=PINS.user_authentication,
                        )
                        uow.commit()
                    if pin_request == 1:
                        with cards.uow() as uow:
                            portal.log_in_with_card(
                                uow.session,
                                cards.services,
                                card_serial=card.serial,
                                pin=PINS.user_authentication,
                            )
                            uow.commit()
            else:
                with cards.uow() as uow:
                    card_use.card_status(
                        uow.session, cards.services, caller=ward(), card_serial=card.serial
                    )
                    uow.commit()
        except BaseException as exc:
            errors.append(exc)

    with (
        most_held_by_one_thread(cards.engine) as register_pool,
        most_held_by_one_thread(_tries_engine(cards)) as tries_pool,
    ):
        threads = [threading.Thread(target=card_request, args=(n,)) for n in range(REQUESTS)]
        for thread in threads:
            thread.start()
        start.wait()
        slowest = 0.0

        def all_answered() -> None:
            for thread in threads:
                thread.join()

        watcher = threading.Thread(target=all_answered)
        watcher.start()
        while watcher.is_alive():
            began = time.perf_counter()
            with cards.reading() as uow:
                get_person(uow.session, issued[0].person_id)
            slowest = max(slowest, time.perf_counter() - began)
            done.wait(0.01)
        watcher.join()
    print(
        f"\n{cards.engine.dialect.name}: {REQUESTS} card requests, slowest unrelated "
        f"request {slowest * 1000:.0f} ms"
    )
    assert errors == []
    assert register_pool["held"] == 1
    assert tries_pool["held"] == 1
