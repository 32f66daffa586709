"""The convenience-store kiosk page over HTTP (both databases): the user-authentication PIN is
reset after the signature PIN and a face match; the signature PIN after a smartphone
pre-application and the 4-digit PIN; the other PINs are sent to the ward office; each refusal
beside its field."""

from __future__ import annotations

from typing import Any

import pytest

from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import MyNumberError
from mynumber.domain.pins import PinKind
from tests.integration.card_support import chip, issued_card
from tests.integration.clinic_support import astronaut_camera, stranger_camera
from tests.integration.test_web_card_counter import Desk

BASE = "/staff/kiosk"


@pytest.fixture
def kiosk(system: System) -> Desk:
    return Desk(system, Role.KIOSK)


def _reset(kiosk: Desk, serial: str, camera: bytes | None = None, **fields: Any) -> Any:
    data = {
        "card_serial": serial,
        "pin": "user_authentication",
        "signature_pin": "TARO2026",
        "new_pin": "3917",
        **fields,
    }
    return kiosk.post(
        BASE,
        data,
        page=BASE,
        files={"live_image": ("camera.jpg", camera or astronaut_camera(), "image/jpeg")},
    )


def test_the_kiosk_resets_a_locked_user_authentication_pin(kiosk: Desk, system: System) -> None:
    issued = issued_card(system)
    card = chip(system, issued.serial)
    for _ in range(3):
        with pytest.raises(MyNumberError), card.open_session() as reader:
            reader.verify(PinKind.USER_AUTHENTICATION, "0000")
    done = _reset(kiosk, issued.serial)
    assert done.status_code == 303, done.text
    assert "is reset" in kiosk.get(BASE).text
    with card.open_session() as reader:
        reader.verify(PinKind.USER_AUTHENTICATION, "3917")


@pytest.mark.sqlite_only  # a page's text and a rule
def test_the_other_pins_are_sent_to_the_ward_office(kiosk: Desk, system: System) -> None:
    issued = issued_card(system)
    page = kiosk.get(BASE).text
    assert "smartphone" in page and "ward office in person" in page
    refused = _reset(kiosk, issued.serial, pin="resident_registry")
    assert refused.status_code == 403 and 'id="pin-error"' in refused.text
    assert "ward office in person" in refused.text


def test_the_signature_pin_needs_a_pre_application_then_resets(kiosk: Desk, system: System) -> None:
    issued = issued_card(system)
    fields = {
        "pin": "signature",
        "signature_pin": "",
        "user_authentication_pin": "4826",
        "new_pin": "NEWPASS2027",
    }
    refused = _reset(kiosk, issued.serial, **fields)
    assert refused.status_code == 403 and 'id="pin-error"' in refused.text
    assert "smartphone" in refused.text
    with chip(system, issued.serial).open_session() as reader:
        assert reader.tries_left(PinKind.USER_AUTHENTICATION) == 3  # nothing tried
    _pre_apply(system, issued)
    wrong = _reset(kiosk, issued.serial, **{**fields, "user_authentication_pin": "0000"})
    assert wrong.status_code == 422 and 'id="user_authentication_pin-error"' in wrong.text
    weak = _reset(kiosk, issued.serial, **{**fields, "new_pin": "abc"})
    assert weak.status_code == 422 and 'id="new_pin-error"' in weak.text
    done = _reset(kiosk, issued.serial, **fields)
    assert done.status_code == 303, done.text
    with chip(system, issued.serial).open_session() as reader:
        reader.verify(PinKind.SIGNATURE, "NEWPASS2027")


def _pre_apply(system: System, issued: Any) -> None:
    """The holder's smartphone pre-application (the card signs after its 4-digit PIN)."""
    from mynumber.services.cards import kiosk as kiosk_service
    from mynumber.services.jpki.card_auth import answer_challenge
    from tests.integration.card_support import resident

    me = resident(issued.person_id)
    with system.uow() as uow:
        made = kiosk_service.challenge(
            uow.session,
            system.services,
            caller=me,
            card_serial=issued.serial,
            pin=PinKind.SIGNATURE,
            pre_application=True,
        )
        answer = answer_challenge(chip(system, issued.serial), pin="4826", nonce=made.to_sign)
        kiosk_service.pre_apply(
            uow.session,
            system.services,
            caller=me,
            card_serial=issued.serial,
            pin=PinKind.SIGNATURE,
            proof=kiosk_service.CardProof(made.nonce, answer.certificate_der, answer.signature),
            live_image=astronaut_camera(),
        )
        uow.commit()


def test_a_wrong_signature_pin_is_refused_beside_it_and_counts(
    kiosk: Desk,
    system: System,
) -> None:
    issued = issued_card(system)
    refused = _reset(kiosk, issued.serial, signature_pin="WRONG2026")
    assert refused.status_code == 422 and 'id="signature_pin-error"' in refused.text
    assert "TARO2026" not in refused.text and "WRONG2026" not in refused.text
    with chip(system, issued.serial).open_session() as reader:
        reader.verify(PinKind.SIGNATURE, "TARO2026")  # still usable: 4 tries were left


def test_someone_elses_face_is_refused_and_nothing_changes(kiosk: Desk, system: System) -> None:
    issued = issued_card(system)
    refused = _reset(kiosk, issued.serial, camera=stranger_camera())
    assert refused.status_code == 403 and 'id="live_image-error"' in refused.text
    with chip(system, issued.serial).open_session() as reader:
        reader.verify(PinKind.USER_AUTHENTICATION, "4826")


@pytest.mark.sqlite_only  # a PIN rule
def test_a_trivial_new_pin_is_refused_beside_it(kiosk: Desk, system: System) -> None:
    issued = issued_card(system)
    refused = _reset(kiosk, issued.serial, new_pin="1111")
    assert refused.status_code == 422 and 'id="new_pin-error"' in refused.text
    assert "repeats one digit" in refused.text


def test_an_unknown_card_is_refused_beside_the_serial(kiosk: Desk) -> None:
    refused = _reset(kiosk, "NOSUCHCARD")
    assert refused.status_code == 404 and 'id="card_serial-error"' in refused.text
