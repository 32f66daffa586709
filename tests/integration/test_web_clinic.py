"""The clinic's reception terminal page over HTTP (both databases): insert the card, identify
by PIN, face or — after a failed face match — the staff visual check; the answer; the history
only with the consent given at this visit; a 資格確認書's numbers."""

from __future__ import annotations

from typing import Any

import pytest

from mynumber.adapters.db.models_insurance import InsuranceEnrolment
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from tests.integration.clinic_support import (
    AUTH_PIN,
    World,
    astronaut_camera,
    insured_patient,
    make_card,
    setup_world,
    stranger_camera,
)
from tests.integration.test_web_card_counter import Desk

BASE = "/staff/clinic"


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


@pytest.fixture
def terminal(system: System, world: World) -> Desk:
    return Desk(system, Role.CLINIC, scope_id=world.clinic_id)


def _check(
    terminal: Desk,
    serial: str,
    method: str,
    *,
    files: dict[str, object] | None = None,
    **fields: object,
) -> Any:
    page = f"{BASE}/cards/{serial}"
    return terminal.post(page, {"method": method, **fields}, page=page, files=files)


def test_inserting_an_unknown_card_is_refused_beside_the_serial(terminal: Desk) -> None:
    page = terminal.get(f"{BASE}?card_serial=NOSUCHCARD")
    assert page.status_code == 404 and 'id="card_serial-error"' in page.text


def test_the_pin_check_answers_insurer_numbers_copay_and_validity(
    terminal: Desk,
    system: System,
    world: World,
) -> None:
    patient = insured_patient(system, world)
    assert (
        terminal.get(f"{BASE}?card_serial={patient.serial}").headers["location"]
        == f"{BASE}/cards/{patient.serial}"
    )
    answer = _check(
        terminal, patient.serial, "pin", user_authentication_pin=AUTH_PIN, consent=["medication"]
    )
    assert answer.status_code == 200, answer.text
    assert "Insured: eligible today." in answer.text and "千代田区国民健康保険" in answer.text
    assert "131011" in answer.text and "30%" in answer.text
    visit = answer.text.split("/visits/")[1].split("/")[0]
    history = terminal.get(f"{BASE}/visits/{visit}/history")
    assert history.status_code == 200 and "Past medication" in history.text
    assert "Not shared at this visit." in history.text  # check-ups: no consent


def test_without_consent_the_history_stays_closed(
    terminal: Desk,
    system: System,
    world: World,
) -> None:
    patient = insured_patient(system, world)
    answer = _check(terminal, patient.serial, "pin", user_authentication_pin=AUTH_PIN)
    assert "did not consent" in answer.text and "View the shared history" not in answer.text
    visit = answer.text.split("/visits/")[1].split("/")[0]
    history = terminal.get(f"{BASE}/visits/{visit}/history")
    assert history.status_code == 403 and "has not consented" in history.text


def test_a_closed_visit_no_longer_opens_the_history(
    terminal: Desk,
    system: System,
    world: World,
) -> None:
    patient = insured_patient(system, world)
    answer = _check(
        terminal,
        patient.serial,
        "pin",
        user_authentication_pin=AUTH_PIN,
        consent=["medication", "checkups"],
    )
    visit = answer.text.split("/visits/")[1].split("/")[0]
    closed = terminal.post(f"{BASE}/visits/{visit}/close", {}, page=BASE)
    assert closed.status_code == 303
    assert terminal.get(f"{BASE}/visits/{visit}/history").status_code == 403


def test_a_wrong_pin_is_refused_beside_the_pin_with_the_tries_left(
    terminal: Desk,
    system: System,
    world: World,
) -> None:
    patient = insured_patient(system, world)
    wrong = _check(terminal, patient.serial, "pin", user_authentication_pin="9999")
    assert wrong.status_code == 422 and 'id="user_authentication_pin-error"' in wrong.text
    short = _check(terminal, patient.serial, "pin", user_authentication_pin="12")
    assert short.status_code == 422 and "exactly 4 digits" in short.text
    for _ in range(3):  # the 3rd wrong entry locks it; the next try is told so
        locked = _check(terminal, patient.serial, "pin", user_authentication_pin="9999")
    assert locked.status_code == 423 or "locked" in locked.text
    assert "face recognition" in locked.text  # the guide's fix for a locked PIN


def test_face_recognition_answers_for_the_holder(
    terminal: Desk,
    system: System,
    world: World,
) -> None:
    patient = insured_patient(system, world)
    answer = _check(
        terminal,
        patient.serial,
        "face",
        files={"live_image": ("camera.jpg", astronaut_camera(), "image/jpeg")},
    )
    assert answer.status_code == 200, answer.text
    assert "Face recognition" in answer.text and "Insured: eligible today." in answer.text


def test_the_visual_check_opens_only_after_a_failed_face_match(
    terminal: Desk,
    system: System,
    world: World,
) -> None:
    patient = insured_patient(system, world)
    too_soon = _check(terminal, patient.serial, "visual")
    assert too_soon.status_code == 409 and 'id="visual_check-error"' in too_soon.text
    failed = _check(
        terminal,
        patient.serial,
        "face",
        files={"live_image": ("camera.jpg", stranger_camera(), "image/jpeg")},
    )
    assert 'id="live_image-error"' in failed.text and "did not match" in failed.text
    answer = _check(terminal, patient.serial, "visual")
    assert answer.status_code == 200 and "Staff visual check" in answer.text


def test_a_card_not_registered_for_insurance_names_the_fix_and_can_register_here(
    terminal: Desk,
    system: System,
    world: World,
) -> None:
    patient = insured_patient(system, world, insurance_use=False)
    refused = _check(terminal, patient.serial, "pin", user_authentication_pin=AUTH_PIN)
    assert "not registered as a health insurance card" in refused.text
    answer = _check(
        terminal,
        patient.serial,
        "pin",
        user_authentication_pin=AUTH_PIN,
        register_insurance_use="yes",
    )
    assert answer.status_code == 200 and "Insured: eligible today." in answer.text


def test_an_uninsured_patient_is_told_so(terminal: Desk, system: System) -> None:
    patient = make_card(system)
    refused = _check(terminal, patient.serial, "pin", user_authentication_pin=AUTH_PIN)
    assert refused.status_code >= 400 and "error-summary" in refused.text


def test_a_letters_numbers_are_checked_with_the_date_of_birth(
    terminal: Desk,
    system: System,
    world: World,
) -> None:
    patient = insured_patient(system, world)
    with system.uow() as uow:
        row = uow.session.get(InsuranceEnrolment, patient.enrolment_id)
        assert row is not None
        numbers = {
            "insurer_number": "131011",
            "symbol": row.symbol,
            "number": row.number,
            "branch": row.branch,
        }
    page = f"{BASE}/letter"
    wrong = terminal.post(page, {**numbers, "date_of_birth": "1990-01-01"}, page=page)
    assert wrong.status_code == 404 and "call the insurer" in wrong.text
    answer = terminal.post(page, {**numbers, "date_of_birth": "1995-04-12"}, page=page)
    assert answer.status_code == 200 and "Insured: eligible today." in answer.text
    missing = terminal.post(page, {**numbers, "date_of_birth": ""}, page=page)
    assert 'id="date_of_birth-error"' in missing.text


@pytest.mark.sqlite_only  # an access rule
def test_a_ward_office_cannot_use_the_terminal(system: System) -> None:
    ward = Desk(system, Role.WARD_OFFICE, municipality_code="131016")
    assert ward.get(BASE).status_code == 403
