"""The whole journey in a real browser: register at the ward office → the letter → apply online
with a photo → the card is made and collected with PINs → a clinic check → the My Number
Portal with the card → an e-Tax return signed on the card.

The pages drive every step they offer. The card centre's manufacture, the post, the counter's
collection and the clinic terminal are driven through the service layer (their pages were not
registered in ``web.PAGES`` when this test was written). Months pass on the simulated clock
of a server of this module's own, so that the other browser tests still see 2026-04-01.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.cards import IdentityShown
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.insurance import IncomeClass, InsuredNumbers, InsurerKind
from mynumber.domain.registration import IdDocument
from mynumber.services import card_centre, card_counter, clinic, insurer, medical_records
from mynumber.services.card_counter import InitialPins
from mynumber.services.context import Caller
from mynumber.services.medical_records import Medicine
from tests.e2e.conftest import Server, running_server, shoot

pytestmark = pytest.mark.browser

PERSON = {"name_latin": "Mensah Ama", "date_of_birth": "1994-02-17", "nationality": "GH",
          "address": "4-2-1 Kudan-minami, Chiyoda-ku, Tokyo",
          "started_living_on": "2026-03-30", "residence_card_number": "GH87654321JR",
          "status_of_residence": "Engineer/Specialist", "period_of_stay_ends": "2031-03-31"}
PINS = InitialPins(user_authentication="4826", resident_registry="5937",
                   card_info_input="7148", signature="AMA2026X")
WARD = Caller(name="Chiyoda City ward office", role=Role.WARD_OFFICE, municipality_code="131016")
PORTAL_PAGES = ("details", "card", "medical", "access-log", "face", "child-benefit", "tax")


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The whole app on its own port and database (its clock will run months ahead)."""
    with running_server(tmp_path_factory.mktemp("journey")) as running:
        yield running


@pytest.fixture
def journey(journey_server: Server, browser: Any) -> Iterator[tuple[Any, Server]]:
    """A fresh browser page on the journey's server."""
    context = browser.new_context(viewport={"width": 1200, "height": 900},
                                  base_url=journey_server.base_url)
    yield context.new_page(), journey_server
    context.close()


@pytest.fixture
def clock(journey_server: Server) -> SimulatedClock:
    found = journey_server.system.services.clock
    assert isinstance(found, SimulatedClock)
    return found


def _services(system: System, use_case: Any) -> Any:
    with system.uow() as uow:
        result = use_case(uow.session, system.services)
        uow.commit()
    return result


def _register_at_the_counter(page: Any, server: Server) -> str:
    page.goto("/login")
    page.get_by_label("API token").fill(server.ward_token)
    page.get_by_role("button", name="Log in").click()
    page.goto("/staff/ward-office/moving-in")
    for name, value in PERSON.items():
        page.locator(f"#{name}").fill(value)
    page.get_by_label("Female", exact=True).check()
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url("**/staff/ward-office/residents/*")
    found = re.search(r"\b(\d{23})\b", page.locator("#letter").inner_text())
    assert found, "the letter's application ID is shown"
    page.get_by_role("button", name="Log out").click()
    return found.group(1)


def _apply_online(page: Any, application_id: str, folder: Path) -> None:
    photo = folder / "my-photo.jpg"
    photo.write_bytes(sample_photo_jpeg())
    page.goto(f"/apply?application_id={application_id}")  # the letter's QR code
    assert page.locator("#application_id").input_value() == application_id
    shoot(page, "apply-form")
    page.locator("#photo").set_input_files(str(photo))
    for box in page.locator("input[name=photo_declaration]").all():
        box.check()
    page.get_by_role("button", name="Send my application").click()
    assert "Application received" in page.locator("h1").inner_text()
    shoot(page, "apply-done")


def _make_and_collect(server: Server, clock: SimulatedClock, application_id: str) -> str:
    clock.advance(days=33)
    _services(server.system, card_centre.run_daily_jobs)
    identity = IdentityShown(name_latin=PERSON["name_latin"],
                             date_of_birth=dt.date.fromisoformat(PERSON["date_of_birth"]),
                             residence_card_number=PERSON["residence_card_number"])
    done = _services(server.system, lambda s, svc: card_counter.collect_card(
        s, svc, caller=WARD, application_id=application_id, identity=identity,
        id_documents=(IdDocument.RESIDENCE_CARD, IdDocument.NOTIFICATION_LETTER), pins=PINS))
    return str(done.card_serial)


