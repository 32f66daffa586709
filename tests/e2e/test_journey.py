"""The whole journey in a real browser: register at the ward office → the letter → apply online
with a photo → the card centre makes the card → the card counter hands it over while the
resident sets the PINs → a clinic's reception terminal checks the insurance with the PIN →
the My Number Portal with the card → an e-Tax return signed on the card.

Every step that has a page is driven through it and its visible result is asserted. Only
what no page offers stays in Python: moving the simulated clock, a staff token for the new
clinic, setting up the insurer and the clinic and enrolling the resident (system and insurer
set-up), and the prescription the clinic's own system writes. Months pass on the simulated
clock of a server of this module's own, so that the other browser tests still see 2026-04-01.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mynumber.adapters.mail import DEFAULT_DELAYS
from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.insurance import IncomeClass, InsuredNumbers, InsurerKind
from mynumber.domain.mail import MailKind
from mynumber.services.cards.counter import InitialPins
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller
from mynumber.services.insurance import clinic, insurer, medical_records
from mynumber.services.insurance.medical_records import Medicine
from tests.conftest import unref
from tests.e2e.conftest import Makings, Server, log_in, running_server, shoot

pytestmark = pytest.mark.browser

PERSON = {
    "name_latin": "Mensah Ama",
    "date_of_birth": "1994-02-17",
    "nationality": "GH",
    "address": "4-2-1 Kudan-minami, Chiyoda-ku, Tokyo",
    "started_living_on": "2026-03-30",
    "residence_card_number": "GH87654321JR",
    "status_of_residence": "Engineer/Specialist",
    "period_of_stay_ends": "2031-03-31",
}
IDENTITY_SHOWN = ("name_latin", "date_of_birth", "residence_card_number")
PINS = InitialPins(
    user_authentication="4826",
    resident_registry="5937",
    card_info_input="7148",
    signature="AMA2026X",
)
CARD_CENTRE = "J-LIS card centre"  # a demo organisation: running_server seeds its token
CLINIC_NAME = "Jimbocho Clinic"
INSURER_NAME = "千代田区国民健康保険"
MEDICINE = Medicine("Loxoprofen 60mg", "1 tablet 3 times a day", 5)
MY_NUMBER_LIKE = re.compile(r"(?<![\w-])\d{4}[ -]?\d{4}[ -]?\d{4}(?![\w-])")
PORTAL_PAGES = ("details", "card", "medical", "access-log", "face", "child-benefit", "tax")


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory: pytest.TempPathFactory, makings: Makings) -> Iterator[Server]:
    """The whole app on its own port and database (its clock will run months ahead)."""
    with running_server(tmp_path_factory.mktemp("journey"), makings) as running:
        yield running


@pytest.fixture
def journey(journey_server: Server, browser: Any) -> Iterator[tuple[Any, Server]]:
    """A fresh browser page on the journey's server."""
    context = browser.new_context(
        viewport={"width": 1200, "height": 900}, base_url=journey_server.base_url
    )
    yield context.new_page(), journey_server
    context.close()


@pytest.fixture
def clock(journey_server: Server) -> SimulatedClock:
    found = journey_server.system.services.clock
    assert isinstance(found, SimulatedClock)
    return found


def _services(system: System, use_case: Any) -> Any:
    """Set-up no page offers, in one unit of work."""
    with system.uow() as uow:
        result = use_case(uow.session, system.services)
        uow.commit()
    return result


def _log_in(page: Any, server: Server, token: str, landing: str) -> None:
    log_in(page, server.system, token, landing)


