"""Registration at the ward office: moving in, late, conflicts, moving out and back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from stdnum.jp import in_

from mynumber.adapters.db.models import MailItem, NotificationLetter, Person, Registration
from mynumber.bootstrap import System
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from mynumber.services.core.policy import AccessRefused
from mynumber.services.flows import moving
from mynumber.services.registry import ward_office
from mynumber.services.registry.numbers import read_my_number
from tests.conftest import caller, ward
from tests.integration.helpers import foreign_form, register


def _count(system: System, model: type) -> int:
    with system.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


def _number(system: System, person_id: int, municipality: str = "131016") -> str:
    with system.uow() as uow:
        n = read_my_number(
            uow.session,
            system.services,
            caller=ward(municipality),
            person_id=person_id,
            purpose=Purpose.RESIDENT_REGISTRY,
        )
        uow.commit()
    return n.digits


def test_moving_in_assigns_a_valid_number_and_mails_the_letter(system: System) -> None:
    result = register(system)
    digits = _number(system, result.person_id)
    assert in_.is_valid(digits)
    assert result.masked_number == "**** **** " + digits[-4:]
    assert not result.late and not result.returning
    assert result.application_id is not None and len(result.application_id) == 23
    with system.uow() as uow:
        item = uow.session.scalars(select(MailItem)).one()
        assert (item.kind, item.status) == ("notification_letter", "in_transit")


def test_moving_in_after_fourteen_days_is_accepted_but_flagged_late(system: System) -> None:
    today = system.services.clock.today()
    on_time = register(system, started_living_on=today - dt.timedelta(days=14))
    late = register(
        system, name_latin="Late Person", started_living_on=today - dt.timedelta(days=15)
    )
    assert not on_time.late
    assert late.late


def test_registering_someone_registered_elsewhere_is_refused_and_changes_nothing(
    system: System,
) -> None:
    register(system, municipality="131016")
    before = (_count(system, Person), _count(system, Registration))
    with pytest.raises(Conflict, match="moving-out"):
        register(system, municipality="131130")
    assert (_count(system, Person), _count(system, Registration)) == before


def test_leaving_japan_and_coming_back_gives_the_same_number(
    system: System,
    clock: object,
) -> None:
    first = register(system)
    number = _number(system, first.person_id)
    with system.uow() as uow:
        moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(),
            person_id=first.person_id,
            destination="abroad",
            planned_move_on=system.services.clock.today(),
        )
        uow.commit()
    system.services.clock.advance(days=400)  # type: ignore[attr-defined]
    again = register(system, municipality="131130")
    assert again.returning and again.person_id == first.person_id
    assert _number(system, again.person_id, "131130") == number  # read by the new office


def test_moving_out_someone_not_registered_is_refused(system: System) -> None:
    # Refused by the policy (no relationship with an unknown person), as a known person of
    # another municipality would be: the answer does not tell them apart.
    with system.uow() as uow, pytest.raises(AccessRefused):
        moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(),
            person_id=999,
            destination="abroad",
            planned_move_on=system.services.clock.today(),
        )


def test_moving_out_twice_is_refused(system: System) -> None:
    first = register(system)
    with system.uow() as uow:
        moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(),
            person_id=first.person_id,
            destination="131130",
            planned_move_on=system.services.clock.today(),
        )
        uow.commit()
    with system.uow() as uow, pytest.raises(NotFound):
        moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(),
            person_id=first.person_id,
            destination="abroad",
            planned_move_on=system.services.clock.today(),
        )


@pytest.mark.parametrize(
    "code,fragment", [("131017", "check digit"), ("999997", "Unknown"), ("13101", "6 digits")]
)
def test_bad_or_unknown_municipality_is_refused(system: System, code: str, fragment: str) -> None:
    with system.uow() as uow, pytest.raises(InvalidInput, match=fragment):
        moving.register_moving_in(
            uow.session,
            system.services,
            caller=ward(code[:6]),
            municipality_code=code,
            form=foreign_form(system),
        )
    assert _count(system, Person) == 0


def test_moving_within_changes_the_address(system: System) -> None:
    result = register(system)
    with system.uow() as uow:
        reg = ward_office.register_moving_within(
            uow.session,
            system.services,
            caller=ward(),
            person_id=result.person_id,
            new_address="2-2 Kanda, Chiyoda-ku, Tokyo",
            moved_on=system.services.clock.today(),
        )
        uow.commit()
    assert reg.address == "2-2 Kanda, Chiyoda-ku, Tokyo"


@pytest.mark.sqlite_only  # an access rule
def test_a_ward_office_cannot_register_for_another_municipality(system: System) -> None:
    with system.uow() as uow, pytest.raises(AccessRefused) as caught:
        moving.register_moving_in(
            uow.session,
            system.services,
            caller=ward("131130"),
            municipality_code="131016",
            form=foreign_form(system),
        )
    assert caught.value.decision.reason == "other-municipality"


@pytest.mark.sqlite_only  # the law's purposes, refused before the number is read
@pytest.mark.parametrize(
    "role,purpose",
    [
        (Role.CLINIC, Purpose.SOCIAL_SECURITY),
        (Role.KIOSK, Purpose.TAX),
        (Role.INSURER, Purpose.TAX),
        (Role.EMPLOYER, Purpose.RESIDENT_REGISTRY),
    ],
)
def test_reading_a_number_for_a_purpose_the_law_does_not_allow_is_refused(
    system: System,
    role: Role,
    purpose: Purpose,
) -> None:
    from mynumber.adapters.db.models import AuditEntry

    result = register(system)
    with system.uow() as uow:
        # PurposeNotAllowed; an employer is refused before its purpose is even looked at
        with pytest.raises(Forbidden) as refused:
            read_my_number(
                uow.session,
                system.services,
                caller=caller(role),
                person_id=result.person_id,
                purpose=purpose,
            )
        reads = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "read_my_number")
        ).all()
    assert refused.value.details["person_id"] == result.person_id
    assert reads == []  # nothing read; the entry point records the refusal (test_api)


def test_the_number_is_encrypted_at_rest(system: System) -> None:
    result = register(system)
    digits = _number(system, result.person_id)
    with system.uow() as uow:
        person = uow.session.get(Person, result.person_id)
        assert person is not None
        assert digits.encode() not in person.number_sealed
        assert digits not in person.number_lookup
    if system.engine.dialect.name == "sqlite":
        path = system.engine.url.database
        system.engine.dispose()
        assert path and digits.encode() not in Path(path).read_bytes()


def test_every_registered_number_is_distinct(system: System) -> None:
    ids = [register(system, name_latin=f"Person {chr(65 + i)}").person_id for i in range(12)]
    numbers = {_number(system, i) for i in ids}
    assert len(numbers) == 12
    with system.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(NotificationLetter)) == 12
