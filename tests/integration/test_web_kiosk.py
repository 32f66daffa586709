"""The convenience-store kiosk page over HTTP (both databases): the user-authentication PIN is
reset after the signature PIN and a face match; the signature PIN is sent to the ward office;
each refusal beside its field."""

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
    data = {"card_serial": serial, "pin": "user_authentication", "signature_pin": "TARO2026",
            "user_authentication_pin": "3917", **fields}
    return kiosk.post(BASE, data, page=BASE,
                      files={"live_image": ("camera.jpg", camera or astronaut_camera(),
                                            "image/jpeg")})


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


def test_the_signature_pin_is_sent_to_the_ward_office(kiosk: Desk, system: System) -> None:
    issued = issued_card(system)
    page = kiosk.get(BASE).text
    assert "cannot be reset here" in page
    refused = _reset(kiosk, issued.serial, pin="signature")
    assert refused.status_code == 403 and 'id="pin-error"' in refused.text
    assert "ward office in person" in refused.text


def test_a_wrong_signature_pin_is_refused_beside_it_and_counts(
    kiosk: Desk, system: System,
) -> None:
    issued = issued_card(system)
    refused = _reset(kiosk, issued.serial, signature_pin="WRONG2026")
    assert refused.status_code == 401 and 'id="signature_pin-error"' in refused.text
    assert "TARO2026" not in refused.text and "WRONG2026" not in refused.text
    with chip(system, issued.serial).open_session() as reader:
        reader.verify(PinKind.SIGNATURE, "TARO2026")  # still usable: 4 tries were left


def test_someone_elses_face_is_refused_and_nothing_changes(kiosk: Desk, system: System) -> None:
    issued = issued_card(system)
    refused = _reset(kiosk, issued.serial, camera=stranger_camera())
    assert refused.status_code == 403 and 'id="live_image-error"' in refused.text
    with chip(system, issued.serial).open_session() as reader:
        reader.verify(PinKind.USER_AUTHENTICATION, "4826")


def test_a_trivial_new_pin_is_refused_beside_it(kiosk: Desk, system: System) -> None:
    issued = issued_card(system)
    refused = _reset(kiosk, issued.serial, user_authentication_pin="1111")
    assert refused.status_code == 422 and 'id="user_authentication_pin-error"' in refused.text
    assert "repeats one digit" in refused.text


def test_an_unknown_card_is_refused_beside_the_serial(kiosk: Desk) -> None:
    refused = _reset(kiosk, "NOSUCHCARD")
    assert refused.status_code == 404 and 'id="card_serial-error"' in refused.text