def _log_out(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    _flash(page, "You have logged out.")


def _flash(page: Any, words: str) -> str:
    """The flash message containing ``words``; fails when none appears."""
    text: str = page.locator(".flash", has_text=words).inner_text()
    return text


def _dd(page: Any, term: str) -> str:
    """The value beside ``term`` in a page's description list."""
    exactly = re.compile(f"^{re.escape(term)}$")
    row = page.locator(".dl-row", has=page.locator("dt", has_text=exactly))
    text: str = row.locator("dd").inner_text()
    return text.strip()


def _register_at_the_counter(page: Any, server: Server) -> str:
    _log_in(page, server, server.ward_token, "/staff/ward-office/moving-in")
    for name, value in PERSON.items():
        page.locator(f"#{name}").fill(value)
    page.get_by_label("Female", exact=True).check()
    page.get_by_role("button", name="Register", exact=True).click()
    page.wait_for_url("**/staff/ward-office/residents/*")
    found = re.search(r"\b(\d{23})\b", page.locator("#letter").inner_text())
    assert found, "the letter's application ID is shown"
    _log_out(page)
    return found.group(1)


def _run_the_card_centre_job(page: Any, server: Server) -> str:
    """The card centre's daily job, run from its page; returns the job's report."""
    _log_in(
        page, server, tokens.demo_token(server.system.services, CARD_CENTRE), "/staff/card-centre"
    )
    page.get_by_role("button", name="Run the manufacture job").click()
    return _flash(page, "Job done")


def _letter_arrives(page: Any, server: Server, clock: SimulatedClock) -> None:
    """The post delivers the letter (its round is part of the card centre's daily job)."""
    post = DEFAULT_DELAYS[MailKind.NOTIFICATION_LETTER]  # three weeks
    clock.advance(seconds=post.total_seconds())  # no page moves the clock
    report = _run_the_card_centre_job(page, server)
    assert "0 card(s) made" in report and "1 mail item(s) settled" in report, report
    _log_out(page)


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


def _card_centre_makes_the_card(
    page: Any, server: Server, clock: SimulatedClock, application_id: str
) -> str:
    """About a month on, the job makes the card; the look-up shows its serial."""
    clock.advance(days=33)  # no page moves the clock
    report = _run_the_card_centre_job(page, server)
    assert "1 card(s) made" in report, report
    page.wait_for_url("**/staff/card-centre?status=manufactured")
    assert application_id in page.locator("table").inner_text()
    page.get_by_label("Application ID (23 digits)").fill(application_id)
    page.get_by_role("button", name="Find").click()
    assert _dd(page, "Status") == "Made — at the ward office"
    serial = _dd(page, "Card serial")
    assert re.fullmatch(r"[0-9A-F]{16}", serial), serial
    _log_out(page)
    return serial


def _fill_the_collection_form(page: Any) -> None:
    """Staff type the residence card's details and tick the papers; the resident the PINs."""
    page.locator("input[name=pickup_notice][value=shown]").check()
    for name in IDENTITY_SHOWN:
        page.locator(f"#{name}").fill(PERSON[name])
    for paper in ("residence_card", "notification_letter"):
        page.locator(f"input[name=id_documents][value={paper}]").check()
    page.locator("#user_authentication_pin").fill(PINS.user_authentication)
    page.locator("#resident_registry_pin").fill(PINS.resident_registry)
    page.locator("#card_info_input_pin").fill(PINS.card_info_input)
    page.locator("#signature_pin").fill(PINS.signature or "")


def _collect_at_the_counter(page: Any, server: Server, application_id: str, serial: str) -> int:
    """The card counter hands the card over; returns the resident record number it shows."""
    _log_in(page, server, server.ward_token, "/staff/card-counter")
    page.get_by_label("Application ID (23 digits)").fill(application_id)
    page.get_by_role("button", name="Find the application").click()
    page.wait_for_url(f"**/staff/card-counter/applications/{application_id}")
    assert _dd(page, "Card serial") == serial
    _fill_the_collection_form(page)
    page.get_by_role("button", name="Hand over and activate the card").click()
    page.wait_for_url(f"**/staff/card-counter/cards/{serial}")
    assert f"Card {serial} handed over" in _flash(page, "handed over")
    assert serial in page.locator("h1").inner_text()
    assert "In use" in page.locator(".lead").inner_text()
    person_id = _dd(page, "Resident record")
    _log_out(page)
    return unref("per", person_id)


def _insurer_clinic_and_enrolment(server: Server, person_id: int) -> str:
    """No page sets up an insurer or a clinic, enrols a resident or issues a token: Chiyoda's
    National Health Insurance enrols the resident today; returns the clinic's staff token."""

    def set_up(s: Any, svc: Any) -> str:
        nhi = insurer.create_insurer(
            s,
            svc,
            kind=InsurerKind.NATIONAL_HEALTH_INSURANCE,
            insurer_number="131011",
            name_ja=INSURER_NAME,
            municipality_code="131016",
        )
        insurer.enrol(
            s,
            svc,
            caller=Caller(name="Chiyoda NHI", role=Role.INSURER, scope_id=nhi.id),
            person_id=person_id,
            numbers=InsuredNumbers("1", "2345", "01"),
            income_class=IncomeClass.GENERAL,
            valid_from=svc.clock.today(),
        )
        place = clinic.create_clinic(s, svc, code="1310198765", name=CLINIC_NAME)
        return tokens.issue_token(
            s, svc, organisation=CLINIC_NAME, role=Role.CLINIC, scope_id=place.id
        )

    token: str = _services(server.system, set_up)
    return token


def _check_at_the_terminal(page: Any, serial: str) -> int:
    """Insert the card, register it for insurance use, the PIN; returns the visit's id."""
    page.get_by_label("Card serial (as the reader reads it)").fill(serial)
    page.get_by_role("button", name="Read the card").click()
    page.wait_for_url(f"**/staff/clinic/cards/{serial}")
    assert serial in page.locator("h1").inner_text()
    page.locator("#register_insurance_use").check()
    page.locator("#user_authentication_pin").fill(PINS.user_authentication)
    page.get_by_role("button", name="Check with the PIN").click()
    page.locator("h1", has_text="Eligibility answer").wait_for()
    action = page.locator("form[action$='/close']").get_attribute("action")
    found = re.search(r"/visits/(vis_[a-z2-7]+)/close$", action or "")
    assert found, action
    return unref("vis", found.group(1))


def _assert_the_eligibility_answer(page: Any) -> None:
    """The insurer, the numbers and the co-pay — and no My Number on the clinic's screen."""
    assert "Insured: eligible today." in page.locator(".panel[role=status]").inner_text()
    assert _dd(page, "Name") == PERSON["name_latin"].upper()  # as registered
    assert _dd(page, "Identified by") == "PIN"
    assert _dd(page, "Insurer") == f"{INSURER_NAME} (131011)"
    assert _dd(page, "Symbol · number · branch") == "1 · 2345 · 01"
    assert _dd(page, "Co-pay") == "30%"
    shown = page.locator("body").inner_text()
    assert not MY_NUMBER_LIKE.search(shown), "no My Number at the clinic"


def _prescribe(server: Server, token: str, visit_id: int) -> None:
    """The clinic's own system records the prescription (no page of this service does)."""

    def write(s: Any, svc: Any) -> None:
        reception = tokens.authenticate(s, svc, token)
        medical_records.write_prescription(
            s, svc, caller=reception, visit_id=visit_id, medicines=[MEDICINE]
        )

    _services(server.system, write)


def _clinic_visit(page: Any, server: Server, serial: str, person_id: int) -> None:
    """Enrolled in Chiyoda's National Health Insurance, seen at a clinic with the card + PIN."""
    token = _insurer_clinic_and_enrolment(server, person_id)
    _log_in(page, server, token, "/staff/clinic")
    visit_id = _check_at_the_terminal(page, serial)
    _assert_the_eligibility_answer(page)
    _prescribe(server, token, visit_id)
    page.get_by_role("button", name="Close the visit (next patient)").click()
    _flash(page, "The visit is closed. Next patient: insert the card.")
    _log_out(page)


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
    page.goto("/portal/medical")
    assert MEDICINE.name in page.locator("main").inner_text()
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
    for words in (
        "Registered your moving in",
        "Made your card",
        "Handed your card to you",
        "Checked your health insurance",
        "Received your tax return",
        CLINIC_NAME,
        "Social security",
        "Tax",
    ):
        assert words in log, words


def test_register_letter_apply_collect_clinic_portal_and_tax_return(
    journey: tuple[Any, Server],
    clock: SimulatedClock,
    tmp_path: Path,
) -> None:
    page, server = journey
    application_id = _register_at_the_counter(page, server)
    _letter_arrives(page, server, clock)
    _apply_online(page, application_id, tmp_path)
    serial = _card_centre_makes_the_card(page, server, clock, application_id)
    person_id = _collect_at_the_counter(page, server, application_id, serial)
    _clinic_visit(page, server, serial, person_id)
    _portal(page, serial)
    _file_tax_return(page)
    _every_portal_page_in_both_languages(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/portal/access-log?lang=en")
    shoot(page, "portal-access-log-phone")
