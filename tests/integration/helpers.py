"""Small builders shared by integration tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