def _clinic_visit(server: Server, serial: str) -> None:
    """Enrolled in Chiyoda's National Health Insurance, seen at a clinic with the card + PIN."""
    from mynumber.adapters.db.models_card import Card
    from mynumber.services.card_records import chip_of
    system = server.system

    def set_up(s: Any, svc: Any) -> tuple[Caller, int, int]:
        nhi = insurer.create_insurer(s, svc, kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
                                     insurer_number="131011", name_ja="千代田区国民健康保険",
                                     municipality_code="131016")
        place = clinic.create_clinic(s, svc, code="1310198765", name="Jimbocho Clinic")
        card = s.query(Card).filter_by(serial=serial).one()
        who = Caller(name="Chiyoda NHI", role=Role.INSURER, scope_id=nhi.id)
        insurer.enrol(s, svc, caller=who, person_id=card.person_id,
                      numbers=InsuredNumbers("1", "2345", "01"),
                      income_class=IncomeClass.GENERAL, valid_from=svc.clock.today())
        return who, place.id, card.person_id

    _, clinic_id, _ = _services(system, set_up)
    reception = Caller(name="Jimbocho Clinic", role=Role.CLINIC, scope_id=clinic_id)
    challenge = _services(system, lambda s, svc: clinic.new_challenge(s, svc, caller=reception))
    card_row = _services(system, lambda s, svc: s.query(Card).filter_by(serial=serial).one())
    answer = clinic.answer_at_terminal(chip_of(system.services, card_row),
                                       pin=PINS.user_authentication, nonce=challenge.nonce)

    def check(s: Any, svc: Any) -> None:
        visit = clinic.check_with_pin(s, svc, caller=reception, nonce=challenge.nonce,
                                      certificate_der=answer.certificate_der,
                                      signature=answer.signature, register_insurance_use=True)
        medical_records.write_prescription(
            s, svc, caller=reception, visit_id=visit.visit_id,
            medicines=[Medicine("Loxoprofen 60mg", "1 tablet 3 times a day", 5)])

    _services(system, check)


def _portal(page: Any, serial: str) -> None:
    page.goto("/portal")
    page.wait_for_url("**/portal/login?next=/portal")
    shoot(page, "portal-login")
    page.locator("#card_serial").fill(serial)
    page.locator("#user_authentication_pin").fill("0000")
    page.get_by_role("button", name="Log in").click()
    assert "2 tries left" in page.locator("#user_authentication_pin-error").inner_text()
    shoot(page, "portal-login-error")
    page.locator("#card_serial").fill(serial)
    page.locator("#user_authentication_pin").fill(PINS.user_authentication)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/portal")
    assert "Welcome" in page.locator(".flash").inner_text()
    shoot(page, "portal-home")
    page.goto("/portal/face")
    page.get_by_label(re.compile("I agree")).check()
    page.get_by_role("button", name="Register my face").click()
    assert "face is registered" in page.locator(".flash").inner_text()
    page.goto("/portal/child-benefit")
    page.locator("#child_name").fill("Mensah Kofi")
    page.locator("#child_date_of_birth").fill("2021-09-09")
    page.locator("#lives_with_applicant").check()
    page.get_by_role("button", name="Apply", exact=True).click()
    assert "Application received" in page.locator(".flash").inner_text()


def _file_tax_return(page: Any) -> None:
    page.goto("/portal/tax")
    page.locator("#salary").fill("5,200,000")
    page.locator("#deductions").fill("480000")
    page.locator("#tax_withheld").fill("150000")
    page.locator("#signature_pin").fill("WRONG1")
    page.get_by_role("button", name="Sign with my card and submit").click()
    assert "4 tries left" in page.locator("#signature_pin-error").inner_text()
    shoot(page, "portal-tax-error")
    page.locator("#signature_pin").fill(PINS.signature or "")
    page.get_by_role("button", name="Sign with my card and submit").click()
    assert "receipt number" in page.locator(".flash").inner_text()
    shoot(page, "portal-tax-done")


def _every_portal_page_in_both_languages(page: Any) -> None:
    for lang in ("en", "ja"):
        page.goto(f"/portal?lang={lang}")
        shoot(page, f"portal-home-{lang}")
        for name in PORTAL_PAGES:
            page.goto(f"/portal/{name}")
            assert page.locator("html").get_attribute("lang") == lang
            assert page.locator("h1").count() == 1
            assert "****" not in page.locator("h1").inner_text()
            shoot(page, f"portal-{name}-{lang}")
    page.goto("/portal/access-log?lang=en")
    log = page.locator("main").inner_text()
    for words in ("Registered your moving in", "Made your card", "Handed your card to you",
                  "Checked your health insurance", "Received your tax return",
                  "Jimbocho Clinic", "Social security", "Tax"):
        assert words in log, words


def test_register_letter_apply_collect_clinic_portal_and_tax_return(
    journey: tuple[Any, Server], clock: SimulatedClock, tmp_path: Path,
) -> None:
    page, server = journey
    application_id = _register_at_the_counter(page, server)
    clock.advance(days=14)  # the letter arrives 2–4 weeks after registration
    _services(server.system, card_centre.run_daily_jobs)
    _apply_online(page, application_id, tmp_path)
    serial = _make_and_collect(server, clock, application_id)
    _clinic_visit(server, serial)
    _portal(page, serial)
    _file_tax_return(page)
    _every_portal_page_in_both_languages(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/portal/access-log?lang=en")
    shoot(page, "portal-access-log-phone")
