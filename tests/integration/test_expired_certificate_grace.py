"""The expired user-authentication certificate at clinics (issue 17.5; RULES.md "expired
certificate"; both databases): eligibility (only) is confirmed until 3 months after the end of
the month of expiry, and the answer tells the holder to renew; the day after, the check is
refused; the portal's login still refuses an expired certificate at once."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.clock import JST, SimulatedClock
from mynumber.domain.errors import Forbidden
from mynumber.domain.insurance import Consent
from mynumber.domain.insurance_rules import expired_certificate_grace_ends
from mynumber.pki.errors import CertificateExpired
from mynumber.services.insurance import clinic
from mynumber.services.portal.resident import log_in_with_card
from tests.client import TestClient
from tests.integration.card_support import card_row
from tests.integration.clinic_support import (
    AUTH_PIN,
    Patient,
    World,
    astronaut_camera,
    b64,
    certificate_of,
    insured_patient,
    setup_world,
    sign_consent,
    token_for,
)


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


def _at(system: System, day: dt.date) -> None:
    clock = system.services.clock
    assert isinstance(clock, SimulatedClock)
    clock.set(dt.datetime.combine(day, dt.time(10, 0), tzinfo=JST))


def _expiry(system: System, patient: Patient) -> dt.date:
    expires_on = card_row(system, patient.serial).certificates_expire_on
    assert expires_on is not None
    return expires_on


def _pin_check(system: System, world: World, patient: Patient) -> Any:
    with system.uow() as uow:
        nonce = clinic.new_challenge(uow.session, system.services, caller=world.clinic).nonce
        uow.commit()
    answer = clinic.answer_at_terminal(patient.chip, pin=AUTH_PIN, nonce=nonce)
    with system.uow() as uow:
        result = clinic.check_with_pin(
            uow.session,
            system.services,
            caller=world.clinic,
            nonce=nonce,
            certificate_der=answer.certificate_der,
            signature=answer.signature,
        )
        uow.commit()
    return result


def _face_check(system: System, world: World, patient: Patient) -> Any:
    with system.uow() as uow:
        return clinic.check_with_face_kept(
            uow,
            system.services,
            caller=world.clinic,
            certificate_der=certificate_of(patient),
            live_image=astronaut_camera(),
        )


def test_a_check_20_days_after_expiry_confirms_eligibility_and_says_renew(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    expires_on = _expiry(system, patient)
    _at(system, expires_on + dt.timedelta(days=20))
    grace = expired_certificate_grace_ends(expires_on)
    for answer in (_pin_check(system, world, patient), _face_check(system, world, patient)):
        assert answer.eligible and answer.certificate_grace_until == grace
        assert "renew it at the ward office" in answer.message_en
        assert "更新してください" in answer.message_ja


def test_in_the_grace_the_visit_is_eligibility_only(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    _at(system, _expiry(system, patient) + dt.timedelta(days=20))
    visit_id = _pin_check(system, world, patient).visit_id
    with system.uow() as uow:
        nonce = clinic.new_challenge(uow.session, system.services, caller=world.clinic).nonce
        uow.commit()
    choice = Consent(medication=True, checkups=True)
    signed = sign_consent(system, patient, nonce, visit_id, choice)
    with pytest.raises(Forbidden) as caught, system.uow() as uow:
        clinic.give_consent(
            uow.session,
            system.services,
            caller=world.clinic,
            visit_id=visit_id,
            consent=choice,
            signed=signed,
        )
    assert caught.value.details["reason"] == "certificate_expired_eligibility_only"


def test_the_day_after_the_grace_the_check_is_refused(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    expires_on = _expiry(system, patient)
    _at(system, expired_certificate_grace_ends(expires_on))
    assert _pin_check(system, world, patient).eligible  # its last day
    _at(system, expired_certificate_grace_ends(expires_on) + dt.timedelta(days=1))
    with pytest.raises(CertificateExpired):
        _pin_check(system, world, patient)
    with pytest.raises(CertificateExpired):
        _face_check(system, world, patient)


def test_the_portal_login_refuses_an_expired_certificate_at_once(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    _at(system, _expiry(system, patient) + dt.timedelta(days=20))
    with pytest.raises(CertificateExpired), system.uow() as uow:
        log_in_with_card(uow.session, system.services, card_serial=patient.serial, pin=AUTH_PIN)


def test_the_check_desk_over_http_answers_in_the_grace(system: System, world: World) -> None:
    patient = insured_patient(system, world)
    expires_on = _expiry(system, patient)
    _at(system, expires_on + dt.timedelta(days=20))
    with TestClient(create_app(system), raise_server_exceptions=False) as client:
        headers = token_for(system, world.clinic)
        got = client.post("/clinic/challenges", headers=headers)
        assert got.status_code == 201, got.text
        nonce = base64.b64decode(got.json()["nonce"])
        answer = clinic.answer_at_terminal(patient.chip, pin=AUTH_PIN, nonce=nonce)
        checked = client.post(
            "/clinic/checks/pin",
            headers=headers,
            json={
                "nonce": b64(nonce),
                "certificate": b64(answer.certificate_der),
                "signature": b64(answer.signature),
            },
        )
        assert checked.status_code == 200, checked.text
        body = checked.json()
        assert (
            body["certificate_grace_until"]
            == expired_certificate_grace_ends(expires_on).isoformat()
        )
        assert "renew" in body["message"]
