"""The counters in a real browser: the card centre's queue and job, the ward office's card
counter (apply with an uploaded photo, collect while the resident sets the PINs, reset a PIN),
the clinic's reception terminal (PIN, answer, history with consent), the kiosk and the
employer. Screenshots of every page, in English and Japanese, under ``make screenshots``
(docs/screenshots/)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import pytest
from skimage import data as samples
from sqlalchemy import select

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_insurance import Clinic
from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.bootstrap import System
from mynumber.demo import world as demo_world
from mynumber.domain.access import Purpose, Role
from mynumber.domain.cards import Channel
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.employment_rules import StaffRole
from mynumber.domain.photo_rules import PhotoDeclaration
from mynumber.services.cards import applications as card_applications
from mynumber.services.cards import centre as card_centre
from mynumber.services.core import tokens
from mynumber.services.core.context import Caller
from mynumber.services.employer import employers as employer
from mynumber.services.registry.numbers import read_my_number
from tests.conftest import ref
from tests.e2e.conftest import Server, choose_language, logged_in, shoot

pytestmark = pytest.mark.browser
WARD = Caller(name="Chiyoda City ward office", role=Role.WARD_OFFICE, municipality_code="131016")
NGUYEN = {
    "name_latin": "NGUYEN VAN AN",
    "date_of_birth": "2001-02-28",
    "residence_card_number": "EF23456789GH",
}


@dataclass(frozen=True)
class Counters:
    tokens: dict[str, str]
    maria_serial: str
    due_application: str
    nguyen_id: int
    employee_id: int
    maria_number: str
    files: Path
    system: System


def _token(server: Server, name: str, role: Role, **scope: Any) -> str:
    with server.system.uow() as uow:
        token = tokens.issue_token(
            uow.session, server.system.services, organisation=name, role=role, **scope
        )
        uow.commit()
    return token


@pytest.fixture(scope="module")
def counters(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Counters:
    """The demo world, a card application made 35 days ago (due now), and an employer."""
    system = server.system
    world = demo_world.seed_world(system)
    assert world.card_serial is not None
    with system.uow() as uow:
        clinic_id = uow.session.scalars(select(Clinic.id)).first()
        nguyen = uow.session.scalars(
            select(Person).where(Person.name_latin == "NGUYEN VAN AN")
        ).one()
        maria = uow.session.scalars(select(Person).where(Person.name_latin == "GARCIA MARIA")).one()
        number = read_my_number(
            uow.session,
            system.services,
            caller=WARD,
            person_id=maria.id,
            purpose=Purpose.RESIDENT_REGISTRY,
        ).digits
        uow.commit()
        nguyen_id = nguyen.id
    past = dataclasses.replace(
        system.services, clock=SimulatedClock(system.services.clock.now() - dt.timedelta(days=35))
    )
    past.__post_init__()
    with system.uow() as uow:
        due = card_applications.apply_for_card(
            uow.session,
            past,
            caller=WARD,
            channel=Channel.COUNTER,
            photo=sample_photo_jpeg(),
            declaration=PhotoDeclaration(True, True, True),
            person_id=nguyen_id,
        )
        uow.commit()
    with system.uow() as uow:
        _row, manager = employer.register_employer(
            uow.session,
            system.services,
            corporate_number="5835678256246",
            name="Example K.K.",
            address="1-1 Marunouchi, Chiyoda-ku, Tokyo",
        )
        boss = employer.authenticate_staff(uow.session, system.services, token=manager)
        _, payroll = employer.add_staff(
            uow.session, system.services, staff=boss, name="Sato", role=StaffRole.PAYROLL
        )
        hired = employer.hire_employee(
            uow.session,
            system.services,
            staff=boss,
            employee_code="E-0001",
            name="GARCIA MARIA",
            name_kana="ガルシア マリア",
            address="2-3-1 Kudan-minami, Chiyoda-ku, Tokyo",
            hired_on=dt.date(2026, 4, 1),
        )
        uow.commit()
    files = tmp_path_factory.mktemp("camera")
    (files / "face.jpg").write_bytes(
        bytes(
            cv2.imencode(".jpg", cv2.cvtColor(samples.astronaut(), cv2.COLOR_RGB2BGR))[1].tobytes()
        )
    )
    (files / "photo.jpg").write_bytes(sample_photo_jpeg())
    names = {
        "centre": _token(server, "Card centre (e2e)", Role.CARD_CENTRE),
        "ward": _token(
            server, "Chiyoda card counter (e2e)", Role.WARD_OFFICE, municipality_code="131016"
        ),
        "clinic": _token(server, "Kanda Clinic (e2e)", Role.CLINIC, scope_id=clinic_id),
        "kiosk": _token(server, "Kiosk (e2e)", Role.KIOSK),
        "payroll": payroll,
    }
    return Counters(
        names, world.card_serial, due.application_id, nguyen_id, hired.id, number, files, system
    )


def _log_in(page: Any, counters: Counters, who: str, landing: str) -> None:
    logged_in(page, counters.system, counters.tokens[who], landing)


def _accessible_basics(page: Any) -> None:
    assert page.locator("html").get_attribute("lang") in ("en", "ja")
    assert page.locator("h1").count() == 1
    unlabelled = page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]), select')].filter(e => !e.labels || !e.labels.length)
        .map(e => e.name)""")
    assert unlabelled == []
    ids = page.evaluate("""() => [...document.querySelectorAll('[id]')].map(e => e.id)""")
    assert len(ids) == len(set(ids)), "duplicate ids"


