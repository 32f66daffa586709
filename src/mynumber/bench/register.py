"""`mynumber bench register`: register Faker('ja_JP') residents through the service layer."""

from __future__ import annotations

import datetime as dt
import os
import platform
import time

from faker import Faker
from rich.console import Console

from mynumber.bootstrap import build_system
from mynumber.config import Settings
from mynumber.domain.access import Role
from mynumber.domain.registration import MovingIn, build_moving_in
from mynumber.services.bulk_registration import register_many
from mynumber.services.context import Caller
from mynumber.services.demo_data import seed_municipalities


def fake_residents(count: int, today: dt.date, seed: int = 2026) -> list[MovingIn]:
    """Realistic Japanese residents (romanised names as on the register)."""
    fake = Faker("ja_JP")
    fake.seed_instance(seed)
    forms = []
    for i in range(count):
        sex = "F" if i % 2 else "M"
        first = fake.first_romanized_name_female() if sex == "F" else \
            fake.first_romanized_name_male()
        born = fake.date_of_birth(minimum_age=1, maximum_age=95)
        forms.append(build_moving_in(
            name_latin=f"{fake.last_romanized_name()} {first} {i}",
            date_of_birth=born,
            sex=sex, nationality="JP", address=fake.address().replace("\n", " "),
            started_living_on=today - dt.timedelta(days=i % 20), filed_on=today,
            id_documents=["driving_licence"],
        ))
    return forms


def run(settings: Settings, count: int, batch: int, console: Console) -> float:
    """Register ``count`` residents, ``batch`` per transaction; print residents per second."""
    system = build_system(settings)
    with system.uow() as uow:
        seed_municipalities(uow.session)
        uow.commit()
    caller = Caller(name="bench", role=Role.WARD_OFFICE)
    forms = fake_residents(count, system.services.clock.today(), seed=int(time.time()))
    started = time.perf_counter()
    for i in range(0, count, batch):
        with system.uow() as uow:
            register_many(uow.session, system.services, caller=caller,
                          municipality_code="131016", forms=forms[i:i + batch])
            uow.commit()
    elapsed = time.perf_counter() - started
    rate = count / elapsed if elapsed else float("inf")
    console.print(f"registered {count:,} residents in {elapsed:.1f} s: {rate:,.0f}/s "
                  f"({system.engine.dialect.name}, {batch} per transaction) "
                  f"on {platform.machine()} with {os.cpu_count()} cores")
    return rate
