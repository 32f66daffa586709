"""The guide's whole journey through the JSON API alone (issue 19.3), as an integrator's code
would walk it: a real `mynumber serve --sandbox` subprocess, the generated client
(clients/python), the sandbox clock and a card in a virtual reader — and no import of the
project. Arrival and registration, the letter returned and handed over, the card applied for
online, made and collected as the month passes, health insurance, the resident's own token from a
card login, the clinic's PIN check, payroll collecting the number from the card, the renewed
residence card, leaving Japan and coming back to the same number."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import httpx
import pytest
from mynumber_client import AuthenticatedClient, Client
from mynumber_client.api.card_authentication import card_auth_new_challenge
from mynumber_client.api.clinic import clinic_check_with_pin, clinic_new_challenge
from mynumber_client.api.employer import (
    employer_add_staff,
    employer_collect_number,
    employer_hire,
    employer_read_number,
)
from mynumber_client.api.insurer import insurer_enrol, insurer_register_insurance_use
from mynumber_client.api.my_number_card import (
    cards_apply_online,
    cards_ask_after_application,
    cards_card_status,
    cards_collect_card,
)
from mynumber_client.api.resident import residents_log_in, residents_login_challenge
from mynumber_client.api.sandbox import (
    sandbox_create_organisation,
    sandbox_move_clock,
    sandbox_read_clock,
    sandbox_sample_photo,
    sandbox_send_apdu,
    sandbox_sign_nonce,
)
from mynumber_client.api.ward_office import (
    ward_office_get_resident,
    ward_office_hand_over_letter,
    ward_office_mail_to_resident,
    ward_office_record_residence_card_renewal,
    ward_office_record_returned,
    ward_office_register_moving_in,
    ward_office_register_moving_out,
)
from mynumber_client.models import (
    ApduIn,
    CardAnswerRequest,
    Channel,
    ClockMove,
    CollectIn,
    CollectRequest,
    EmployeeIn,
    EnrolmentIn,
    HandOverRequest,
    IdDocument,
    InsuranceUseChannel,
    InsuranceUseIn,
    InsurerKind,
    MovingInRequest,
    MovingOutRequest,
    NonceIn,
    NumberProof,
    OnlineApplicationRequest,
    OrganisationIn,
    OrganisationKind,
    PinCheck,
    ReadIn,
    ResidenceCardRequest,
    ReturnedRequest,
    Sex,
    StaffIn,
    StaffRole,
)
from mynumber_client.models.delivery_failure import DeliveryFailure

from tests.integrators.conftest import PAGE, Sandbox, examples

PINS = {
    "user_authentication": "1357",
    "resident_registry": "2468",
    "card_info_input": "3579",
    "signature": "ADA2026SIGN",
}
CARD_INFO_INPUT_AP = "00A4040C0AD3921000310001010408"
TIMEOUT = httpx.Timeout(120.0)


def ok(module: Any, status: int, *args: Any, **kwargs: Any) -> Any:
    """Call an operation of the generated client; its parsed answer, once the status is right."""
    response = module.sync_detailed(*args, **kwargs)
    assert response.status_code == status, (module.__name__, response.content.decode()[:600])
    return response.parsed


def as_(sandbox: Sandbox, token: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url=sandbox.url, token=token, timeout=TIMEOUT)


def organisation(admin: AuthenticatedClient, **fields: Any) -> AuthenticatedClient:
    made = ok(sandbox_create_organisation, 201, client=admin, body=OrganisationIn(**fields))
    return AuthenticatedClient(base_url=admin._base_url, token=made.token, timeout=TIMEOUT)


def move(admin: AuthenticatedClient, span: str) -> Any:
    return ok(sandbox_move_clock, 200, client=admin, body=ClockMove(by=span))


def card_signs(admin: AuthenticatedClient, serial: str, nonce: str, pin: str) -> Any:
    return ok(sandbox_sign_nonce, 200, serial, client=admin, body=NonceIn(nonce=nonce, pin=pin))


def apdu(admin: AuthenticatedClient, serial: str, command: str) -> str:
    answer: str = ok(sandbox_send_apdu, 200, serial, client=admin, body=ApduIn(apdu=command))
    return answer.response  # type: ignore[attr-defined, no-any-return]


def test_the_examples_run_against_the_sandbox(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The examples in docs/integrators.md run as written, in order, against the sandbox (the
    environment variables the page tells the newcomer to set point at it). Here, before the
    journey, rather than in test_examples.py: the same sandbox for both (see there)."""
    monkeypatch.setenv("SANDBOX_URL", sandbox.url)
    monkeypatch.setenv("SANDBOX_ADMIN_TOKEN", sandbox.admin_token)
    monkeypatch.setenv("SANDBOX_CARD", sandbox.demo_card)
    namespace: dict[str, object] = {"__name__": "integrators_example"}
    for number, block in enumerate(examples(), start=1):
        exec(compile(block, f"{PAGE.name} example {number}", "exec"), namespace)
    printed = capsys.readouterr().out
    assert "GARCIA MARIA eligible" in printed
    assert os.environ["SANDBOX_CARD"] == sandbox.demo_card


