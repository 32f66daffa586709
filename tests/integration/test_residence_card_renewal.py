"""A renewed residence card has a new number (issue 17, "a renewed residence card"): the ward
office records it with the new stay, and the My Number Card's validity change works with the
new card shown — service, JSON API, pages and CLI, on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import AuditEntry, Registration
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import CardError, Conflict, Forbidden, InvalidInput
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from mynumber.services.core import tokens
from mynumber.services.registry import residence_cards
from tests.client import TestClient
from tests.conftest import ref, ward
from tests.integration.card_support import (
    RESIDENCE_CARD,
    card_row,
    identity,
    issued_card,
    pass_days,
)
from tests.integration.helpers import register
from tests.integration.snapshots import Snapshots

RENEWED = "CD87654321EF"
SHOWN = (IdDocument.RESIDENCE_CARD,)


def _registration(system: System, person_id: int) -> Registration:
    with system.uow() as uow:
        reg = uow.session.scalars(
            select(Registration).where(
                Registration.person_id == person_id, Registration.status == "active"
            )
        ).one()
        uow.session.expunge(reg)
        return reg


def _record(system: System, person_id: int, municipality: str = "131016", **kw: Any) -> None:
    with system.uow() as uow:
        residence_cards.record_residence_card_renewal(
            uow.session,
            system.services,
            caller=ward(municipality),
            person_id=person_id,
            residence_card_number=kw.get("number", RENEWED),
            status_of_residence=kw.get("status", "Engineer/Specialist"),
            period_of_stay_ends=kw.get("ends", dt.date(2032, 3, 31)),
        )
        uow.commit()


def _change(system: System, serial: str, *, shown: str | None, renewed: str | None) -> None:
    with system.uow() as uow:
        card_counter.change_validity(
            uow.session,
            system.services,
            caller=ward(),
            card_serial=serial,
            status_of_residence="Engineer/Specialist",
            period_of_stay_ends=dt.date(2032, 3, 31),
            identity=identity(card=shown),
            id_documents=SHOWN,
            renewed_residence_card_number=renewed,
        )
        uow.commit()


# --- the register ----------------------------------------------------------------------------


def test_the_ward_office_records_the_renewed_card_and_the_new_stay(system: System) -> None:
    person = register(system)
    _record(system, person.person_id, number="cd8765 4321-ef")
    reg = _registration(system, person.person_id)
    assert reg.residence_card_number == RENEWED
    assert reg.period_of_stay_ends == dt.date(2032, 3, 31)
    with system.uow() as uow:
        actions = list(
            uow.session.scalars(
                select(AuditEntry.action).where(AuditEntry.person_id == person.person_id)
            )
        )
    assert "record_residence_card_renewal" in actions


def test_another_ward_office_cannot_record_it(system: System) -> None:
    person = register(system)
    with pytest.raises(Forbidden):
        _record(system, person.person_id, municipality="131130")
    assert _registration(system, person.person_id).residence_card_number == RESIDENCE_CARD


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"number": RESIDENCE_CARD}, "residence_card_number"),  # the same card is no renewal
        ({"number": "CD8765432EF"}, "residence_card_number"),
        ({"status": "Engineer/Specialist", "ends": None}, "period_of_stay_ends"),
        ({"ends": dt.date(2026, 3, 1)}, "period_of_stay_ends"),  # already over
        ({"status": "Temporary Visitor"}, "status_of_residence"),
    ],
)
def test_a_wrong_renewal_is_refused_by_name_and_nothing_changes(
    system: System, change: dict[str, Any], field: str
) -> None:
    person = register(system)
    with pytest.raises((InvalidInput, Forbidden, Conflict)) as refused:
        _record(system, person.person_id, **change)
    assert refused.value.details.get("field") == field
    reg = _registration(system, person.person_id)
    assert reg.residence_card_number == RESIDENCE_CARD
    assert reg.period_of_stay_ends == dt.date(2029, 3, 31)


@pytest.mark.sqlite_only  # a domain rule, refused before anything is written
def test_a_japanese_national_has_no_residence_card_to_renew(system: System) -> None:
    person = register(
        system,
        nationality="JP",
        residence_card_number=None,
        status_of_residence=None,
        period_of_stay_ends=None,
        id_documents=["driving_licence"],
    )
    with pytest.raises(InvalidInput):
        _record(system, person.person_id)


def test_a_card_number_on_another_residents_registration_is_refused(system: System) -> None:
    other = register(system, name_latin="Other Person", residence_card_number=RENEWED)
    person = register(system)
    with pytest.raises(Conflict):
        _record(system, person.person_id)
    assert _registration(system, other.person_id).residence_card_number == RENEWED
    assert _registration(system, person.person_id).residence_card_number == RESIDENCE_CARD


# --- the card's validity change --------------------------------------------------------------


def test_the_validity_change_works_with_the_renewed_card_shown(cards: System) -> None:
    """Fails on the old code: the renewed card's number is not the register's, and the holder
    was refused as ``not_the_holder``."""
    card = issued_card(cards)
    _change(cards, card.serial, shown=RENEWED, renewed=RENEWED)
    assert card_row(cards, card.serial).expires_on == dt.date(2032, 3, 31)
    reg = _registration(cards, card_row(cards, card.serial).person_id)
    assert (reg.residence_card_number, reg.period_of_stay_ends) == (RENEWED, dt.date(2032, 3, 31))


def test_a_renewal_recorded_first_then_the_validity_change_with_the_new_card(
    cards: System,
    snapshots: Snapshots,
) -> None:
    card = snapshots.give(cards, issued_card)
    person_id = card_row(cards, card.serial).person_id
    _record(cards, person_id)
    assert card_row(cards, card.serial).expires_on == dt.date(2029, 3, 31)  # not by itself
    _change(cards, card.serial, shown=RENEWED, renewed=None)
    assert card_row(cards, card.serial).expires_on == dt.date(2032, 3, 31)


def test_the_old_card_is_not_the_holders_once_a_renewed_one_is_named(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    with pytest.raises(Forbidden) as refused:
        _change(cards, card.serial, shown=RESIDENCE_CARD, renewed=RENEWED)
    assert refused.value.details["reason"] == "not_the_holder"
    with pytest.raises(Forbidden):  # the new card, not yet recorded nor named
        _change(cards, card.serial, shown=RENEWED, renewed=None)
    assert card_row(cards, card.serial).expires_on == dt.date(2029, 3, 31)


def test_an_expired_card_is_refused_and_the_renewal_is_not_kept(
    cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    pass_days(cards, (dt.date(2029, 4, 2) - dt.date(2026, 5, 3)).days + 30)
    with pytest.raises(CardError):
        _change(cards, card.serial, shown=RENEWED, renewed=RENEWED)
    person_id = card_row(cards, card.serial).person_id
    assert _registration(cards, person_id).residence_card_number == RESIDENCE_CARD


# --- over HTTP -------------------------------------------------------------------------------


@pytest.fixture
def client(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as c:
        yield c


def _ward_token(system: System, municipality: str) -> dict[str, str]:
    with system.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            system.services,
            organisation=f"ward {municipality}",
            role=Role.WARD_OFFICE,
            municipality_code=municipality,
        )
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_renewed_card_over_the_json_api(
    client: TestClient, cards: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cards, issued_card)
    person = ref("per", card_row(cards, card.serial).person_id)
    chiyoda, other = _ward_token(cards, "131016"), _ward_token(cards, "131130")
    body = {
        "residence_card_number": RENEWED,
        "status_of_residence": "Engineer/Specialist",
        "period_of_stay_ends": "2032-03-31",
    }
    url = f"/ward-office/residents/{person}/residence-card"
    assert client.post(url, headers=other, json=body).status_code == 403
    same = client.post(url, headers=chiyoda, json={**body, "residence_card_number": RESIDENCE_CARD})
    assert same.status_code == 422 and same.json()["detail_ja"]
    done = client.post(url, headers=chiyoda, json=body)
    assert done.status_code == 200, done.text
    assert done.json() == {"person_id": person, **body}
    shown = {
        "name_latin": "Smith John",
        "date_of_birth": "1995-04-12",
        "residence_card_number": RENEWED,
        "id_documents": ["residence_card"],
    }
    changed = client.post(
        f"/cards/{card.serial}/validity",
        headers=chiyoda,
        json={
            **shown,
            "status_of_residence": "Engineer/Specialist",
            "period_of_stay_ends": "2032-03-31",
        },
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["expires_on"] == "2032-03-31"
    resident = client.get(f"/ward-office/residents/{person}", headers=chiyoda).json()
    assert resident["residence_card_number"] == RENEWED


def test_the_renewed_card_on_the_ward_office_page(system: System) -> None:
    from tests.integration.test_web_ward_office import BASE, Counter

    counter = Counter(system)
    person_id = counter.register()
    page = f"{BASE}/residents/{ref('per', person_id)}"
    form = {
        "residence_card_number": "NG12345678AB",  # the card already on the register
        "status_of_residence": "Engineer/Specialist",
        "period_of_stay_ends": "2032-03-31",
    }
    refused = counter.post(f"{page}/residence-card", form, page=page)
    assert refused.status_code == 422
    assert "A renewed residence card has a new number" in refused.text
    done = counter.post(f"{page}/residence-card", {**form, "residence_card_number": RENEWED}, page)
    assert done.status_code == 303
    shown = counter.client.get(page).text
    assert RENEWED in shown and "The renewed residence card is recorded" in shown
