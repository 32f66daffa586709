"""Collecting the card at the counter: papers, identity, PINs, certificates — both databases."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models_card import Certificate
from mynumber.bootstrap import System
from mynumber.card import PinRef
from mynumber.domain.errors import CardError, Conflict, Forbidden, InvalidInput
from mynumber.domain.registration import IdDocument
from mynumber.domain.representation import LegalRepresentative, Relation
from mynumber.services.cards import applications as card_applications
from mynumber.services.core.policy import AccessRefused
from tests.conftest import ward
from tests.integration.card_support import (
    PINS,
    apply_at_counter,
    apply_online,
    card_row,
    chip,
    clock,
    collect,
    identity,
    pass_days,
)
from tests.integration.helpers import register


@pytest.fixture
def ready(cards: System) -> str:
    """A registered person whose card is made and waiting: the application ID."""
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    pass_days(cards, 33)
    return person.application_id or ""


def _certificates(system: System, serial: str) -> list[Certificate]:
    with system.uow() as uow:
        return list(
            uow.session.scalars(select(Certificate).where(Certificate.card_serial == serial))
        )


def _still_waiting(system: System, application_id: str) -> None:
    with system.uow() as uow:
        view = card_applications.ask_after_application(
            uow.session, system.services, caller=ward(), application_id=application_id
        )
    assert view.status == "manufactured"
    assert card_row(system, view.card_serial or "").status == "ready"
    assert not any(
        p.is_set for p in system.services.chips.load(view.card_serial or "").pins.values()
    )


def test_collection_activates_the_card_with_pins_and_certificates(
    cards: System, ready: str
) -> None:
    done = collect(cards, ready)
    row = card_row(cards, done.card_serial)
    assert row.status == "active" and row.collected_at is not None
    assert done.signature_certificate and not done.notification_card_collected
    assert {c.kind for c in _certificates(cards, done.card_serial)} == {
        "signature",
        "authentication",
    }
    assert row.certificates_expire_on is not None
    with chip(cards, done.card_serial).open_session() as session:
        session.verify(PinRef.USER_AUTHENTICATION, PINS.user_authentication)
        session.verify(PinRef.SIGNATURE, PINS.signature or "")
        session.verify(PinRef.CARD_INFO_INPUT, PINS.card_info_input)
        assert session.read_basic_four().address == row.chip_address


def test_the_old_notification_card_is_collected(cards: System, ready: str) -> None:
    done = collect(cards, ready, docs=(IdDocument.RESIDENCE_CARD, IdDocument.NOTIFICATION_CARD))
    assert done.notification_card_collected


def test_the_card_is_handed_to_no_one_but_its_owner(cards: System, ready: str) -> None:
    for someone_else in (
        identity(name="Smith Jane"),
        identity(born=dt.date(1995, 4, 13)),
        identity(card="ZZ99999999ZZ"),
    ):
        with pytest.raises(Forbidden) as caught:
            collect(cards, ready, who=someone_else)
        assert caught.value.details["reason"] == "not_the_holder"
    _still_waiting(cards, ready)


@pytest.mark.parametrize(
    "docs,field",
    [
        ((IdDocument.NOTIFICATION_LETTER,), "id_documents"),
        ((IdDocument.RESIDENCE_CARD,), "id_documents"),
    ],
)
def test_collection_needs_a_photo_id_and_the_letter(
    cards: System, ready: str, docs: tuple[IdDocument, ...], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        collect(cards, ready, docs=docs)
    assert caught.value.details["field"] == field
    _still_waiting(cards, ready)


def test_collection_needs_the_pickup_notice_unless_the_office_holds_it(
    cards: System, ready: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        collect(cards, ready, pickup_notice_shown=False)
    assert caught.value.details["field"] == "pickup_notice"


@pytest.mark.parametrize(
    "pins,field,reason",
    [
        (replace(PINS, user_authentication="0000"), "user_authentication_pin", "same_digits"),
        (replace(PINS, resident_registry="1234"), "resident_registry_pin", "sequence"),
        (replace(PINS, card_info_input="0412"), "card_info_input_pin", "birth_date"),
        (replace(PINS, user_authentication="12a4"), "user_authentication_pin", "format"),
        (replace(PINS, signature="taro2026"), "signature_pin", "characters"),
        (replace(PINS, signature="ABCDEFGH"), "signature_pin", "no_digit"),
        (replace(PINS, signature="AB12"), "signature_pin", "length"),
    ],
)
def test_trivial_or_malformed_pins_are_refused_before_the_card_is_touched(
    cards: System, ready: str, pins: object, field: str, reason: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        collect(cards, ready, pins=pins)  # type: ignore[arg-type]
    assert (caught.value.details["field"], caught.value.details["reason"]) == (field, reason)
    assert "4826" not in caught.value.message_en
    _still_waiting(cards, ready)


def test_an_adult_must_choose_a_signature_pin(cards: System, ready: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        collect(cards, ready, pins=replace(PINS, signature=None))
    assert caught.value.details["field"] == "signature_pin"


def test_a_child_under_15_gets_no_signature_certificate_nor_pin(cards: System) -> None:
    born = dt.date(2016, 6, 1)
    parent = LegalRepresentative("Smith Jane", dt.date(1985, 1, 9), Relation.PARENT)
    person = register(cards, name_latin="Smith Kid", date_of_birth=born)
    view = apply_at_counter(cards, person.person_id, representative=parent)
    pass_days(cards, 33)
    done = collect(
        cards,
        view.application_id,
        who=identity("Smith Kid", born),
        pins=replace(PINS, signature=None),
        representative=parent,  # under 15: tests/integration/test_children_cards.py
    )
    assert not done.signature_certificate
    assert {c.kind for c in _certificates(cards, done.card_serial)} == {"authentication"}
    row = card_row(cards, done.card_serial)
    assert row.expires_on is not None and row.expires_on <= dt.date(2031, 6, 1)


def test_a_card_cannot_be_collected_before_it_is_made_nor_twice(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    with pytest.raises(Conflict) as caught:
        collect(cards, person.application_id or "")
    assert caught.value.details["reason"] == "application_received"
    pass_days(cards, 33)
    collect(cards, person.application_id or "")
    with pytest.raises(Conflict) as caught:
        collect(cards, person.application_id or "")
    assert caught.value.details["reason"] == "application_collected"


def test_collection_at_another_municipality_is_refused(cards: System, ready: str) -> None:
    with pytest.raises(AccessRefused):
        collect(cards, ready, municipality="131130")


def test_a_card_whose_stay_ended_before_collection_is_not_handed_over(cards: System) -> None:
    # Living here long enough (a stay of 3 months or less is not registered), 40 days left.
    person = register(
        cards,
        started_living_on=clock(cards).today() - dt.timedelta(days=400),
        period_of_stay_ends=clock(cards).today() + dt.timedelta(days=40),
    )
    apply_online(cards, person.application_id, person.person_id)
    pass_days(cards, 33)
    clock(cards).advance(days=10)
    with pytest.raises(CardError) as caught:
        collect(cards, person.application_id or "")
    assert caught.value.details["reason"] == "expired"
