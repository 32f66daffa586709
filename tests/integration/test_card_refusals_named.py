"""A card's refusal names its cause for the person at the terminal (issue 19.5): a returned
card at the clinic's reception terminal says it was returned, not a status word; a child's
card asked for a signature says it has no signature certificate."""

from __future__ import annotations

import pytest

from mynumber.adapters.pcsc import InProcessReader, JpkiTerminal
from mynumber.bootstrap import System
from mynumber.card.jpki_ap import JPKI_AID, PIN_FIDS
from mynumber.card.pins import PinRef
from mynumber.card.status_words import TERMINATED
from mynumber.domain.access import Role
from mynumber.domain.cards import InvalidReason
from mynumber.domain.errors import CardTerminated, NoSignatureCertificate
from mynumber.services.cards import records as card_records
from tests.integration.clinic_support import (
    AUTH_PIN,
    World,
    insured_patient,
    make_card,
    setup_world,
)
from tests.integration.test_web_card_counter import Desk

BASE = "/staff/clinic"


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


@pytest.fixture
def terminal(system: System, world: World) -> Desk:
    return Desk(system, Role.CLINIC, scope_id=world.clinic_id)


def _return_card(system: System, serial: str) -> None:
    with system.uow() as uow:
        card = card_records.get_card(uow.session, serial)
        card_records.invalidate_card(
            uow.session,
            system.services,
            card=card,
            reason=InvalidReason.RETURNED,
            destroy_chip=True,
        )
        uow.commit()


def test_a_returned_card_at_the_clinic_terminal_says_it_was_returned(
    terminal: Desk, system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    _return_card(system, patient.serial)
    inserted = terminal.get(f"{BASE}?card_serial={patient.serial}")
    assert inserted.status_code == 409, inserted.text
    assert "returned to the ward office" in inserted.text
    page = f"{BASE}/cards/{patient.serial}"
    answer = terminal.post(page, {"method": "pin", "user_authentication_pin": AUTH_PIN}, page=page)
    assert answer.status_code == 409, answer.text
    assert "returned to the ward office" in answer.text
    assert "status" not in answer.text.split("user_authentication_pin-error")[1][:300]


def test_an_erased_chip_answers_terminated_and_the_terminal_says_cancelled(
    system: System, world: World
) -> None:
    patient = insured_patient(system, world)
    _return_card(system, patient.serial)
    reader = InProcessReader.for_chip(patient.chip)
    JpkiTerminal(reader).select_application(JPKI_AID)
    JpkiTerminal(reader).select_file(PIN_FIDS[PinRef.USER_AUTHENTICATION][1])
    _, sw = reader.transmit(bytes.fromhex("00200080"))  # the chip's counters are gone
    assert sw == TERMINATED
    with pytest.raises(CardTerminated) as refused:
        JpkiTerminal(reader).authenticate(b"n" * 32, AUTH_PIN)
    assert "no longer be used" in refused.value.message_en
    assert "6F00" not in refused.value.message_en


def test_a_card_without_a_signature_pin_says_it_has_no_signature_certificate(
    system: System, world: World
) -> None:
    patient = make_card(system, pins=False)
    patient.chip.set_initial_pins(  # a child's card: no signature certificate, no PIN for it
        user_authentication=AUTH_PIN,
        resident_registry="5678",
        card_info_input="9012",
        signature=None,
    )
    reader = InProcessReader.for_chip(patient.chip)
    with pytest.raises(NoSignatureCertificate) as refused:
        JpkiTerminal(reader).sign(b"return", "ABC123")
    assert "under 15" in refused.value.message_en
    assert "activated" not in refused.value.message_en


@pytest.mark.sqlite_only  # the body's parse, before the check reads anything
@pytest.mark.parametrize(
    "body,headers,code",
    [
        (b"not json", {"content-type": "application/json"}, "body-not-json"),
        (b"not json", {}, "body-not-json"),
        (b'{"nonce":', {"content-type": "application/json"}, "body-not-json"),
        (b"[1, 2]", {"content-type": "application/json"}, "body-not-object"),
        (b"", {"content-type": "application/json"}, "body-missing"),
    ],
)
def test_a_body_that_is_not_a_json_object_says_so(
    system: System, world: World, body: bytes, headers: dict[str, str], code: str
) -> None:
    from mynumber.api.app import create_app
    from tests.client import TestClient
    from tests.integration.clinic_support import token_for

    with TestClient(create_app(system), raise_server_exceptions=False) as client:
        answer = client.post(
            "/clinic/checks/pin",
            content=body,
            headers={**token_for(system, world.clinic), **headers},
        )
    assert answer.status_code == 400, answer.text
    problem = answer.json()
    assert problem["code"] == code and problem["type"].endswith("/" + code)
    assert "JSON" in problem["detail"] and "JSON" in problem["detail_ja"]
    assert "check 0" not in problem["detail"]
