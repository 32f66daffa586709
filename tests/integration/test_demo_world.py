"""The demo world of `make serve`: every actor can try something at once."""

from __future__ import annotations

from sqlalchemy import func, select

from mynumber.adapters.db.models import ApiToken, Person
from mynumber.adapters.db.models_card import Card
from mynumber.bootstrap import System
from mynumber.card import Chip, PinRef
from mynumber.demo.world import DEMO_PINS, seed_world


def test_the_demo_world_has_a_collected_card_and_scoped_tokens(system: System) -> None:
    world = seed_world(system)
    assert world.card_serial
    with system.uow() as uow:
        card = uow.session.scalars(select(Card).where(Card.serial == world.card_serial)).one()
        clinic_token = uow.session.scalars(select(ApiToken).where(ApiToken.role == "clinic")).one()
    assert card.status == "active" and card.insurance_use
    assert clinic_token.scope_id is not None
    chip = Chip(system.services.chips, world.card_serial, chip_key=system.services.keys.chip_key)
    session = chip.open_session()
    session.verify(PinRef.USER_AUTHENTICATION, DEMO_PINS.user_authentication)


def test_seeding_twice_adds_nothing(system: System) -> None:
    first = seed_world(system)
    with system.uow() as uow:
        people = uow.session.scalar(select(func.count()).select_from(Person))
    second = seed_world(system)
    with system.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Person)) == people
    assert first.card_serial == second.card_serial
    assert [t.token for t in first.tokens] == [t.token for t in second.tokens]


def test_the_demo_employer_has_payroll_and_hr_staff_tokens(system: System) -> None:
    from mynumber.domain.employment_rules import StaffRole
    from mynumber.services.core import tokens
    from mynumber.services.employer import employers as employer

    world = seed_world(system)
    by_name = {t.organisation: t.token for t in world.tokens}
    with system.uow() as uow:
        for name, role in [
            ("Example K.K. payroll", StaffRole.PAYROLL),
            ("Example K.K. HR", StaffRole.HR),
        ]:
            caller = tokens.authenticate(uow.session, system.services, by_name[name])
            staff = employer.staff_for(
                uow.session, system.services, caller=caller, token=by_name[name]
            )
            assert staff.role is role


def test_the_demo_world_has_a_clerk_per_organisation_who_can_log_in(system: System) -> None:
    import dataclasses
    import re

    from mynumber.api.app import create_app
    from tests.client import TestClient

    world = seed_world(system)
    assert {c.organisation for c in world.clerks} == {t.organisation for t in world.tokens}
    payroll = next(c for c in world.clerks if c.organisation == "Example K.K. payroll")
    client = TestClient(create_app(system))
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert csrf
    answer = client.post(
        "/login",
        data={
            "csrf": csrf.group(1),
            "login": payroll.login,
            "password": payroll.password,
            "next": "",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/staff/employer"
    assert client.get("/staff/employer").status_code == 200  # tied to the payroll account
    assert seed_world(system).clerks == world.clerks  # the same on every start
    production = dataclasses.replace(
        system, settings=system.settings.model_copy(update={"mode": "production"})
    )
    assert seed_world(production).clerks == []  # no demo passwords in production
