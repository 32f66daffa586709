"""Changing a leaked My Number (番号法 第7条第2項, issue 17 "changing a number"): a new number,
the card cancelled and a new letter, the old number refused everywhere and never assigned
again, notices to the employers and insurers that hold it — both databases."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import AuditEntry, NotificationLetter, Person
from mynumber.adapters.db.models_card import Certificate
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Purpose, Role
from mynumber.domain.cards import CardStatus, InvalidReason
from mynumber.domain.employment_rules import StaffRole
from mynumber.domain.errors import Forbidden, InvalidInput, MyNumberError, NotFound
from mynumber.domain.number_change import NumberChanged
from mynumber.domain.numbers import IndividualNumber
from mynumber.services.core import tokens
from mynumber.services.employer import numbers as employer_numbers
from mynumber.services.flows import moving, number_change
from mynumber.services.registry.numbers import find_by_number, read_my_number
from tests.client import TestClient
from tests.conftest import caller, ref, ward
from tests.integration.card_support import card_row, issued_card
from tests.integration.clinic_support import enrol, setup_world
from tests.integration.employer_support import collect, hire, make_company
from tests.integration.helpers import register
from tests.integration.snapshots import Snapshots


def _number(system: System, person_id: int) -> IndividualNumber:
    with system.uow() as uow:
        number = read_my_number(
            uow.session,
            system.services,
            caller=ward(),
            person_id=person_id,
            purpose=Purpose.RESIDENT_REGISTRY,
        )
        uow.commit()
    return number


def _change(
    system: System,
    person_id: int,
    *,
    who: object = None,
    ground: str = "on_request",
    leaked: bool = True,
    fraud_feared: bool = True,
) -> number_change.NumberChangeResult:
    with system.uow() as uow:
        done = number_change.change_number(
            uow.session,
            system.services,
            caller=who or ward(),  # type: ignore[arg-type]
            person_id=person_id,
            ground=ground,
            leaked=leaked,
            fraud_feared=fraud_feared,
        )
        uow.commit()
    return done


def _find(system: System, number: IndividualNumber) -> int:
    with system.uow() as uow:
        person = find_by_number(
            uow.session,
            system.services,
            caller=ward(),
            number=number,
            purpose=Purpose.RESIDENT_REGISTRY,
        )
        uow.commit()
        return person.id


def test_a_leaked_number_is_changed_and_the_old_one_is_refused_everywhere(
    cards: System, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    card = issued_card(cards)
    person_id = card_row(cards, card.serial).person_id
    company = make_company(cards)
    employee_id = hire(cards, company)
    old = _number(cards, person_id)
    collect(cards, company, employee_id, old.digits)
    world = setup_world(cards)
    enrolment_id = enrol(cards, world.nhi, person_id)

    done = _change(cards, person_id, ground="ex_officio")

    new = _number(cards, person_id)
    assert new != old and IndividualNumber.parse(new.digits) == new
    assert done.masked_number == new.masked
    assert (done.cards_cancelled, done.employers_notified, done.insurers_notified) == (1, 1, 1)
    # the card, whose chip holds the old number, is cancelled and its certificates revoked
    row = card_row(cards, card.serial)
    assert row.status == CardStatus.INVALID and row.invalid_reason == InvalidReason.NUMBER_CHANGED
    with cards.uow() as uow:
        certs = list(
            uow.session.scalars(select(Certificate).where(Certificate.card_serial == card.serial))
        )
        letters = list(
            uow.session.scalars(
                select(NotificationLetter).where(NotificationLetter.person_id == person_id)
            )
        )
        entries = list(uow.session.scalars(select(AuditEntry)))
    assert certs and all(c.revoked_at is not None for c in certs)
    assert [(x.application_id, x.superseded) for x in letters if not x.superseded] == [
        (done.application_id, False)
    ]
    # the old number: refused by name when looked up, when read or collected by an employer
    assert _find(cards, new) == person_id
    with pytest.raises(NumberChanged) as refused:
        _find(cards, old)
    assert refused.value.details["reason"] == "number_changed"
    with cards.uow() as uow, pytest.raises(NumberChanged):
        employer_numbers.read_number(
            uow.session,
            cards.services,
            staff=company.payroll,
            employee_id=employee_id,
            purpose="tax",
        )
    second = hire(cards, company, code="E-0002")
    with pytest.raises(NumberChanged):
        collect(cards, company, second, old.digits)
    # the holders are told, without digits, and the employer replaces the number
    with cards.uow() as uow:
        notices = employer_numbers.number_change_notices(
            uow.session, cards.services, staff=company.payroll
        )
        uow.commit()
    assert [(n.employee_id, n.updated) for n in notices] == [(employee_id, False)]
    collect(cards, company, employee_id, new.digits)
    with cards.uow() as uow:
        notices = employer_numbers.number_change_notices(
            uow.session, cards.services, staff=company.payroll
        )
        assert (
            employer_numbers.read_number(
                uow.session,
                cards.services,
                staff=company.payroll,
                employee_id=employee_id,
                purpose="tax",
            )
            == new
        )
        from mynumber.services.insurance import insurer

        insured = insurer.number_change_notices(uow.session, cards.services, caller=world.nhi)
        uow.commit()
    assert [n.updated for n in notices] == [True]
    assert [(n.enrolment_id, n.person_id) for n in insured] == [(enrolment_id, person_id)]
    # audited, and neither number in the audit log or the logs
    assert any(e.action == "change_my_number" and "ex_officio" in e.detail for e in entries)
    text = " ".join(e.detail for e in entries) + caplog.text
    for digits in (old.digits, new.digits):
        assert digits not in text


def test_the_old_number_is_never_assigned_again(system: System) -> None:
    person_id = register(system).person_id
    old = _number(system, person_id)
    _change(system, person_id)
    new = _number(system, person_id)
    # moving out and back keeps the (new) number; nobody registered later gets the old one
    with system.uow() as uow:
        moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(),
            person_id=person_id,
            destination="abroad",
            planned_move_on=system.services.clock.today(),
        )
        uow.commit()
    again = register(system)
    assert again.person_id == person_id and _number(system, person_id) == new
    for n in range(5):
        register(system, name_latin=f"Newcomer {n}", residence_card_number=f"NC{n:08d}AB")
    with system.uow() as uow:
        lookups = set(uow.session.scalars(select(Person.number_lookup)))
    assert system.services.vault.lookup_hash(old) not in lookups
    with pytest.raises(NumberChanged):
        _find(system, old)


def test_a_second_change_retires_both_numbers(system: System) -> None:
    person_id = register(system).person_id
    first = _number(system, person_id)
    _change(system, person_id)
    second = _number(system, person_id)
    _change(system, person_id)
    third = _number(system, person_id)
    assert len({first, second, third}) == 3
    for retired in (first, second):
        with pytest.raises(NumberChanged):
            _find(system, retired)


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"who": ward("131130")}, Forbidden),  # another municipality's office
        ({"who": caller(Role.INSURER, scope_id=1)}, Forbidden),
        ({"who": caller(Role.RESIDENT, scope_id=1)}, Forbidden),
        ({"fraud_feared": False}, InvalidInput),  # a leak with no risk of fraud is no ground
        ({"leaked": False}, InvalidInput),
        ({"ground": "wish"}, InvalidInput),
    ],
)
def test_a_change_without_grounds_or_by_the_wrong_office_changes_nothing(
    cards: System, snapshots: Snapshots, kw: dict[str, object], error: type[MyNumberError]
) -> None:
    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    before = _number(cards, person_id)
    with pytest.raises(error):
        _change(cards, person_id, **kw)  # type: ignore[arg-type]
    assert _number(cards, person_id) == before
    assert card_row(cards, card.serial).status == CardStatus.ACTIVE


def test_a_person_not_registered_here_cannot_have_their_number_changed(system: System) -> None:
    with pytest.raises((Forbidden, NotFound)):
        _change(system, 987654)


# --- over HTTP -------------------------------------------------------------------------------


@pytest.fixture
def client(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as c:
        yield c


def _token(system: System, role: Role, **kw: object) -> dict[str, str]:
    with system.uow() as uow:
        token = tokens.issue_token(
            uow.session, system.services, organisation=f"test {role}", role=role, **kw
        )
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_change_and_the_notices_over_the_json_api(client: TestClient, cards: System) -> None:
    person_id = register(cards).person_id
    company = make_company(cards)
    employee_id = hire(cards, company)
    old = _number(cards, person_id)
    collect(cards, company, employee_id, old.digits)
    world = setup_world(cards)
    enrol(cards, world.nhi, person_id)
    url = f"/ward-office/residents/{ref('per', person_id)}/my-number/change"
    body = {"ground": "on_request", "leaked": True, "fraud_feared": True}
    other = _token(cards, Role.WARD_OFFICE, municipality_code="131130")
    assert client.post(url, headers=other, json=body).status_code == 403
    no_ground = client.post(
        url,
        headers=_token(cards, Role.WARD_OFFICE, municipality_code="131016"),
        json={**body, "fraud_feared": False},
    )
    assert no_ground.status_code == 422 and no_ground.json()["detail_ja"]
    done = client.post(
        url, headers=_token(cards, Role.WARD_OFFICE, municipality_code="131016"), json=body
    )
    assert done.status_code == 200, done.text
    answer = done.json()
    new = _number(cards, person_id)
    assert answer["my_number"] == new.masked and answer["employers_notified"] == 1
    payroll = {"Authorization": f"Bearer {company.tokens[StaffRole.PAYROLL]}"}
    notices = client.get("/employer/number-change-notices", headers=payroll)
    assert notices.status_code == 200, notices.text
    assert notices.json() == [
        {
            "employee_id": ref("emp", employee_id),
            "employee_code": "E-0001",
            "name": "SMITH JOHN",
            "changed_on": cards.services.clock.today().isoformat(),
            "updated": False,
        }
    ]
    hr = {"Authorization": f"Bearer {company.tokens[StaffRole.HR]}"}
    assert client.get("/employer/number-change-notices", headers=hr).status_code == 403
    nhi = _token(cards, Role.INSURER, scope_id=world.nhi.scope_id)
    insured = client.get("/insurer/number-change-notices", headers=nhi).json()
    assert [n["person_id"] for n in insured] == [ref("per", person_id)]
    second = client.post(
        "/employer/employees",
        headers={"Authorization": f"Bearer {company.tokens[StaffRole.HR]}"},
        json={
            "employee_code": "E-0002",
            "name": "SMITH JOHN",
            "address": "1-1 Chiyoda",
            "hired_on": "2026-04-01",
        },
    ).json()["id"]
    refused = client.post(
        f"/employer/employees/{second}/my-number",
        headers=payroll,
        json={
            "my_number": old.digits,
            "purposes": ["tax"],
            "number_proof": "my_number_card",
        },
    )
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["type"].endswith("number-changed") and problem["detail_ja"]
    for digits in (old.digits, new.digits):
        assert digits not in refused.text and digits not in done.text


def test_the_change_on_the_pages_and_the_employers_notice(system: System) -> None:
    from tests.integration.test_web_card_counter import Desk
    from tests.integration.test_web_ward_office import BASE, Counter

    counter = Counter(system)
    person_id = counter.register()
    company = make_company(system)
    employee_id = hire(system, company)
    old = _number(system, person_id)
    collect(system, company, employee_id, old.digits)
    page = f"{BASE}/residents/{ref('per', person_id)}"
    form = {"ground": "on_request", "leaked": "yes"}
    refused = counter.post(f"{page}/my-number/change", form, page=page)
    assert refused.status_code == 422 and "only when it has leaked" in refused.text
    assert _number(system, person_id) == old
    done = counter.post(f"{page}/my-number/change", {**form, "fraud_feared": "yes"}, page)
    assert done.status_code == 303, done.text
    shown = counter.client.get(page).text
    new = _number(system, person_id)
    assert "The My Number was changed" in shown and new.masked in shown
    assert old.digits not in shown and new.digits not in shown
    payroll = Desk(system, Role.EMPLOYER, token=company.tokens[StaffRole.PAYROLL])
    listing = payroll.get("/staff/employer").text
    assert "My Numbers changed" in listing and "Collect the new number" in listing
    hr = Desk(system, Role.EMPLOYER, token=company.tokens[StaffRole.HR])
    assert "My Numbers changed" not in hr.get("/staff/employer").text
