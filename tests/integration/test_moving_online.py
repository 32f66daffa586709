"""引越しワンストップ (issue 17, "moving online"): the 転出届 filed in the portal with the card,
the visit announced to the new municipality, whose office sees it and completes the 転入届
at its counter — service, JSON API and pages, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import Registration
from mynumber.adapters.db.models_card import Certificate
from mynumber.adapters.db.models_register import AnnouncedArrival
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.card import PinRef
from mynumber.domain.access import Role
from mynumber.domain.cards import CardStatus, InvalidReason
from mynumber.domain.errors import CardError, Forbidden, InvalidInput, NotFound, WrongPin
from mynumber.services.cards import counter as card_counter
from mynumber.services.core import tokens
from mynumber.services.flows import moving_online
from tests.client import TestClient
from tests.conftest import caller, ref, ward
from tests.integration.card_support import (
    PINS,
    card_row,
    chip,
    clock,
    issued_card,
    pass_days,
    resident,
)
from tests.integration.snapshots import Snapshots

OSAKA = "271004"
NEW_ADDRESS = "1-1 Kita-ku, Osaka"


def _file(system: System, serial: str, person_id: int, **kw: object) -> object:
    today = clock(system).today()
    fields: dict[str, object] = dict(
        card_serial=serial,
        destination=OSAKA,
        planned_move_on=today + dt.timedelta(days=3),
        visit_on=today + dt.timedelta(days=5),
        signature_pin=PINS.signature,
    )
    fields.update(kw)
    who = fields.pop("who", resident(person_id))
    with system.uow() as uow:
        done = moving_online.file_moving_out_online(
            uow.session,
            system.services,
            caller=who,  # type: ignore[arg-type]
            **fields,  # type: ignore[arg-type]
        )
        uow.commit()
    return done


def _arrivals(system: System, municipality: str) -> list[moving_online.ArrivalView]:
    with system.uow() as uow:
        views = moving_online.announced_arrivals(
            uow.session, system.services, caller=ward(municipality)
        )
        uow.commit()
    return views


def _complete(system: System, person_id: int, municipality: str = OSAKA, **kw: object) -> object:
    with system.uow() as uow:
        result = moving_online.complete_announced_arrival(
            uow.session,
            system.services,
            caller=ward(municipality),
            person_id=person_id,
            address=str(kw.get("address", NEW_ADDRESS)),
            started_living_on=kw.get("started_living_on", clock(system).today()),  # type: ignore[arg-type]
        )
        uow.commit()
    return result


def _registrations(system: System, person_id: int) -> list[Registration]:
    with system.uow() as uow:
        rows = list(
            uow.session.scalars(
                select(Registration)
                .where(Registration.person_id == person_id)
                .order_by(Registration.id)
            )
        )
        uow.session.expunge_all()
    return rows


def test_moving_out_online_then_in_at_the_new_office(cards: System, snapshots: Snapshots) -> None:
    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    done = _file(cards, card.serial, person_id)
    assert isinstance(done, moving_online.OnlineMovingOut) and not done.late
    old = _registrations(cards, person_id)[-1]
    assert (old.status, old.moved_to) == ("moved_out", OSAKA)
    with cards.uow() as uow:
        signature = uow.session.scalars(
            select(Certificate).where(
                Certificate.card_serial == card.serial, Certificate.kind == "signature"
            )
        ).all()
    assert signature and all(c.revoked_at is not None for c in signature)  # the register changed
    # the new office sees the announced arrival; no other office does
    listed = _arrivals(cards, OSAKA)
    assert [(a.person_id, a.visit_on, a.visit_deadline) for a in listed] == [
        (person_id, done.visit_on, done.visit_deadline)
    ]
    assert _arrivals(cards, "131130") == [] and _arrivals(cards, "131016") == []
    pass_days(cards, 5)
    _complete(cards, person_id, started_living_on=done.planned_move_on)
    new = _registrations(cards, person_id)[-1]
    assert (new.status, new.municipality_code, new.address) == ("active", OSAKA, NEW_ADDRESS)
    assert not new.late
    row = card_row(cards, card.serial)
    assert row.status == CardStatus.ACTIVE and row.chip_address == NEW_ADDRESS
    assert _arrivals(cards, OSAKA) == []


def test_an_arrival_completed_after_the_deadline_is_late_and_the_card_lapses(
    cards: System,
    snapshots: Snapshots,
) -> None:
    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    done = _file(cards, card.serial, person_id)
    assert isinstance(done, moving_online.OnlineMovingOut)
    days = (done.visit_deadline - clock(cards).today()).days + 1
    clock(cards).advance(days=days)
    assert [a.overdue for a in _arrivals(cards, OSAKA)] == [True]
    _complete(cards, person_id, started_living_on=done.planned_move_on)
    assert _registrations(cards, person_id)[-1].late
    row = card_row(cards, card.serial)
    assert (row.status, row.invalid_reason) == (CardStatus.INVALID, InvalidReason.MOVE_LAPSED)


def _signature_tries(system: System, serial: str) -> int:
    with chip(system, serial).open_session() as session:
        return session.tries_left(PinRef.SIGNATURE)


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"signature_pin": "WRONG1"}, WrongPin, "signature_pin"),
        ({"signature_pin": "1234"}, InvalidInput, "signature_pin"),  # not even the format
        ({"destination": "abroad"}, InvalidInput, "destination"),
        ({"destination": "131016"}, InvalidInput, "destination"),
        ({"visit_on": "late"}, InvalidInput, "visit_on"),
        ({"visit_on": "early"}, InvalidInput, "visit_on"),
    ],
)
def test_a_refused_filing_changes_nothing(
    cards: System,
    snapshots: Snapshots,
    change: dict[str, object],
    error: type[Exception],
    field: str,
) -> None:
    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    today = clock(cards).today()
    if change.get("visit_on") == "late":
        change = {"visit_on": today + dt.timedelta(days=40)}
    elif change.get("visit_on") == "early":
        change = {"visit_on": today + dt.timedelta(days=1)}
    tries = _signature_tries(cards, card.serial)
    with pytest.raises(error) as refused:
        _file(cards, card.serial, person_id, **change)
    assert refused.value.details.get("field") == field  # type: ignore[attr-defined]
    assert _registrations(cards, person_id)[-1].status == "active"
    assert _arrivals(cards, OSAKA) == []
    lost = 1 if error is WrongPin else 0
    assert _signature_tries(cards, card.serial) == tries - lost


def test_only_the_holder_with_their_own_valid_card_files(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    other = issued_card(cards, name="Other Person", residence_card_number="ZZ12345678ZZ")
    other_id = card_row(cards, other.serial).person_id
    with pytest.raises(Forbidden):  # another resident's card
        _file(cards, other.serial, person_id)
    for who in (ward(), caller(Role.CLINIC, scope_id=1)):  # not a resident: refused by role
        with pytest.raises(Forbidden):
            _file(cards, card.serial, person_id, who=who)
    with cards.uow() as uow:  # a card reported lost
        card_counter.report_lost(
            uow.session, cards.services, caller=resident(other_id), card_serial=other.serial
        )
        uow.commit()
    with pytest.raises(CardError):
        _file(cards, other.serial, other_id)
    assert _registrations(cards, person_id)[-1].status == "active"
    assert _registrations(cards, other_id)[-1].status == "active"


def test_an_expired_card_cannot_sign_the_filing(cards: System, snapshots: Snapshots) -> None:
    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    expires = card_row(cards, card.serial).expires_on
    assert expires is not None
    clock(cards).advance(days=(expires - clock(cards).today()).days + 1)
    with pytest.raises(CardError):
        _file(cards, card.serial, person_id)
    assert _registrations(cards, person_id)[-1].status == "active"


def test_only_the_announced_office_completes_the_arrival(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    _file(cards, card.serial, person_id)
    with pytest.raises(Forbidden):  # an office the person has nothing to do with
        _complete(cards, person_id, municipality="131130")
    with pytest.raises(NotFound):  # the office they left: no arrival announced to it
        _complete(cards, person_id, municipality="131016")
    with cards.uow() as uow:
        open_ = uow.session.scalars(select(AnnouncedArrival)).one()
        assert open_.completed_at is None


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


def test_moving_online_over_the_json_api(
    client: TestClient, cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    me = _token(cards, Role.RESIDENT, scope_id=person_id)
    today = clock(cards).today()
    body = {
        "card_serial": card.serial.lower(),
        "destination": OSAKA,
        "planned_move_on": (today + dt.timedelta(days=3)).isoformat(),
        "visit_on": (today + dt.timedelta(days=40)).isoformat(),
        "signature_pin": PINS.signature,
    }
    late_visit = client.post("/residents/moving-out", headers=me, json=body)
    assert late_visit.status_code == 422 and late_visit.json()["detail_ja"]
    assert PINS.signature not in late_visit.text
    body["visit_on"] = (today + dt.timedelta(days=5)).isoformat()
    done = client.post("/residents/moving-out", headers=me, json=body)
    assert done.status_code == 200, done.text
    assert done.json()["visit_on"] == body["visit_on"]
    osaka = _token(cards, Role.WARD_OFFICE, municipality_code=OSAKA)
    listed = client.get("/ward-office/arrivals", headers=osaka).json()
    assert [a["person_id"] for a in listed] == [ref("per", person_id)]
    shibuya = _token(cards, Role.WARD_OFFICE, municipality_code="131130")
    assert client.get("/ward-office/arrivals", headers=shibuya).json() == []
    url = f"/ward-office/residents/{ref('per', person_id)}/arrival"
    arrival = {"address": NEW_ADDRESS, "started_living_on": body["planned_move_on"]}
    assert client.post(url, headers=shibuya, json=arrival).status_code == 403
    clock(cards).advance(days=3)
    moved_in = client.post(url, headers=osaka, json=arrival)
    assert moved_in.status_code == 201, moved_in.text
    assert moved_in.json()["returning"] is True and moved_in.json()["late"] is False


def test_moving_online_on_the_pages(cards: System, snapshots: Snapshots) -> None:
    from tests.integration.test_web_portal import Browser
    from tests.integration.test_web_ward_office import Counter

    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    browser = Browser(cards)
    assert browser.log_in(card.serial, PINS.user_authentication).status_code == 303
    today = clock(cards).today()
    form = {
        "destination": OSAKA,
        "planned_move_on": (today + dt.timedelta(days=2)).isoformat(),
        "visit_on": (today + dt.timedelta(days=60)).isoformat(),
        "signature_pin": PINS.signature,
    }
    refused = browser.post("/portal/moving-out", form)
    assert refused.status_code == 422 and 'id="visit_on-error"' in refused.text
    assert PINS.signature not in refused.text
    done = browser.post("/portal/moving-out", {**form, "visit_on": form["planned_move_on"]})
    assert done.status_code == 303, done.text
    assert "signed with your card and filed" in browser.client.get(done.headers["location"]).text
    osaka = Counter.__new__(Counter)
    osaka.system = cards
    with cards.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            cards.services,
            organisation="Osaka",
            role=Role.WARD_OFFICE,
            municipality_code=OSAKA,
        )
        uow.commit()
    from tests.staff_login import StaffClient, clerk_for

    osaka.client = StaffClient(cards, clerk_for(cards, token))
    osaka.client.log_in()
    listing = osaka.client.get("/staff/ward-office/arrivals").text
    assert "SMITH JOHN" in listing.upper() and "Announced arrivals" in listing
    url = f"/staff/ward-office/residents/{ref('per', person_id)}/arrival"
    page = "/staff/ward-office/arrivals"
    missing = osaka.post(url, {"address": "", "started_living_on": today.isoformat()}, page)
    assert missing.status_code == 422
    clock(cards).advance(days=2)
    moved = osaka.post(
        url, {"address": NEW_ADDRESS, "started_living_on": form["planned_move_on"]}, page
    )
    assert moved.status_code == 303, moved.text
    assert _registrations(cards, person_id)[-1].municipality_code == OSAKA
