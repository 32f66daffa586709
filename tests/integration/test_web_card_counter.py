"""The ward office's card counter pages over HTTP (both databases): applying with the photo
staff took, collecting a card while the resident sets the PINs (rules and trivial-PIN
refusals beside each field), PIN reset against identity, loss and reissue, validity change.
``Desk`` (a logged-in browser for any staff role) is shared with the other counter tests."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import MyNumberError
from mynumber.domain.pins import PinKind
from mynumber.services.core import tokens
from tests.conftest import ref
from tests.integration.card_support import (
    apply_at_counter,
    card_row,
    chip,
    issued_card,
    pass_days,
    photo,
)
from tests.integration.helpers import register
from tests.staff_login import StaffClient, clerk_for

BASE = "/staff/card-counter"
WHO = {
    "name_latin": "Smith John",
    "date_of_birth": "1995-04-12",
    "residence_card_number": "AB12345678CD",
}
PINS = {
    "user_authentication_pin": "4826",
    "resident_registry_pin": "5937",
    "card_info_input_pin": "7148",
    "signature_pin": "TARO2026",
}


class Desk:
    """A browser logged in as a clerk of an organisation of ``role`` (TestClient)."""

    def __init__(self, system: System, role: Role, token: str | None = None, **scope: Any) -> None:
        self.system = system
        if token is None:
            with system.uow() as uow:
                token = tokens.issue_token(
                    uow.session,
                    system.services,
                    organisation=f"test {role.value}",
                    role=role,
                    **scope,
                )
                uow.commit()
        self.client = StaffClient(system, clerk_for(system, token))
        self.landing = self.client.log_in().headers.get("location")

    def csrf(self, page: str) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.client.get(page).text)
        assert found, page
        return found.group(1)

    def post(
        self, path: str, data: dict[str, Any], page: str, files: dict[str, Any] | None = None
    ) -> Any:
        return self.client.post(
            path, data={**data, "csrf": self.csrf(page)}, files=files, follow_redirects=False
        )

    def get(self, path: str) -> Any:
        return self.client.get(path, follow_redirects=False)


@pytest.fixture
def desk(system: System) -> Desk:
    return Desk(system, Role.WARD_OFFICE, municipality_code="131016")


def _photo() -> dict[str, Any]:
    return {"photo": ("photo.jpg", photo(), "image/jpeg")}


DECLARED = {"declaration": ["taken_within_six_months", "no_headwear", "plain_background"]}


def test_the_counter_application_takes_the_uploaded_photo(desk: Desk, system: System) -> None:
    person = register(system)
    answer = desk.post(
        f"{BASE}/apply",
        {"person_id": ref("per", person.person_id), **DECLARED},
        page=f"{BASE}/apply",
        files=_photo(),
    )
    assert answer.status_code == 303, answer.text
    page = desk.get(answer.headers["location"])
    assert "Received — being made" in page.text and "Application accepted" in page.text


@pytest.mark.sqlite_only  # refused before anything is written
def test_an_application_without_the_photo_or_the_declaration_is_refused_beside_it(
    desk: Desk,
    system: System,
) -> None:
    person = register(system)
    no_photo = desk.post(
        f"{BASE}/apply",
        {"person_id": ref("per", person.person_id), **DECLARED},
        page=f"{BASE}/apply",
    )
    assert no_photo.status_code == 422 and 'id="photo-error"' in no_photo.text
    undeclared = desk.post(
        f"{BASE}/apply",
        {"person_id": ref("per", person.person_id)},
        page=f"{BASE}/apply",
        files=_photo(),
    )
    assert undeclared.status_code == 422 and 'id="declaration-error"' in undeclared.text
    unknown = desk.post(
        f"{BASE}/apply", {"person_id": "x", **DECLARED}, page=f"{BASE}/apply", files=_photo()
    )
    assert 'id="person_id-error"' in unknown.text
    # the record's id in clear is not a way in either
    in_clear = desk.post(
        f"{BASE}/apply",
        {"person_id": str(person.person_id), **DECLARED},
        page=f"{BASE}/apply",
        files=_photo(),
    )
    assert in_clear.status_code == 422 and 'id="person_id-error"' in in_clear.text


def _made(system: System) -> str:
    person = register(system)
    view = apply_at_counter(system, person.person_id)
    pass_days(system, 32)
    return view.application_id


def test_collection_refuses_a_trivial_pin_beside_its_field_and_never_echoes_pins(
    desk: Desk,
    system: System,
) -> None:
    application_id = _made(system)
    page = f"{BASE}/applications/{application_id}"
    form = desk.get(page).text
    assert "Hand the card over" in form and "Exactly 4 digits" in form
    refused = desk.post(
        f"{page}/collect",
        {
            **WHO,
            **PINS,
            "pickup_notice": "shown",
            "id_documents": ["residence_card", "notification_letter"],
            "resident_registry_pin": "1234",
        },
        page=page,
    )
    assert refused.status_code == 422
    assert 'id="resident_registry_pin-error"' in refused.text
    assert "run of consecutive digits" in refused.text
    # The random 23-digit application ID on the page may contain any 4 digits: look past it.
    shown = refused.text.replace(application_id, "")
    assert "4826" not in shown and "TARO2026" not in shown
    assert 'value="Smith John"' in refused.text
    assert desk.get(f"{BASE}?application_id={application_id}").status_code == 303


def test_collection_needs_the_letter_and_the_holders_own_id(desk: Desk, system: System) -> None:
    application_id = _made(system)
    page = f"{BASE}/applications/{application_id}"
    no_letter = desk.post(
        f"{page}/collect",
        {**WHO, **PINS, "pickup_notice": "shown", "id_documents": ["residence_card"]},
        page=page,
    )
    assert no_letter.status_code == 422 and 'id="id_documents-error"' in no_letter.text
    stranger = desk.post(
        f"{page}/collect",
        {
            **WHO,
            **PINS,
            "name_latin": "Doe Jane",
            "pickup_notice": "shown",
            "id_documents": ["residence_card", "notification_letter"],
        },
        page=page,
    )
    assert stranger.status_code == 403 and "not the card holder" in stranger.text


def test_collection_activates_the_card_with_the_pins_the_resident_chose(
    desk: Desk,
    system: System,
) -> None:
    application_id = _made(system)
    page = f"{BASE}/applications/{application_id}"
    done = desk.post(
        f"{page}/collect",
        {
            **WHO,
            **PINS,
            "pickup_notice": "shown",
            "id_documents": ["residence_card", "notification_letter"],
        },
        page=page,
    )
    assert done.status_code == 303, done.text
    serial = done.headers["location"].rsplit("/", 1)[1]
    assert card_row(system, serial).status == "active"
    with chip(system, serial).open_session() as reader:
        reader.verify(PinKind.USER_AUTHENTICATION, "4826")
    card_page = desk.get(done.headers["location"]).text
    assert "In use" in card_page and "3 / 3" in card_page


def test_a_locked_pin_is_reset_only_for_the_holder(desk: Desk, system: System) -> None:
    issued = issued_card(system)
    card_chip = chip(system, issued.serial)
    for _ in range(3):
        with pytest.raises(MyNumberError), card_chip.open_session() as reader:
            reader.verify(PinKind.USER_AUTHENTICATION, "0000")
    page = f"{BASE}/cards/{issued.serial}/reset-pin"
    assert "Locked" in desk.get(f"{BASE}/cards/{issued.serial}").text
    fields = {**WHO, "id_documents": ["residence_card"], "pin": "user_authentication"}
    stranger = desk.post(page, {**fields, "name_latin": "Doe Jane", "new_pin": "3917"}, page=page)
    assert stranger.status_code == 403
    trivial = desk.post(page, {**fields, "new_pin": "0412"}, page=page)  # the birthday
    assert trivial.status_code == 422 and 'id="new_pin-error"' in trivial.text
    done = desk.post(page, {**fields, "new_pin": "3917"}, page=page)
    assert done.status_code == 303
    with card_chip.open_session() as reader:
        reader.verify(PinKind.USER_AUTHENTICATION, "3917")


def test_a_lost_card_is_suspended_and_the_reissue_is_offered(desk: Desk, system: System) -> None:
    issued = issued_card(system)
    card = f"{BASE}/cards/{issued.serial}"
    done = desk.post(f"{card}/lost", {}, page=card)
    assert done.status_code == 303
    assert done.headers["location"].endswith("express_reason=lost_card")
    assert card_row(system, issued.serial).status == "suspended"
    again = desk.post(f"{card}/lost", {}, page=card)
    assert again.status_code == 409 and "Only a card in use" in again.text


def test_validity_follows_the_renewed_residence_card(desk: Desk, system: System) -> None:
    issued = issued_card(system)
    before = card_row(system, issued.serial).expires_on
    page = f"{BASE}/cards/{issued.serial}/validity"
    done = desk.post(
        page,
        {
            **WHO,
            "id_documents": ["residence_card"],
            "status_of_residence": "Engineer/Specialist",
            "period_of_stay_ends": "2031-03-31",
        },
        page=page,
    )
    assert done.status_code == 303, done.text
    after = card_row(system, issued.serial).expires_on
    assert before is not None and after is not None and after > before
    bad = desk.post(
        page,
        {
            **WHO,
            "id_documents": ["residence_card"],
            "status_of_residence": "Engineer/Specialist",
            "period_of_stay_ends": "31/03/2031",
        },
        page=page,
    )
    assert bad.status_code == 422 and 'id="period_of_stay_ends-error"' in bad.text


@pytest.mark.sqlite_only  # an access rule
def test_other_staff_cannot_use_the_card_counter(system: System) -> None:
    clinic = Desk(system, Role.CLINIC)
    assert clinic.get(BASE).status_code == 403
    assert "/staff/card-counter" not in clinic.client.get("/").text