def test_arrival_to_leaving_and_returning_over_the_json_api(sandbox: Sandbox) -> None:
    admin = as_(sandbox, sandbox.admin_token)
    today = ok(sandbox_read_clock, 200, client=admin).today

    # --- the organisations an integrator works with, made by the sandbox admin ---------------
    ward = organisation(
        admin, kind=OrganisationKind.MUNICIPALITY, name="Minato City", name_ja="港区", code="131032"
    )
    nhi = organisation(
        admin,
        kind=OrganisationKind.INSURER,
        name="Minato City National Health Insurance",
        insurer_kind=InsurerKind.NHI,
        code="131037",
        municipality_code="131032",
    )
    clinic = organisation(
        admin, kind=OrganisationKind.CLINIC, name="Azabu Clinic", code="1310398765"
    )
    manager = organisation(
        admin, kind=OrganisationKind.EMPLOYER, name="Okafor Engineering K.K.", code="1011101012345"
    )
    payroll = as_(
        sandbox,
        ok(
            employer_add_staff,
            201,
            client=manager,
            body=StaffIn(name="Sato", role=StaffRole.PAYROLL),
        ).token,
    )

    # --- arrival: 転入届 within 14 days; the number and the letter ------------------------
    arrived = today - dt.timedelta(days=3)
    moved_in = ok(
        ward_office_register_moving_in,
        201,
        client=ward,
        body=MovingInRequest(
            municipality_code="131032",
            name_latin="OKAFOR ADA",
            date_of_birth=dt.date(1992, 6, 15),
            sex=Sex.F,
            nationality="NG",
            address="1-2-3 Shiba, Minato-ku, Tokyo",
            started_living_on=arrived,
            id_documents=[IdDocument.RESIDENCE_CARD, IdDocument.PASSPORT],
            residence_card_number="NG12345678AB",
            status_of_residence="Engineer/Specialist",
            period_of_stay_ends=today + dt.timedelta(days=3 * 365),
        ),
    )
    person, number_masked = moved_in.person_id, moved_in.my_number
    assert not moved_in.late and not moved_in.returning
    # the post brings the letter back (nobody home): the ward office records it by the mail id
    # it was given, and hands it over against photo ID
    returned = ok(
        ward_office_record_returned,
        200,
        moved_in.mail_id,
        client=ward,
        body=ReturnedRequest(reason=DeliveryFailure.NOT_HOME),
    )
    assert returned.status == "held_at_office"
    ok(
        ward_office_hand_over_letter,
        200,
        person,
        client=ward,
        body=HandOverRequest(id_documents=[IdDocument.RESIDENCE_CARD]),
    )
    assert ok(ward_office_mail_to_resident, 200, person, client=ward)[0].mail_id == moved_in.mail_id

    # --- the card: applied for at the counter, made in a month, collected -------------------
    photo = ok(sandbox_sample_photo, 200, client=admin).photo_base64
    # she applies from her phone with the letter's application ID (no token: she has no card)
    applied = ok(
        cards_apply_online,
        201,
        client=Client(base_url=sandbox.url, timeout=TIMEOUT),
        body=OnlineApplicationRequest(
            channel=Channel.SMARTPHONE,
            application_id=moved_in.application_id,
            photo_base64=photo,
            taken_within_six_months=True,
            no_headwear=True,
            plain_background=True,
        ),
    )
    assert applied.person_id == person
    moved = move(admin, "+35d")  # the card centre makes it; the pickup notice arrives
    assert moved.cards_made >= 1
    ready = ok(cards_ask_after_application, 200, applied.application_id, client=ward)
    assert ready.card_serial and ready.status == "manufactured", ready
    serial = ready.card_serial
    collected = ok(
        cards_collect_card,
        200,
        applied.application_id,
        client=ward,
        body=CollectRequest(
            name_latin="OKAFOR ADA",
            date_of_birth=dt.date(1992, 6, 15),
            residence_card_number="NG12345678AB",
            id_documents=[IdDocument.RESIDENCE_CARD, IdDocument.NOTIFICATION_LETTER],
            user_authentication_pin=PINS["user_authentication"],
            resident_registry_pin=PINS["resident_registry"],
            card_info_input_pin=PINS["card_info_input"],
            signature_pin=PINS["signature"],
        ),
    )
    assert collected.card_serial == serial

    # --- health insurance: enrolled, and the card registered as the insurance card ----------
    now = ok(sandbox_read_clock, 200, client=admin).today
    ok(
        insurer_enrol,
        201,
        client=nhi,
        body=EnrolmentIn(person_id=person, number="7654321", branch="00", valid_from=now),
    )
    ok(
        insurer_register_insurance_use,
        201,
        person,
        client=ward,
        body=InsuranceUseIn(channel=InsuranceUseChannel.COUNTER),
    )

    # --- the resident's own token, from a card login -----------------------------------------
    anyone = Client(base_url=sandbox.url, timeout=TIMEOUT)
    nonce = ok(residents_login_challenge, 201, client=anyone).nonce
    signed = card_signs(admin, serial, nonce, PINS["user_authentication"])
    login = ok(
        residents_log_in,
        201,
        client=anyone,
        body=CardAnswerRequest(
            nonce=nonce, certificate=signed.certificate, signature=signed.signature
        ),
    )
    assert login.person_id == person
    resident = as_(sandbox, login.token)
    assert ok(ward_office_get_resident, 200, person, client=resident).my_number == number_masked
    assert ok(cards_card_status, 200, serial, client=resident).status == "active"

    # --- the clinic's reception: the card and its PIN --------------------------------------
    nonce = ok(clinic_new_challenge, 201, client=clinic).nonce
    signed = card_signs(admin, serial, nonce, PINS["user_authentication"])
    answer = ok(
        clinic_check_with_pin,
        200,
        client=clinic,
        body=PinCheck(nonce=nonce, certificate=signed.certificate, signature=signed.signature),
    )
    assert answer.eligible and answer.insurer_number == "131037", answer

    # --- payroll: the employee shows the card; the number is read from its chip -------------
    hired = ok(
        employer_hire,
        201,
        client=manager,
        body=EmployeeIn(
            employee_code="E-0042",
            name="OKAFOR ADA",
            address="1-2-3 Shiba, Minato-ku",
            hired_on=now,
        ),
    )
    assert apdu(admin, serial, CARD_INFO_INPUT_AP) == "9000"
    assert apdu(admin, serial, "00A4020C020011") == "9000"  # the card-info input PIN
    assert apdu(admin, serial, "0020008004" + PINS["card_info_input"].encode().hex()) == "9000"
    assert apdu(admin, serial, "00A4020C020001") == "9000"  # the My Number EF
    read = bytes.fromhex(apdu(admin, serial, "00B0000000"))
    assert read[-2:] == b"\x90\x00" and read[:3] == b"\xff\x40\x0c"
    my_number = read[3:15].decode("ascii")
    assert my_number[-4:] == number_masked[-4:]
    ok(
        employer_collect_number,
        201,
        hired.id,
        client=payroll,
        body=CollectIn(
            my_number=my_number,
            purposes=["tax", "social_security"],
            number_proof=NumberProof.MY_NUMBER_CARD,
            details_match=True,
        ),
    )
    used = ok(employer_read_number, 200, hired.id, client=payroll, body=ReadIn(purpose="tax"))
    assert used.my_number == my_number

    # --- the residence card renewed (a longer stay) --------------------------------------
    renewed = ok(
        ward_office_record_residence_card_renewal,
        200,
        person,
        client=ward,
        body=ResidenceCardRequest(
            residence_card_number="NG87654321CD",
            status_of_residence="Engineer/Specialist",
            period_of_stay_ends=now + dt.timedelta(days=5 * 365),
        ),
    )
    assert renewed.residence_card_number == "NG87654321CD"

    # --- leaving Japan, then coming back a year later: the same number ---------------------
    leaving_on = now + dt.timedelta(days=10)
    out = ok(
        ward_office_register_moving_out,
        200,
        person,
        client=ward,
        body=MovingOutRequest(destination="abroad", planned_move_on=leaving_on),
    )
    assert out.person_id == person
    move(admin, "+400d")
    again = ok(sandbox_read_clock, 200, client=admin).today
    back = ok(
        ward_office_register_moving_in,
        201,
        client=ward,
        body=MovingInRequest(
            municipality_code="131032",
            name_latin="OKAFOR ADA",
            date_of_birth=dt.date(1992, 6, 15),
            sex=Sex.F,
            nationality="NG",
            address="4-5-6 Azabu, Minato-ku, Tokyo",
            started_living_on=again - dt.timedelta(days=2),
            id_documents=[IdDocument.RESIDENCE_CARD, IdDocument.PASSPORT],
            residence_card_number="NG11223344EF",
            status_of_residence="Engineer/Specialist",
            period_of_stay_ends=again + dt.timedelta(days=3 * 365),
        ),
    )
    assert back.returning and back.person_id == person and back.my_number == number_masked
    # the card lapsed when she left (the day's work ran as the clock passed the move-out)
    old_card = ok(cards_card_status, 200, serial, client=ward)
    assert (old_card.status, old_card.invalid_reason) == ("invalid", "left_japan")
    # its chip refuses to sign at a terminal, and says why (the card's status word: 6285)
    nonce = ok(card_auth_new_challenge, 201, client=clinic).nonce
    refused = sandbox_sign_nonce.sync_detailed(
        serial, client=admin, body=NonceIn(nonce=nonce, pin=PINS["user_authentication"])
    )
    assert refused.status_code == 409 and refused.parsed.code == "card-terminated", refused.content
