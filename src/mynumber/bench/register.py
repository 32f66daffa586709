"""`mynumber bench register`: register Faker('ja_JP') residents through the service layer."""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import time
from collections.abc import Iterator

from faker import Faker
from rich.console import Console

from mynumber.bootstrap import build_system
from mynumber.config import Settings
from mynumber.demo.data import seed_municipalities
from mynumber.domain.access import Role
from mynumber.domain.registration import MovingIn, build_moving_in
from mynumber.services.core.context import Caller
from mynumber.services.registry.bulk import register_many

FAKER_POOL = 10_000
"""At most this many of each of Faker's values are made (an address costs ~50 µs, the bulk
of a form's cost); the residents draw from them."""


def fake_residents(count: int, today: dt.date, seed: int = 2026) -> list[MovingIn]:
    """Realistic Japanese residents (romanised names as on the register)."""
    return list(iter_fake_residents(count, today, seed))


def iter_fake_residents(count: int, today: dt.date, seed: int = 2026) -> Iterator[MovingIn]:
    """``fake_residents`` one at a time (a million forms need not all be held at once).

    Resident ``i`` is named ``"<last> <first> <i>"`` (so no two are the same person),
    is a woman when ``i`` is odd and started living at the address ``i % 20`` days ago.
    """
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    pool = range(min(count, FAKER_POOL))
    last = [fake.last_romanized_name() for _ in pool]
    first = {
        "F": [fake.first_romanized_name_female() for _ in pool],
        "M": [fake.first_romanized_name_male() for _ in pool],
    }
    births = [fake.date_of_birth(minimum_age=1, maximum_age=95) for _ in pool]
    addresses = [fake.address().replace("\n", " ") for _ in pool]
    # Each resident has values of their own while there are enough; then random draws.
    draw = random.Random(seed).randrange
    slot = (lambda i: i) if count <= len(pool) else (lambda i: draw(len(pool)))
    for i in range(count):
        sex = "F" if i % 2 else "M"
        yield build_moving_in(
            name_latin=f"{last[slot(i)]} {first[sex][slot(i)]} {i}",
            date_of_birth=births[slot(i)],
            sex=sex,
            nationality="JP",
            address=addresses[slot(i)],
            started_living_on=today - dt.timedelta(days=i % 20),
            filed_on=today,
            id_documents=["driving_licence"],
        )


def run(settings: Settings, count: int, batch: int, console: Console) -> float:
    """Register ``count`` residents, ``batch`` per transaction; print residents per second."""
    with build_system(settings) as system:
        with system.uow() as uow:
            seed_municipalities(uow.session)
            uow.commit()
        caller = Caller(name="bench", role=Role.WARD_OFFICE, municipality_code="131016")
        forms = fake_residents(count, system.services.clock.today(), seed=int(time.time()))
        started = time.perf_counter()
        for i in range(0, count, batch):
            with system.uow() as uow:
                register_many(
                    uow.session,
                    system.services,
                    caller=caller,
                    municipality_code="131016",
                    forms=forms[i : i + batch],
                )
                uow.commit()
        elapsed = time.perf_counter() - started
        rate = count / elapsed if elapsed else float("inf")
        console.print(
            f"registered {count:,} residents in {elapsed:.1f} s: {rate:,.0f}/s "
            f"({system.engine.dialect.name}, {batch} per transaction) "
            f"on {platform.machine()} with {os.cpu_count()} cores"
        )
    return rate
