"""An express card (特急発行) is mailed by registered post, not collected (issue 17.6,
``domain.cards.delivery``): the PINs chosen at the application, no pickup notice, active on
delivery; brought back by the post, it is held and handed over at the ward office against
photo ID; an ordinary card is still collected. Both databases."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import MailItem
from mynumber.adapters.mail import PostOffice
from mynumber.bootstrap import System
from mynumber.domain.cards import CardStatus
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.errors import Conflict, InvalidInput
from mynumber.domain.mail import DeliveryFailure, MailKind, MailStatus
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.registry import letters
from tests.conftest import ward
from tests.integration.card_support import (
    PINS,
    application_row,
    apply_at_counter,
    card_row,
    collect,
    identity,
    pass_days,
    resident,
)
from tests.integration.helpers import register
from tests.integration.test_card_pins import _use

ROOM_404 = "1-1 Chiyoda, Chiyoda-ku, Tokyo, Room 404"


def _mail(system: System, person_id: int) -> list[tuple[str, str]]:
    with system.uow() as uow:
        return [
            (m.kind, m.status)
            for m in uow.session.scalars(
                select(MailItem).where(MailItem.person_id == person_id).order_by(MailItem.id)
            )
        ]


def _view(system: System, person_id: int, application_id: str) -> object:
    with system.uow() as uow:
        return card_applications.ask_after_application(
            uow.session, system.services, caller=resident(person_id), application_id=application_id
        )


def _express(system: System, **kw: object) -> tuple[int, str]:
    person = register(system, **kw)  # type: ignore[arg-type]
    view = apply_at_counter(
        system, person.person_id, express_reason=ExpressReason.ARRIVAL_FROM_ABROAD
    )
    return person.person_id, view.application_id


def test_an_express_card_is_mailed_with_its_pins_set_and_active_on_delivery(
    cards: System,
) -> None:
    person_id, application_id = _express(cards)
    assert application_row(cards, application_id).pins_sealed  # sealed until made
    pass_days(cards, 5)  # made in about a week
    row = application_row(cards, application_id)
    assert row.card_serial and row.pins_sealed is None  # set on the chip, then erased
    sent = [kind for kind, _ in _mail(cards, person_id)]
    assert MailKind.CARD in sent and MailKind.PICKUP_NOTICE not in sent  # no 交付通知書
    view = _view(cards, person_id, application_id)
    assert (view.delivery, view.card_mail) == ("registered_post", "in_transit")  # type: ignore[attr-defined]
    assert "registered post" in view.next_step_en  # type: ignore[attr-defined]
    assert card_row(cards, row.card_serial).status == CardStatus.READY
    with pytest.raises(Conflict) as in_post:  # nothing to collect at the counter
        collect(cards, application_id)
    assert in_post.value.details["reason"] == "card_in_the_post"
    with cards.uow() as uow, pytest.raises(Conflict) as no_notice:
        card_centre.pickup_notice_pdf(
            uow.session, cards.services, caller=ward(), application_id=application_id
        )
    assert no_notice.value.details["reason"] == "mailed_card"
    pass_days(cards, 2)  # delivered
    assert card_row(cards, row.card_serial).status == CardStatus.ACTIVE
    view = _view(cards, person_id, application_id)
    assert (view.status, view.card_mail) == ("collected", "delivered")  # type: ignore[attr-defined]
    _use(cards, row.card_serial, PINS.user_authentication)  # the PINs chosen when applying
    with cards.uow() as uow, pytest.raises(Conflict) as delivered:
        item = uow.session.scalars(select(MailItem).where(MailItem.kind == "card")).one()
        letters.record_mail_returned(
            uow.session,
            cards.services,
            caller=ward(),
            mail_id=item.id,
            failure=DeliveryFailure.RETURNED,
        )
    assert delivered.value.details["reason"] == "card_delivered"


def test_a_returned_card_is_held_and_handed_over_at_the_ward_office_against_id(
    cards: System, post: PostOffice
) -> None:
    post.fail_deliveries_to("Room 404", DeliveryFailure.NOT_HOME)
    person_id, application_id = _express(cards, address=ROOM_404)
    pass_days(cards, 5)  # made and mailed
    pass_days(cards, 2)  # nobody home: back to the ward office
    assert _mail(cards, person_id)[-1] == (MailKind.CARD, MailStatus.HELD_AT_OFFICE)
    serial = application_row(cards, application_id).card_serial or ""
    assert card_row(cards, serial).status == CardStatus.READY  # not in anyone's hands
    view = _view(cards, person_id, application_id)
    assert view.card_mail == "held_at_office" and "ward office" in view.next_step_en  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput) as pins_again:  # set at the application
        collect(cards, application_id)
    assert pins_again.value.details["field"] == "pins"
    with pytest.raises(InvalidInput):  # a photo ID is shown
        collect(cards, application_id, pins=None, docs=(IdDocument.NOTIFICATION_LETTER,))  # type: ignore[arg-type]
    assert card_row(cards, serial).status == CardStatus.READY
    done = collect(cards, application_id, pins=None)  # type: ignore[arg-type]
    assert done.card_serial == serial
    assert card_row(cards, serial).status == CardStatus.ACTIVE
    assert _mail(cards, person_id)[-1] == (MailKind.CARD, MailStatus.HANDED_OVER)
    _use(cards, serial, PINS.user_authentication)
    with pytest.raises(Conflict):  # handed over once
        collect(cards, application_id, pins=None)  # type: ignore[arg-type]


def test_an_express_application_takes_the_pins_and_an_ordinary_one_does_not(
    cards: System,
) -> None:
    person = register(cards)
    with pytest.raises(InvalidInput) as missing:
        apply_at_counter(
            cards, person.person_id, express_reason=ExpressReason.ARRIVAL_FROM_ABROAD, pins=None
        )
    assert missing.value.details["field"] == "user_authentication_pin"
    with pytest.raises(InvalidInput) as trivial:
        apply_at_counter(
            cards,
            person.person_id,
            express_reason=ExpressReason.ARRIVAL_FROM_ABROAD,
            pins=replace(PINS, user_authentication="1111"),
        )
    assert trivial.value.details["field"] == "user_authentication_pin"
    with pytest.raises(InvalidInput) as not_now:
        apply_at_counter(cards, person.person_id, pins=PINS)
    assert not_now.value.details["field"] == "pins"
    assert _mail(cards, person.person_id) == [(MailKind.NOTIFICATION_LETTER, "in_transit")]


def test_an_ordinary_card_is_still_collected_with_a_pickup_notice(cards: System) -> None:
    person = register(cards)
    view = apply_at_counter(cards, person.person_id)
    assert view.delivery == "at_the_counter" and view.card_mail is None
    pass_days(cards, 33)
    sent = [kind for kind, _ in _mail(cards, person.person_id)]
    assert MailKind.PICKUP_NOTICE in sent and MailKind.CARD not in sent
    done = collect(cards, view.application_id)
    assert card_row(cards, done.card_serial).status == CardStatus.ACTIVE


# --- The counter's and the card centre's pages -----------------------------------------------


def test_the_counter_pages_take_the_pins_and_show_the_registered_post(
    system: System, post: PostOffice
) -> None:
    from mynumber.domain.access import Role
    from tests.conftest import ref
    from tests.integration.card_support import photo
    from tests.integration.test_web_card_counter import BASE, DECLARED, WHO, Desk
    from tests.integration.test_web_card_counter import PINS as PAGE_PINS

    desk = Desk(system, Role.WARD_OFFICE, municipality_code="131016")
    post.fail_deliveries_to("Room 404", DeliveryFailure.NOT_HOME)
    person = register(system, address=ROOM_404)
    fields = {
        "person_id": ref("per", person.person_id),
        "express_reason": "arrival_from_abroad",
        **DECLARED,
    }
    files = {"photo": ("photo.jpg", photo(), "image/jpeg")}
    apply_page = f"{BASE}/apply"
    assert "the resident sets the PINs now" in desk.get(apply_page).text
    no_pins = desk.post(apply_page, fields, page=apply_page, files=files)
    assert no_pins.status_code == 422 and 'id="user_authentication_pin-error"' in no_pins.text
    assert "4826" not in no_pins.text
    done = desk.post(apply_page, {**fields, **PAGE_PINS}, page=apply_page, files=files)
    assert done.status_code == 303, done.text
    page = done.headers["location"]
    application_id = page.rsplit("/", 1)[-1]
    assert "Mailed by registered post" in desk.get(page).text
    pass_days(system, 5)
    shown = desk.get(page).text
    assert "Mailed by registered post (本人限定受取郵便) — in the post" in shown
    assert "pickup-notice.pdf" not in shown and 'name="user_authentication_pin"' not in shown
    centre = Desk(system, Role.CARD_CENTRE)
    found = centre.get(f"/staff/card-centre?application_id={application_id}").text
    assert "Mailed by registered post (本人限定受取郵便) — in the post" in found
    pass_days(system, 2)  # nobody home: back to the ward office
    shown = desk.get(page).text
    assert "Hand over the card the post brought back" in shown
    handed = desk.post(
        f"{page}/collect",
        {**WHO, "id_documents": ["residence_card"], "pickup_notice": "held"},
        page=page,
    )
    assert handed.status_code == 303, handed.text
    serial = application_row(system, application_id).card_serial or ""
    assert card_row(system, serial).status == CardStatus.ACTIVE
    assert "handed over at the counter" in desk.get(page).text


def test_the_portal_shows_how_the_express_card_came(cards: System, post: PostOffice) -> None:
    from tests.integration.test_web_portal import Browser

    person_id, application_id = _express(cards)
    pass_days(cards, 5)
    pass_days(cards, 2)
    serial = application_row(cards, application_id).card_serial or ""
    browser = Browser(cards)
    assert browser.log_in(serial, PINS.user_authentication).status_code == 303
    page = browser.client.get("/portal/card").text
    assert "How your card came" in page and "Mailed by registered post (本人限定受取郵便)" in page
    assert "Delivered" in page
    browser.client.cookies.set("mynumber_lang", "vi")
    vi = browser.client.get("/portal/card").text
    assert "Gửi bằng thư bảo đảm giao tận tay (本人限定受取郵便)" in vi and "Đã giao" in vi
    # an ordinary card's holder sees nothing of the post
    other = register(cards, name_latin="Other Person", residence_card_number="ZZ12345678ZZ")
    view = apply_at_counter(cards, other.person_id)
    pass_days(cards, 33)
    done = collect(
        cards,
        view.application_id,
        who=identity("Other Person", card="ZZ12345678ZZ"),
    )
    plain = Browser(cards)
    assert plain.log_in(done.card_serial, PINS.user_authentication).status_code == 303
    assert "registered post" not in plain.client.get("/portal/card").text
    assert person_id != other.person_id


def test_the_json_api_takes_the_pins_of_an_express_application(cards: System) -> None:
    from mynumber.api.app import create_app
    from mynumber.demo.data import seed_demo_tokens
    from mynumber.domain.access import Role
    from tests.client import TestClient
    from tests.integration.test_children_api_and_pages import _apply, _reason

    with cards.uow() as uow:
        demo = seed_demo_tokens(uow.session, cards.services)
        uow.commit()
    token = next(t.token for t in demo if t.role is Role.WARD_OFFICE)
    headers = {"Authorization": f"Bearer {token}"}
    person = register(cards)
    with TestClient(create_app(cards), raise_server_exceptions=False) as client:
        express = {"express_reason": "arrival_from_abroad"}
        missing = _apply(client, headers, person.person_id, **express)
        assert missing.status_code == 422 and missing.json()["field"] == "user_authentication_pin"
        assert missing.headers["content-type"].startswith("application/problem+json")
        assert missing.json()["detail"] and missing.json()["detail_ja"]
        pins = {
            "user_authentication_pin": PINS.user_authentication,
            "resident_registry_pin": PINS.resident_registry,
            "card_info_input_pin": PINS.card_info_input,
            "signature_pin": PINS.signature,
        }
        ordinary = _apply(client, headers, person.person_id, **pins)
        assert ordinary.status_code == 422 and ordinary.json()["field"] == "pins"
        done = _apply(client, headers, person.person_id, **express, **pins)
        assert done.status_code == 201, done.text
        assert (done.json()["delivery"], done.json()["card_mail"]) == ("registered_post", None)
        assert PINS.user_authentication not in done.text
        pass_days(cards, 5)
        path = f"/cards/applications/{done.json()['application_id']}"
        asked = client.get(path, headers=headers).json()
        assert (asked["delivery"], asked["card_mail"]) == ("registered_post", "in_transit")
        collect_path = f"{path}/collect"
        refused = client.post(
            collect_path,
            json={"name_latin": "Smith John", "date_of_birth": "1995-04-12",
                  "residence_card_number": "AB12345678CD", "id_documents": ["residence_card"]},
            headers=headers,
        )  # fmt: skip
        assert _reason(refused, 409) == "card_in_the_post"