def _both(page: Any, name: str) -> None:
    """Screenshot in English, then in Japanese, then back."""
    _accessible_basics(page)
    shoot(page, f"{name}-en")
    choose_language(page, "日本語")
    assert page.locator("html").get_attribute("lang") == "ja"
    _accessible_basics(page)
    shoot(page, f"{name}-ja")
    choose_language(page, "English")


def test_card_centre_runs_the_manufacture_job(page: Any, counters: Counters) -> None:
    _log_in(page, counters, "centre", "/staff/card-centre")
    assert counters.due_application in page.content()
    _both(page, "card-centre-queue")
    page.get_by_role("button", name="Run the manufacture job").click()
    page.wait_for_url("**/staff/card-centre?status=manufactured")
    assert "card(s) made" in page.content()
    shoot(page, "card-centre-manufactured")
    page.get_by_label("Application ID (23 digits)").fill(counters.due_application)
    page.get_by_role("button", name="Find").click()
    assert "Made — at the ward office" in page.content()
    shoot(page, "card-centre-lookup")


def test_card_counter_collects_a_card_while_the_resident_sets_the_pins(
    page: Any,
    counters: Counters,
    server: Server,
) -> None:
    with server.system.uow() as uow:  # made already if the card centre test ran first
        card_centre.run_daily_jobs(uow.session, server.system.services)
        uow.commit()
    _log_in(page, counters, "ward", "/staff/card-counter")
    _both(page, "card-counter-home")
    page.get_by_label("Application ID (23 digits)").fill(counters.due_application)
    page.get_by_role("button", name="Find the application").click()
    page.wait_for_url(f"**/applications/{counters.due_application}")
    for name, value in NGUYEN.items():
        page.locator(f"#{name}").fill(value)
    page.locator("#user_authentication_pin").fill("1111")
    page.locator("#resident_registry_pin").fill("5937")
    page.locator("#card_info_input_pin").fill("7148")
    page.locator("#signature_pin").fill("nguyen26")
    page.get_by_role("button", name="Hand over and activate the card").click()
    assert page.locator("#user_authentication_pin-error").is_visible()
    shoot(page, "card-counter-collect-error")
    page.locator("#user_authentication_pin").fill("4826")
    page.locator("#resident_registry_pin").fill("5937")
    page.locator("#card_info_input_pin").fill("7148")
    page.locator("#signature_pin").fill("NGUYEN26")
    page.get_by_role("button", name="Hand over and activate the card").click()
    page.wait_for_url("**/staff/card-counter/cards/*")
    assert "In use" in page.content()
    _both(page, "card-counter-card")
    page.get_by_role("link", name="Reset a PIN").click()
    _both(page, "card-counter-reset-pin")


