"""The counter's daily cases in a real browser (issue 17): the fee on an express reissue and
its receipt, a found card's suspension lifted, a proxy collecting for a holder in hospital.
Screenshots under ``make screenshots`` (docs/screenshots/)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.domain.access import Role
from mynumber.domain.cards import Channel
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.photo_rules import PhotoDeclaration
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import records
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller
from tests.e2e.conftest import Server, logged_in, shoot
from tests.integration.card_support import PINS, identity
from tests.integration.helpers import register

pytestmark = pytest.mark.browser
WARD = Caller(name="Chiyoda City ward office", role=Role.WARD_OFFICE, municipality_code="131016")
HOLDER = {"name_latin": "Tanaka Ken", "date_of_birth": "1990-06-15"}


def _office(server: Server) -> str:
    with server.system.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            server.system.services,
            organisation="Chiyoda counter (cases)",
            role=Role.WARD_OFFICE,
            municipality_code="131016",
        )
        uow.commit()
    return token


def _made_card(server: Server, name: str) -> str:
    """A resident whose card was applied for 35 days ago and is made now: its application ID."""
    system = server.system
    person = register(system, name_latin=name, date_of_birth=dt.date(1990, 6, 15))
    past = dataclasses.replace(
        system.services, clock=SimulatedClock(system.services.clock.now() - dt.timedelta(days=35))
    )
    past.__post_init__()
    with system.uow() as uow:
        view = card_applications.apply_for_card(
            uow.session,
            past,
            caller=WARD,
            channel=Channel.COUNTER,
            photo=sample_photo_jpeg(),
            declaration=PhotoDeclaration(True, True, True),
            person_id=person.person_id,
        )
        card_centre.run_daily_jobs(uow.session, system.services)
        uow.commit()
    return view.application_id


def test_a_proxy_collects_for_a_holder_in_hospital(page: Any, server: Server) -> None:
    application_id = _made_card(server, "Tanaka Ken")
    logged_in(
        page, server.system, _office(server), f"/staff/card-counter/applications/{application_id}"
    )
    assert "¥0" in page.content()
    page.get_by_label("A proxy (代理人) for a holder who cannot come").check()
    for name, value in {**HOLDER, "residence_card_number": "AB12345678CD"}.items():
        page.locator(f"#{name}").fill(value)
    page.locator("#proxy_reason").select_option("hospital_stay")
    page.locator("#proxy_name_latin").fill("Tanaka Yumi")
    page.locator("#proxy_date_of_birth").fill("1962-03-08")
    page.locator("input[name=proxy_id_documents][value=driving_licence]").check()
    page.locator("#user_authentication_pin").fill(PINS.user_authentication)
    page.locator("#resident_registry_pin").fill(PINS.resident_registry)
    page.locator("#card_info_input_pin").fill(PINS.card_info_input)
    page.locator("#signature_pin").fill(PINS.signature or "")
    page.get_by_role("button", name="Hand over and activate the card").click()
    assert page.locator("#reply_form-error").is_visible()  # the 照会書兼回答書 was not ticked
    shoot(page, "card-counter-proxy-error")
    for pin in ("user_authentication", "resident_registry", "card_info_input"):
        page.locator(f"#{pin}_pin").fill(getattr(PINS, pin))
    page.locator("#signature_pin").fill(PINS.signature or "")
    page.locator("input[name=reply_form][value=shown]").check()
    page.get_by_role("button", name="Hand over and activate the card").click()
    page.wait_for_url("**/staff/card-counter/cards/*")
    assert "In use" in page.content()


def test_an_express_reissue_shows_its_fee_and_the_found_card_is_lifted(
    page: Any, server: Server
) -> None:
    application_id = _made_card(server, "Suzuki Aya")
    system = server.system
    with system.uow() as uow:
        collected = card_counter.collect_card(
            uow.session,
            system.services,
            caller=WARD,
            application_id=application_id,
            identity=identity("Suzuki Aya", dt.date(1990, 6, 15)),
            id_documents=(IdDocument.RESIDENCE_CARD, IdDocument.NOTIFICATION_LETTER),
            pins=PINS,
        )
        card_counter.report_lost(
            uow.session, system.services, caller=WARD, card_serial=collected.card_serial
        )
        reissue = card_applications.apply_for_card(
            uow.session,
            system.services,
            caller=WARD,
            channel=Channel.COUNTER,
            photo=sample_photo_jpeg(),
            declaration=PhotoDeclaration(True, True, True),
            person_id=records.get_card(uow.session, collected.card_serial).person_id,
            express_reason=ExpressReason.LOST_CARD,
            pins=PINS,  # an express card is mailed: its PINs are chosen when applying
        )
        uow.commit()
    logged_in(
        page, system, _office(server), f"/staff/card-counter/applications/{reissue.application_id}"
    )
    assert "¥2,000" in page.content()
    shoot(page, "card-counter-express-reissue-fee")
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Print the receipt (PDF)").click()
    assert receipt.value.suggested_filename.startswith("receipt-")
    page.goto("/staff/card-counter/apply")
    shoot(page, "card-counter-fees")
    page.goto(f"/staff/card-counter/cards/{collected.card_serial}")
    page.get_by_role("link", name="Card found: lift the suspension").click()
    page.locator("#name_latin").fill("Suzuki Aya")
    page.locator("#date_of_birth").fill("1990-06-15")
    page.locator("#residence_card_number").fill("AB12345678CD")
    shoot(page, "card-counter-lift-suspension")
    page.get_by_role("button").last.click()
    page.wait_for_url(f"**/staff/card-counter/cards/{collected.card_serial}")
    assert "In use" in page.content()
    shoot(page, "card-counter-lifted")
