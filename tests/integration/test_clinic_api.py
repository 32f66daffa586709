"""The reception terminal over HTTP: a clinic checks a patient end to end, and every refusal
is problem+json with the cause and the fix in English and Japanese."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from httpx2 import Response

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import PinLocked
from mynumber.domain.insurance import Consent
from mynumber.domain.terminal import consent_message
from mynumber.services.core.records import get_person
from mynumber.services.insurance import clinic
from mynumber.services.registry.numbers import open_number
from tests.client import TestClient
from tests.conftest import caller, ref
from tests.integration.clinic_support import (
    AUTH_PIN,
    NHI_NUMBER,
    Patient,
    World,
    astronaut_camera,
    b64,
    certificate_of,
    chip_photo_of,
    empty_camera,
    enrol,
    insured_patient,
    make_card,
    set_card,
    setup_world,
    stranger_camera,
    token_for,
)


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def terminal(system: System, world: World) -> dict[str, str]:
    return token_for(system, world.clinic)


def problem(resp: Response, status: int, code: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert body["code"] == code and body["detail"] and body["detail_ja"]
    assert body["detail"] != body["detail_ja"]
    return body


def nonce(client: TestClient, terminal: dict[str, str]) -> bytes:
    resp = client.post("/clinic/challenges", headers=terminal)
    assert resp.status_code == 201, resp.text
    return base64.b64decode(resp.json()["nonce"])


def pin_check(
    client: TestClient,
    terminal: dict[str, str],
    patient: Patient,
    given: bytes | None = None,
    **extra: Any,
) -> Response:
    """The terminal: nonce from the server, PIN on the card, the card's answer to the server."""
    challenge = given or nonce(client, terminal)
    answer = clinic.answer_at_terminal(patient.chip, pin=AUTH_PIN, nonce=challenge)
    return client.post(
        "/clinic/checks/pin",
        headers=terminal,
        json={
            "nonce": b64(challenge),
            "certificate": b64(answer.certificate_der),
            "signature": b64(answer.signature),
            **extra,
        },
    )


def give_consent(
    client: TestClient, terminal: dict[str, str], patient: Patient, visit: str, **chosen: bool
) -> Response:
    """The patient's choice at the terminal: a fresh nonce, the card signs the choice for this
    visit after its PIN, the terminal sends the card's answer."""
    challenge = nonce(client, terminal)
    choice = Consent(**chosen)
    signed = clinic.answer_at_terminal(
        patient.chip, pin=AUTH_PIN, nonce=consent_message(challenge, visit, choice)
    )
    return client.post(
        f"/clinic/visits/{visit}/consent",
        headers=terminal,
        json={
            **chosen,
            "nonce": b64(challenge),
            "certificate": b64(signed.certificate_der),
            "signature": b64(signed.signature),
        },
    )


def face_check(
    client: TestClient, terminal: dict[str, str], patient: Patient, live: bytes
) -> Response:
    return client.post(
        "/clinic/checks/face",
        headers=terminal,
        json={
            "certificate": b64(certificate_of(patient)),
            "chip_photo": b64(chip_photo_of(patient)),
            "live_image": b64(live),
        },
    )


