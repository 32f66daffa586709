"""The card centre's manufacture job and the pickup notice in the post — both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import AuditEntry, MailItem
from mynumber.bootstrap import System
from mynumber.card import BasicFourItems, CardFile, KeySlot
from mynumber.domain.errors import CardError, Conflict
from mynumber.domain.mail import DeliveryFailure
from mynumber.domain.validity import card_expiry
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.cards import use as card_use
from mynumber.services.flows import moving
from mynumber.services.registry.numbers import open_number
from tests.conftest import ward
from tests.integration.card_support import (
    BORN,
    apply_online,
    card_row,
    chip,
    clock,
    collect,
    pass_days,
)
from tests.integration.helpers import register


def _ask(system: System, application_id: str) -> card_applications.ApplicationView:
    with system.uow() as uow:
        return card_applications.ask_after_application(
            uow.session, system.services, caller=ward(), application_id=application_id
        )


def test_the_card_is_made_a_month_after_the_application_not_before(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    assert pass_days(cards, 29).cards_made == []
    report = pass_days(cards, 1)
    assert len(report.cards_made) == 1
    view = _ask(cards, person.application_id)
    assert view.status == "manufactured" and view.card_serial == report.cards_made[0]
    assert view.collect_by == dt.date(2026, 8, 1)


def test_the_new_card_is_ready_at_the_office_with_its_validity_and_chip(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    serial = pass_days(cards, 30).cards_made[0]
    row = card_row(cards, serial)
    today = clock(cards).today()
    stay_end = dt.date(2026, 4, 1) + dt.timedelta(days=3 * 365)
    assert (row.status, row.issued_on, row.chip_address) == (
        "ready",
        today,
        "1-1 Chiyoda, Chiyoda-ku, Tokyo",
    )
    assert (
        row.expires_on == card_expiry(date_of_birth=BORN, issued_on=today)
        or row.expires_on == stay_end
    )
    assert row.expires_on == stay_end  # a foreign resident: capped at the end of stay
    files = cards.services.chips.load(serial).files  # sealed: opened only by the chip
    made = chip(cards, serial)
    items = BasicFourItems.decode(made._read(CardFile.BASIC_FOUR))
    assert (items.name, items.date_of_birth, items.sex) == ("SMITH JOHN", BORN, "M")
    with cards.uow() as uow:
        from mynumber.adapters.db.models import Person

        number = open_number(cards.services, uow.session.get(Person, person.person_id))
    assert made._read(CardFile.MY_NUMBER) == number.digits.encode()
    assert made._read(CardFile.PHOTO).startswith(b"\x89PNG")
    assert number.digits.encode() not in files[CardFile.MY_NUMBER.value]
    keys = made.public_keys()
    assert keys.user_auth.key_size == 2048 and keys.signature.key_size == 2048
    assert CardFile.AUTH_CERT.value not in files  # certificates come at collection
    assert KeySlot.USER_AUTH in cards.services.chips.load(serial).keys


def test_writing_the_number_to_the_chip_is_audited_without_the_number(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    pass_days(cards, 30)
    with cards.uow() as uow:
        entries = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.person_id == person.person_id)
        ).all()
        from mynumber.adapters.db.models import Person

        number = open_number(cards.services, uow.session.get(Person, person.person_id))
    # The card centre never reads the number: it goes sealed from the register to the chip.
    assert not [e for e in entries if e.action == "read_my_number"]
    writes = [e for e in entries if e.action == "write_number_to_chip"]
    assert writes and writes[0].purpose == "resident_registry"
    assert writes[0].role == "card_centre"
    assert all(number.digits not in e.detail for e in entries)


def test_the_pickup_notice_is_mailed_and_arrives(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    pass_days(cards, 30)
    assert _ask(cards, person.application_id).pickup_notice == "in_transit"
    pass_days(cards, 3)
    assert _ask(cards, person.application_id).pickup_notice == "delivered"
    with cards.uow() as uow:
        pdf = card_centre.pickup_notice_pdf(
            uow.session, cards.services, caller=ward(), application_id=person.application_id
        )
    assert pdf.startswith(b"%PDF")


def test_an_undelivered_pickup_notice_is_held_and_the_card_still_collected(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    pass_days(cards, 30)
    cards.services.post.fail_deliveries_to("1-1 Chiyoda", DeliveryFailure.NOT_HOME)
    pass_days(cards, 3)
    view = _ask(cards, person.application_id)
    assert view.pickup_notice == "held_at_office" and "held at the ward office" in view.next_step_en
    with cards.uow() as uow:
        item = uow.session.scalars(select(MailItem).where(MailItem.kind == "pickup_notice")).one()
    assert item.failure == "not_home"
    done = collect(cards, person.application_id, pickup_notice_shown=False)
    assert card_row(cards, done.card_serial).status == "active"


def test_no_pickup_notice_before_the_card_is_made(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    with cards.uow() as uow, pytest.raises(Conflict):
        card_centre.pickup_notice_pdf(
            uow.session, cards.services, caller=ward(), application_id=person.application_id
        )


def test_moving_away_before_manufacture_cancels_the_application(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    with cards.uow() as uow:
        moving.register_moving_out(
            uow.session,
            cards.services,
            caller=ward(),
            person_id=person.person_id,
            destination="131130",
            planned_move_on=clock(cards).today(),
        )
        uow.commit()
    assert pass_days(cards, 30).cards_made == []
    view = _ask(cards, person.application_id)
    assert view.status == "cancelled" and "Apply again" in view.next_step_en


def test_moving_away_before_collection_cancels_the_ready_card(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    serial = pass_days(cards, 30).cards_made[0]
    with cards.uow() as uow:
        moving.register_moving_out(
            uow.session,
            cards.services,
            caller=ward(),
            person_id=person.person_id,
            destination="abroad",
            planned_move_on=clock(cards).today(),
        )
        uow.commit()
    row = card_row(cards, serial)
    assert (row.status, row.invalid_reason) == ("invalid", "not_collected")
    with cards.uow() as uow, pytest.raises(CardError) as caught:
        card_use.check_card(uow.session, cards.services, card_serial=serial)
    assert caught.value.details["reason"] == "invalid"
