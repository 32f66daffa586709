"""Small builders shared by integration tests."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from sqlalchemy import text

from mynumber.bootstrap import System
from mynumber.domain.registration import MovingIn, build_moving_in
from mynumber.services.flows import moving
from mynumber.services.registry.ward_office import MovingInResult
from tests.conftest import ward


def foreign_form(system: System, **overrides: Any) -> MovingIn:
    today = system.services.clock.today()
    fields: dict[str, Any] = dict(
        name_latin="Smith John",
        date_of_birth=dt.date(1995, 4, 12),
        sex="M",
        nationality="US",
        address="1-1 Chiyoda, Chiyoda-ku, Tokyo",
        started_living_on=today - dt.timedelta(days=3),
        filed_on=today,
        id_documents=["residence_card", "passport"],
        residence_card_number="AB12345678CD",
        status_of_residence="Engineer/Specialist",
        period_of_stay_ends=today + dt.timedelta(days=3 * 365),
    )
    fields.update(overrides)
    return build_moving_in(**fields)


def register(system: System, municipality: str = "131016", **overrides: Any) -> MovingInResult:
    with system.uow() as uow:
        result = moving.register_moving_in(
            uow.session,
            system.services,
            caller=ward(municipality),
            municipality_code=municipality,
            form=foreign_form(system, **overrides),
        )
        uow.commit()
    return result


def idle_in_every_pool(system: System) -> None:
    """One statement on each of the system's pools, each connection then left idle in it; the
    asynchronous units' in an event loop that has ended since (a test client's request)."""
    with system.uow() as uow:
        uow.session.execute(text("SELECT 1"))
    with system.read_connection() as conn:
        conn.execute(text("SELECT 1"))
    with system.tries_engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    units = system.async_units()
    if units is not None:
        asyncio.run(units.run(lambda session: session.execute(text("SELECT 1")).scalar()))