def test_a_clinic_checks_a_patient_end_to_end_without_the_my_number(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = insured_patient(system, world)
    resp = pin_check(client, terminal, patient)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["eligible"] and body["insurer_number"] == NHI_NUMBER
    assert (body["branch"], body["copay_percent"], body["limit_category"]) == ("01", 30, None)
    consented = give_consent(client, terminal, patient, body["visit_id"], limit_amount=True)
    assert consented.status_code == 200, consented.text
    assert consented.json()["limit_category"] == "エ"
    with system.uow() as uow:
        number = open_number(system.services, get_person(uow.session, patient.person_id))
    assert number.digits not in resp.text and "my_number" not in resp.text
    # the answer carries the nonce for the next card: the next check is one request
    following = base64.b64decode(body["next_nonce"]["nonce"])
    assert pin_check(client, terminal, patient, given=following).status_code == 200


def test_a_nonce_cannot_be_used_twice(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = insured_patient(system, world)
    challenge = nonce(client, terminal)
    assert pin_check(client, terminal, patient, given=challenge).status_code == 200
    problem(pin_check(client, terminal, patient, given=challenge), 401, "challenge-replayed")


def test_only_a_clinic_token_may_check(system: System, world: World, client: TestClient) -> None:
    insurer_token = token_for(system, world.nhi)
    problem(client.post("/clinic/challenges", headers=insurer_token), 403, "forbidden")
    problem(client.post("/clinic/challenges"), 401, "unauthenticated")


def test_not_registered_for_insurance_over_http(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = insured_patient(system, world, insurance_use=False)
    body = problem(pin_check(client, terminal, patient), 409, "not-registered-for-insurance")
    assert "My Number Portal" in body["detail"]
    resp = pin_check(client, terminal, patient, register_insurance_use=True)
    assert resp.status_code == 200 and resp.json()["eligible"]


def test_not_insured_over_http(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = make_card(system)
    problem(pin_check(client, terminal, patient), 404, "not-insured")


def test_expired_card_over_http(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = insured_patient(system, world)
    set_card(system, patient.serial, expires_on=dt.date(2026, 3, 1))
    body = problem(pin_check(client, terminal, patient), 409, "card-expired")
    assert body["reason"] == "expired"


def test_out_of_date_chip_address_still_checks_eligibility_over_http(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    # Issue 17.4: the user-authentication certificate survives a move; the old address on
    # the chip is no reason to refuse.
    patient = insured_patient(system, world)
    set_card(system, patient.serial, chip_address="9-9 Old Street, Shibuya")
    resp = pin_check(client, terminal, patient)
    assert resp.status_code == 200 and resp.json()["eligible"]


def test_suspended_card_over_http(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = insured_patient(system, world)
    set_card(system, patient.serial, status="suspended")
    problem(pin_check(client, terminal, patient), 409, "card-not-active")


def test_ended_insurance_over_http_is_an_answer_saying_not_valid(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = insured_patient(system, world)
    resp = client.post(
        f"/insurer/enrolments/{ref('enr', patient.enrolment_id)}/end",
        headers=token_for(system, world.nhi),
        json={"last_day": "2026-03-31", "reason": "moved_away"},
    )
    assert resp.status_code == 200, resp.text
    body = pin_check(client, terminal, patient).json()
    assert body["eligible"] is False and body["status"] == "ended" and body["message_ja"]


def test_a_locked_pin_sends_the_patient_to_face_recognition(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = insured_patient(system, world)
    for _ in range(3):
        with pytest.raises(Exception):  # noqa: B017 — WrongPin, then locked
            clinic.answer_at_terminal(patient.chip, pin="0000", nonce=nonce(client, terminal))
    with pytest.raises(PinLocked) as caught:  # the card refuses at the terminal
        pin_check(client, terminal, patient)
    assert "convenience-store terminal" in caught.value.message_en
    resp = face_check(client, terminal, patient, astronaut_camera())
    assert resp.status_code == 200 and resp.json()["method"] == "face"


def test_face_refusals_and_the_staff_visual_check_over_http(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = insured_patient(system, world)
    visual = {"certificate": b64(certificate_of(patient)), "staff_name": "Sato"}
    problem(face_check(client, terminal, patient, empty_camera()), 422, "face-not-found")
    body = problem(
        face_check(client, terminal, patient, stranger_camera()), 422, "face-not-matched"
    )
    assert "PIN" in body["detail"]
    # A certificate over HTTP proves no card is in the terminal: the visual check is made on
    # the terminal's page, whose reader holds the card (test_terminal_sessions).
    refusal = problem(
        client.post("/clinic/checks/visual", headers=terminal, json=visual), 403, "access-refused"
    )
    assert refusal["reason"] == "card-not-in-terminal"


@pytest.mark.sqlite_only  # refused as the body is parsed, before the nonce is looked up
def test_bad_input_is_a_clear_422_never_a_500(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    problem(
        client.post(
            "/clinic/checks/pin",
            headers=terminal,
            json={"nonce": "%%%", "certificate": "", "signature": ""},
        ),
        422,
        "invalid-input",
    )
    problem(
        client.post("/clinic/checks/pin", headers=terminal, json={"nonce": 3}), 422, "invalid-input"
    )
    problem(
        client.post(
            "/clinic/checks/face",
            headers=terminal,
            json={"certificate": b64(b"not a certificate"), "chip_photo": "", "live_image": ""},
        ),
        422,
        "invalid-input",
    )


def test_history_needs_consent_and_views_are_in_the_patients_access_log(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    patient = insured_patient(system, world)
    visit = pin_check(client, terminal, patient).json()["visit_id"]
    resp = client.post(
        f"/clinic/visits/{visit}/prescriptions",
        headers=terminal,
        json={"medicines": [{"name": "Amlodipine", "dose": "5 mg", "days": 28}]},
    )
    assert resp.status_code == 201, resp.text
    problem(
        client.get(f"/clinic/visits/{visit}/history", headers=terminal), 403, "consent-required"
    )
    consented = pin_check(client, terminal, patient).json()["visit_id"]
    assert give_consent(client, terminal, patient, consented, medication=True).status_code == 200
    history = client.get(f"/clinic/visits/{consented}/history", headers=terminal).json()
    assert history["medication"][0]["content"]["medicines"][0]["name"] == "Amlodipine"
    assert history["checkups"] is None
    owner = token_for(system, caller(Role.RESIDENT, scope_id=patient.person_id))
    resident = f"/residents/{ref('per', patient.person_id)}"
    log = client.get(f"{resident}/access-log", headers=owner).json()
    assert any(e["action"] == "view_medication" and e["actor"] == "Kanda Clinic" for e in log)
    records = client.get(f"{resident}/medical-records", headers=owner)
    assert [r["kind"] for r in records.json()] == ["prescription"]


def test_a_clinic_checks_a_letters_numbers_over_http(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    from tests.integration.helpers import register

    person = register(system).person_id
    enrolment_id = enrol(system, world.nhi, person, number="31337")
    insurer_token = token_for(system, world.nhi)
    letter = client.post(
        f"/insurer/enrolments/{ref('enr', enrolment_id)}/letters",
        headers=insurer_token,
        json={"requested_by": "ward office counter"},
    )
    assert letter.status_code == 201, letter.text
    numbers = {
        "insurer_number": NHI_NUMBER,
        "symbol": "1234",
        "number": "31337",
        "branch": "01",
        "date_of_birth": "1995-04-12",
    }
    body = client.post("/clinic/checks/letter", headers=terminal, json=numbers).json()
    assert body["eligible"] and body["letter_valid_until"] == letter.json()["valid_until"]
    problem(
        client.post(
            "/clinic/checks/letter",
            headers=terminal,
            json={**numbers, "date_of_birth": "1995-04-13"},
        ),
        404,
        "not-found",
    )
