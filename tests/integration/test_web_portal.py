"""My Number Portal pages over HTTP (both databases): card login and its refusals, the resident's
pages, who looked at their data, face registration, child benefit and the signed e-Tax return —
each refusal beside its field, nothing recorded on a refusal, the number never shown in full."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

import pytest
from sqlalchemy import func, select

from mynumber import i18n
from mynumber.adapters.db.models import AuditEntry, Person
from mynumber.adapters.db.models_pki import TaxReceipt
from mynumber.adapters.db.models_portal import ChildBenefitApplication, FaceRegistration
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.card import PinRef
from mynumber.domain.access import Role
from mynumber.domain.clock import SimulatedClock
from mynumber.services.cards import counter as card_counter
from mynumber.services.core import tokens
from mynumber.services.insurance import clinic, medical_records
from mynumber.services.insurance.medical_records import Checkup, Medicine
from mynumber.services.portal.resident import child_benefit_until, resident_caller
from mynumber.services.registry.numbers import open_number
from mynumber.web import session as sessions
from tests.client import TestClient
from tests.integration.clinic_support import (
    AUTH_PIN,
    Insured,
    Patient,
    World,
    insured_world,
    setup_world,
)
from tests.integration.snapshots import Snapshots
from tests.staff_login import clerk_for

SIGNATURE_PIN = "TARO2026"
CHILD = {
    "child_name": "Okafor Ada",
    "child_date_of_birth": "2019-05-04",
    "lives_with_applicant": "yes",
}
TAX = {"tax_year": "2025", "salary": "4,800,000", "deductions": "480000", "tax_withheld": "120000"}


class Browser:
    """One browser (TestClient with its cookies)."""

    def __init__(self, system: System) -> None:
        self.client = TestClient(create_app(system))

    def csrf(self, page: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.client.get(page).text)
        assert found, page
        return found.group(1)

    def post(self, path: str, data: dict[str, Any], page: str | None = None) -> Any:
        return self.client.post(
            path, data={**data, "csrf": self.csrf(page or path)}, follow_redirects=False
        )

    def log_in(self, serial: str, pin: str = AUTH_PIN) -> Any:
        return self.post(
            "/portal/login", {"card_serial": serial, "user_authentication_pin": pin, "next": ""}
        )


@pytest.fixture
def insured(system: System, snapshots: Snapshots) -> Insured:
    """The world and its holder, built once per worker and backend (``snapshots.py``)."""
    return snapshots.give(system, insured_world, name_latin="Okafor Chidi")


@pytest.fixture
def world(request: pytest.FixtureRequest, system: System) -> World:
    if "holder" in request.fixturenames:  # the holder's world, from its snapshot
        return cast(Insured, request.getfixturevalue("insured")).world
    return setup_world(system)


@pytest.fixture
def holder(system: System, insured: Insured) -> Patient:
    return insured.patient(system)


@pytest.fixture
def portal(system: System, holder: Patient) -> Browser:
    browser = Browser(system)
    answer = browser.log_in(holder.serial)
    assert answer.status_code == 303 and answer.headers["location"] == "/portal", answer.text
    return browser


def _error(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    assert found, f"no error beside {field}"
    return found.group(1)


def _count(system: System, model: Any) -> int:
    with system.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model)) or 0)


# --- Logging in -----------------------------------------------------------------------------


@pytest.mark.sqlite_only  # no session: sent to the login before any query
def test_a_portal_page_without_login_leads_to_the_card_login(system: System) -> None:
    browser = Browser(system)
    first = browser.client.get("/portal/card", follow_redirects=False)
    assert first.status_code == 303
    second = browser.client.get(first.headers["location"], follow_redirects=False)
    assert second.headers["location"] == "/portal/login?next=/portal/card"
    page = browser.client.get(second.headers["location"])
    assert "Card serial number" in page.text and "user_authentication_pin" in page.text


def test_logging_in_with_card_and_pin_opens_the_holders_portal(
    system: System,
    holder: Patient,
    portal: Browser,
) -> None:
    home = portal.client.get("/portal")
    assert home.status_code == 200
    assert "Welcome, OKAFOR CHIDI." in home.text and "Notices" in home.text
    with system.uow() as uow:
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "card_authentication")
        ).one()
    assert entry.person_id == holder.person_id and entry.actor == "My Number Portal"


def test_logging_out_ends_the_portal_session_and_its_old_cookie(
    system: System,
    portal: Browser,
) -> None:
    old = portal.client.cookies.get(sessions.COOKIE)
    assert old and re.fullmatch(r"[A-Za-z0-9_-]{43}", old)  # only a random id
    assert portal.post("/logout", {}, page="/portal").status_code == 303
    assert portal.client.cookies.get(sessions.COOKIE) != old
    replay = TestClient(create_app(system))
    replay.cookies.set(sessions.COOKIE, old)
    assert replay.get("/portal", follow_redirects=False).status_code == 303


def test_a_portal_session_lapses_after_15_idle_minutes_and_1_hour(
    system: System,
    holder: Patient,
    portal: Browser,
) -> None:
    clock = system.services.clock
    assert isinstance(clock, SimulatedClock)
    for _ in range(4):  # 56 minutes of use
        clock.advance(minutes=14)
        assert portal.client.get("/portal", follow_redirects=False).status_code == 200
    clock.advance(minutes=5)  # past the hour
    assert portal.client.get("/portal", follow_redirects=False).status_code == 303
    again = Browser(system)
    assert again.log_in(holder.serial).status_code == 303
    clock.advance(minutes=16)
    assert again.client.get("/portal", follow_redirects=False).status_code == 303


@pytest.mark.sqlite_only  # a redirect rule
def test_login_goes_back_to_the_page_asked_for(system: System, holder: Patient) -> None:
    browser = Browser(system)
    answer = browser.post(
        "/portal/login",
        {
            "card_serial": holder.serial.lower(),
            "user_authentication_pin": AUTH_PIN,
            "next": "/portal/tax",
        },
    )
    assert answer.headers["location"] == "/portal/tax"
    evil = browser.post(
        "/portal/login",
        {
            "card_serial": holder.serial,
            "user_authentication_pin": AUTH_PIN,
            "next": "//evil.example/",
        },
    )
    assert evil.headers["location"] == "/portal"


def test_a_wrong_pin_shows_the_tries_left_and_the_third_locks_saying_where_to_unlock(
    system: System,
    holder: Patient,
) -> None:
    browser = Browser(system)
    first = browser.log_in(holder.serial, "0000")
    assert first.status_code >= 400
    assert "2 tries left" in _error(first.text, "user_authentication_pin")
    browser.log_in(holder.serial, "0000")
    third = browser.log_in(holder.serial, "0000")
    assert "now locked" in _error(third.text, "user_authentication_pin")
    assert "convenience-store kiosk" in third.text
    right = browser.log_in(holder.serial, AUTH_PIN)
    assert right.status_code >= 400
    assert "no online reset" in _error(right.text, "user_authentication_pin")
    assert browser.client.get("/portal", follow_redirects=False).status_code == 303


def test_a_malformed_pin_is_refused_without_costing_a_try(
    system: System,
    holder: Patient,
) -> None:
    answer = Browser(system).log_in(holder.serial, "12a")
    assert answer.status_code == 422
    assert _error(answer.text, "user_authentication_pin")
    pins = system.services.chips.load(holder.serial).pins
    assert pins[PinRef.USER_AUTHENTICATION].tries_left == 3


def test_an_unknown_serial_is_refused_beside_the_serial_field(system: System) -> None:
    answer = Browser(system).log_in("0123456789ABCDEF")
    assert answer.status_code == 404
    assert "No card has this serial" in _error(answer.text, "card_serial")
    japanese = Browser(system)
    japanese.client.cookies.set("mynumber_lang", "ja")
    assert "シリアル番号のカードはありません" in japanese.log_in("0123456789ABCDEF").text


@pytest.mark.sqlite_only  # refused before the card is looked up
def test_the_login_form_needs_its_csrf_token(system: System, holder: Patient) -> None:
    answer = Browser(system).client.post(
        "/portal/login", data={"card_serial": holder.serial, "user_authentication_pin": AUTH_PIN}
    )
    assert answer.status_code == 403


def test_a_card_reported_lost_ends_its_portal_session(
    system: System,
    holder: Patient,
    portal: Browser,
) -> None:
    with system.uow() as uow:
        card_counter.report_lost(
            uow.session,
            system.services,
            caller=resident_caller(holder.person_id, "Okafor Chidi"),
            card_serial=holder.serial,
        )
        uow.commit()
    answer = portal.client.get("/portal/card", follow_redirects=True)
    assert "can no longer be used to log in" in answer.text
    assert "Card serial number" in answer.text


def test_a_resident_cannot_open_staff_pages_and_staff_login_still_works(
    system: System,
    portal: Browser,
) -> None:
    assert portal.client.get("/staff/ward-office").status_code == 403
    with system.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            system.services,
            organisation="Chiyoda",
            role=Role.WARD_OFFICE,
            municipality_code="131016",
        )
        uow.commit()
    answer = portal.post("/login", {**clerk_for(system, token), "next": ""}, page="/login")
    assert answer.headers["location"] == "/staff/ward-office"
    assert portal.client.get("/staff/ward-office").status_code == 200
    assert portal.client.get("/portal", follow_redirects=False).status_code == 303


# --- Reading pages --------------------------------------------------------------------------


@pytest.mark.sqlite_only  # a page's text
def test_my_details_and_card_pages_show_the_masked_number_and_the_dates(
    system: System,
    holder: Patient,
    portal: Browser,
) -> None:
    details = portal.client.get("/portal/details")
    card = portal.client.get("/portal/card")
    with system.uow() as uow:
        person = uow.session.get(Person, holder.person_id)
        assert person is not None
        number = open_number(system.services, person).digits
    assert "**** **** " + number[-4:] in details.text and number not in details.text
    assert number not in card.text
    assert holder.serial in card.text and "Renewal possible from" in card.text
    assert "Tries left" in card.text
    japanese = portal.client.get("/portal/card?lang=ja")
    assert "有効期限" in japanese.text and 'lang="ja"' in japanese.text


def test_the_renewal_notice_appears_from_three_months_before_expiry(
    system: System,
    holder: Patient,
    portal: Browser,
) -> None:
    assert "Nothing needs doing" in portal.client.get("/portal").text
    from tests.integration.clinic_support import set_card

    soon = system.services.clock.today() + dt.timedelta(days=60)
    set_card(system, holder.serial, expires_on=soon, certificates_expire_on=soon)
    home = portal.client.get("/portal").text
    assert f"Your card expires on {i18n.day_in_text(soon, 'en')}" in home
    # The notice is a message with its date: said in the reader's language, date and all.
    vietnamese = portal.client.get("/portal?lang=vi").text
    assert f"Thẻ của bạn hết hạn vào {i18n.day_in_text(soon, 'vi')}" in vietnamese


def test_medical_records_show_prescriptions_and_checkups(
    system: System,
    world: World,
    holder: Patient,
    portal: Browser,
) -> None:
    svc = system.services
    with system.uow() as uow:
        challenge = clinic.new_challenge(uow.session, svc, caller=world.clinic)
        uow.commit()
    answer = clinic.answer_at_terminal(holder.chip, pin=AUTH_PIN, nonce=challenge.nonce)
    with system.uow() as uow:
        visit = clinic.check_with_pin(
            uow.session,
            svc,
            caller=world.clinic,
            nonce=challenge.nonce,
            certificate_der=answer.certificate_der,
            signature=answer.signature,
        )
        medical_records.write_prescription(
            uow.session,
            svc,
            caller=world.clinic,
            visit_id=visit.visit_id,
            medicines=[Medicine("Amlodipine 5mg", "1 tablet after breakfast", 28)],
        )
        medical_records.write_checkup_by_insurer(
            uow.session,
            svc,
            caller=world.nhi,
            enrolment_id=holder.enrolment_id or 0,
            checkup=Checkup({"HbA1c": "5.4 %"}, "No findings"),
            examined_on=svc.clock.today() - dt.timedelta(days=10),
        )
        uow.commit()
    page = portal.client.get("/portal/medical").text
    assert "Amlodipine 5mg" in page and "1 tablet after breakfast" in page
    assert "HbA1c" in page and "5.4 %" in page and "No findings" in page


def test_who_looked_shows_who_when_why_and_what_in_plain_words(
    system: System,
    holder: Patient,
    portal: Browser,
) -> None:
    portal.client.get("/portal/details")
    page = portal.client.get("/portal/access-log").text
    assert "Registered your moving in" in page and "ward office 131016" in page
    assert "Resident registry and the card" in page
    assert "Checked your card and PIN" in page and "My Number Portal" in page
    assert "Looked at your resident record" in page
    japanese = portal.client.get("/portal/access-log?lang=ja").text
    assert "転入を登録" in japanese and "住民基本台帳・カードの事務" in japanese
    with system.uow() as uow:
        seen = uow.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "view_access_log", AuditEntry.person_id == holder.person_id)
        )
    assert seen == 2


# --- Face registration ----------------------------------------------------------------------


def test_face_registration_needs_agreement_then_is_recorded_once_and_can_be_withdrawn(
    system: System,
    portal: Browser,
) -> None:
    refused = portal.post("/portal/face", {"action": "register"})
    assert refused.status_code == 422 and "Tick the box" in _error(refused.text, "agree")
    assert _count(system, FaceRegistration) == 0
    assert portal.post("/portal/face", {"action": "register", "agree": "yes"}).status_code == 303
    assert "Registered" in portal.client.get("/portal/face").text
    assert "Registered on" in portal.client.get("/portal/card").text
    again = portal.post("/portal/face", {"action": "register", "agree": "yes"})
    assert again.status_code == 409 and "already registered" in again.text
    assert portal.post("/portal/face", {"action": "withdraw"}).status_code == 303
    assert "Register my face" in portal.client.get("/portal/face").text
    assert portal.post("/portal/face", {"action": "register", "agree": "yes"}).status_code == 303
    with system.uow() as uow:
        rows = list(uow.session.scalars(select(FaceRegistration)))
    assert len(rows) == 2 and sum(r.withdrawn_at is None for r in rows) == 1


def test_a_card_whose_chip_photo_holds_no_readable_face_cannot_be_registered(
    system: System,
    world: World,
) -> None:
    from tests.integration.certificates_support import make_card

    card = make_card(system, pins=True)  # its chip photo is a few bytes, not a face
    browser = Browser(system)
    browser.log_in(card.serial, "1234")
    answer = browser.post("/portal/face", {"action": "register", "agree": "yes"})
    assert answer.status_code == 422 and "could not be read" in answer.text
    assert _count(system, FaceRegistration) == 0


# --- Child benefit --------------------------------------------------------------------------


def test_child_benefit_counts_a_child_until_the_first_31_march_after_reaching_18() -> None:
    assert child_benefit_until(dt.date(2008, 4, 2)) == dt.date(2027, 3, 31)
    # Born 1 April: one reaches 18 the day before the birthday, 31 March, that same day.
    assert child_benefit_until(dt.date(2008, 4, 1)) == dt.date(2026, 3, 31)
    assert child_benefit_until(dt.date(2012, 2, 29)) == dt.date(2030, 3, 31)


def test_child_benefit_is_applied_for_without_a_my_number_and_audited(
    system: System,
    holder: Patient,
    portal: Browser,
) -> None:
    form = portal.client.get("/portal/child-benefit").text
    assert "do not need to enter anyone" in form
    assert "my_number" not in form.lower().replace("my number", "")
    answer = portal.post("/portal/child-benefit", CHILD)
    assert answer.status_code == 303
    page = portal.client.get("/portal/child-benefit").text
    assert "Okafor Ada" in page and "Received — under review" in page
    with system.uow() as uow:
        row = uow.session.scalars(select(ChildBenefitApplication)).one()
        entry = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "apply_child_benefit")
        ).one()
    assert row.person_id == holder.person_id and row.municipality_code == "131016"
    assert row.eligible_until == dt.date(2038, 3, 31)
    assert entry.purpose == "social_security" and entry.person_id == holder.person_id


@pytest.mark.sqlite_only  # refused before anything is written
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"child_name": " "}, "child_name", "Enter the child"),
        ({"child_date_of_birth": "2026-05-01"}, "child_date_of_birth", "future"),
        ({"child_date_of_birth": "2007-03-31"}, "child_date_of_birth", "first 31 March"),
        ({"child_date_of_birth": "not a date"}, "child_date_of_birth", "is not a date"),
        ({"lives_with_applicant": ""}, "lives_with_applicant", "lives with you"),
    ],
)
def test_a_refused_child_benefit_application_names_the_field_and_records_nothing(
    system: System,
    portal: Browser,
    change: dict[str, str],
    field: str,
    words: str,
) -> None:
    answer = portal.post("/portal/child-benefit", {**CHILD, **change}, page="/portal")
    assert answer.status_code == 422
    assert words in _error(answer.text, field)
    assert _count(system, ChildBenefitApplication) == 0


def test_the_same_child_is_applied_for_once(system: System, portal: Browser) -> None:
    portal.post("/portal/child-benefit", CHILD)
    again = portal.post("/portal/child-benefit", {**CHILD, "child_name": "OKAFOR  ada"})
    assert again.status_code == 409
    assert "already applied" in _error(again.text, "child_name")
    assert _count(system, ChildBenefitApplication) == 1


# --- e-Tax ----------------------------------------------------------------------------------


def _signature_tries(system: System, serial: str) -> int:
    return system.services.chips.load(serial).pins[PinRef.SIGNATURE].tries_left


def test_a_tax_return_is_signed_on_the_card_and_received(
    system: System,
    holder: Patient,
    portal: Browser,
) -> None:
    page = portal.client.get("/portal/tax").text
    assert '<option value="2025" selected>' in page
    answer = portal.post("/portal/tax", {**TAX, "signature_pin": SIGNATURE_PIN})
    assert answer.status_code == 303, answer.text
    flash = portal.client.get("/portal/tax").text
    assert "received by the tax office: receipt number" in flash
    with system.uow() as uow:
        receipt = uow.session.scalars(select(TaxReceipt)).one()
    assert receipt.person_id == holder.person_id and receipt.tax_year == 2025
    assert b"4800000" in receipt.signed_xml and b"120000" in receipt.signed_xml


def test_a_wrong_signature_pin_shows_the_tries_left_out_of_five(
    system: System,
    holder: Patient,
    portal: Browser,
) -> None:
    answer = portal.post("/portal/tax", {**TAX, "signature_pin": "WRONG123"})
    assert answer.status_code >= 400
    assert "4 tries left" in _error(answer.text, "signature_pin")
    assert 'value="4,800,000"' in answer.text and "WRONG123" not in answer.text
    for _ in range(4):
        last = portal.post("/portal/tax", {**TAX, "signature_pin": "WRONG123"})
    assert "now locked" in _error(last.text, "signature_pin")
    assert "ward office in person" in last.text
    assert _count(system, TaxReceipt) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tax_year": "2026"}, "tax_year"),
        ({"tax_year": "twenty"}, "tax_year"),
        ({"salary": "-5"}, "salary"),
        ({"tax_withheld": ""}, "tax_withheld"),
        ({"signature_pin": "short"}, "signature_pin"),
    ],
)
def test_a_typing_error_in_the_return_costs_no_signature_pin_try(
    system: System,
    holder: Patient,
    portal: Browser,
    change: dict[str, str],
    field: str,
) -> None:
    answer = portal.post("/portal/tax", {**TAX, "signature_pin": SIGNATURE_PIN, **change})
    assert answer.status_code == 422
    assert _error(answer.text, field)
    assert _signature_tries(system, holder.serial) == 5
    assert _count(system, TaxReceipt) == 0