def test_card_counter_application_form_and_its_errors(page: Any, counters: Counters) -> None:
    _log_in(page, counters, "ward", "/staff/card-counter/apply")
    _both(page, "card-counter-apply")
    page.get_by_label("Resident record reference").fill(ref("per", counters.nguyen_id))
    page.get_by_role("button", name="Accept the application").click()
    # Refused with the form kept and its problem named. Which problem depends on what the
    # module's earlier tests did to Nguyen (an open application, or a card collected since);
    # the service names it before it looks at the photo, which an infant's application may
    # leave out (the photo's own errors: test_web_card_counter).
    assert page.get_by_text("There is a problem").is_visible()
    assert page.url.endswith("/staff/card-counter/apply")
    assert page.locator(".error-summary p").inner_text().strip()  # the problem, in words
    shoot(page, "card-counter-apply-error")


def test_clinic_terminal_checks_by_pin_and_shows_history_with_consent(
    page: Any,
    counters: Counters,
) -> None:
    _log_in(page, counters, "clinic", "/staff/clinic")
    _both(page, "clinic-home")
    page.get_by_label("Card serial (as the reader reads it)").fill(counters.maria_serial)
    page.get_by_role("button", name="Read the card").click()
    page.wait_for_url(f"**/staff/clinic/cards/{counters.maria_serial}")
    _both(page, "clinic-terminal")
    page.get_by_label("Past medication (薬剤情報)").check()
    page.locator("#user_authentication_pin").fill("0000")
    page.get_by_role("button", name="Check with the PIN").click()
    assert page.locator("#user_authentication_pin-error").is_visible()
    shoot(page, "clinic-terminal-error-en")
    page.locator("#user_authentication_pin").fill(demo_world.DEMO_PINS.user_authentication)
    page.get_by_role("button", name="Check with the PIN").click()
    assert "Insured: eligible today." in page.content()
    shoot(page, "clinic-answer-en")
    page.get_by_role("link", name="View the shared history").click()
    _both(page, "clinic-history")
    page.goto("/staff/clinic/letter")
    _both(page, "clinic-letter")


def test_kiosk_asks_for_the_pre_application_then_resets_the_four_digit_pin(
    page: Any,
    counters: Counters,
) -> None:
    _log_in(page, counters, "kiosk", "/staff/kiosk")
    _both(page, "kiosk-reset")
    page.get_by_label("1. Place your card").fill(counters.maria_serial)
    page.get_by_label("Signature PIN (after the smartphone pre-application)").check()
    page.locator("#user_authentication_pin").fill(demo_world.DEMO_PINS.user_authentication)
    page.locator("#new_pin").fill("NEWPASS2027")
    page.get_by_role("button", name="Reset the PIN").click()
    assert page.locator("#pin-error").is_visible()  # no pre-application on the phone yet
    shoot(page, "kiosk-reset-error-en")
    page.get_by_label("User-authentication PIN (4 digits)").check()
    page.locator("#signature_pin").fill(demo_world.DEMO_PINS.signature or "")
    page.locator("#live_image").set_input_files(str(counters.files / "face.jpg"))
    page.locator("#new_pin").fill("3917")
    page.get_by_role("button", name="Reset the PIN").click()
    assert "is reset" in page.content()
    shoot(page, "kiosk-reset-done-en")


def test_employer_payroll_collects_and_sees_the_number(page: Any, counters: Counters) -> None:
    _log_in(page, counters, "payroll", "/staff/employer")
    _both(page, "employer-employees")
    page.get_by_role("link", name="GARCIA MARIA").click()
    _both(page, "employer-employee-collect")
    page.get_by_label("Tax withholding (源泉徴収)").check()
    page.locator("#my_number").fill(counters.maria_number)
    page.locator("#number_proof").select_option("notification_letter")
    page.get_by_role("button", name="Record the number").click()
    assert page.locator("#number_proof-error").is_visible()
    shoot(page, "employer-collect-error-en")
    page.locator("#my_number").fill(counters.maria_number)
    page.get_by_label("Tax withholding (源泉徴収)").check()
    page.locator("#number_proof").select_option("my_number_card")
    page.get_by_role("button", name="Record the number").click()
    assert "On file" in page.content()
    page.get_by_label("Tax withholding (源泉徴収)").check()
    page.get_by_role("button", name="Show the number").click()
    assert counters.maria_number[:4] in page.content()
    shoot(page, "employer-number-en")
