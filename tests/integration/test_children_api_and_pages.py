"""Children, infants and the face-authentication card over the JSON API and the counter's
pages (both databases). RULES.md "The card" — children, face-authentication card; the rules
themselves: ``tests/unit/test_representation.py``, ``test_children_cards.py``."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.demo.data import seed_demo_tokens
from mynumber.domain.access import Role
from tests.client import TestClient
from tests.conftest import ref
from tests.integration.card_support import (
    apply_at_counter,
    pass_days,
    photo,
)
from tests.integration.helpers import register
from tests.integration.test_web_card_counter import Desk

CHILD_BORN = "2017-03-03"  # 9 on the test clock's 2026-04-01
CHILD = {"name_latin": "Smith Hana", "date_of_birth": CHILD_BORN}
PARENT = {
    "name_latin": "Smith Jane",
    "date_of_birth": "1988-02-29",
    "relation": "parent",
    "id_documents": ["driving_licence"],
}
FOUR_PINS = {
    "user_authentication_pin": "4826",
    "resident_registry_pin": "5937",
    "card_info_input_pin": "7148",
}
DECLARED = {"taken_within_six_months": True, "no_headwear": True, "plain_background": True}


@pytest.fixture
def client(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def ward_office(cards: System) -> dict[str, str]:
    with cards.uow() as uow:
        demo = seed_demo_tokens(uow.session, cards.services)
        uow.commit()
    token = next(t.token for t in demo if t.role is Role.WARD_OFFICE)
    return {"Authorization": f"Bearer {token}"}


def _reason(resp: Any, status: int) -> str:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body = resp.json()
    assert body["detail"] and body["detail_ja"]
    return str(body["reason"])


def _apply(client: TestClient, headers: dict[str, str], person_id: int, **kw: Any) -> Any:
    body = {
        "channel": "counter",
        "person_id": ref("per", person_id),
        "photo_base64": base64.b64encode(photo()).decode(),
        **DECLARED,
        **kw,
    }
    return client.post("/cards/applications", json=body, headers=headers)


def _child(cards: System, born: str = CHILD_BORN, name: str = "Smith Hana") -> int:
    return register(cards, name_latin=name, date_of_birth=dt.date.fromisoformat(born)).person_id


# --- the JSON API ---------------------------------------------------------------------------


def test_api_a_child_is_applied_for_and_collected_with_the_legal_representative(
    client: TestClient, cards: System, ward_office: dict[str, str]
) -> None:
    person_id = _child(cards)
    alone = _apply(client, ward_office, person_id)
    assert _reason(alone, 403) == "legal_representative_required"
    minor_parent = _apply(
        client,
        ward_office,
        person_id,
        legal_representative={**PARENT, "date_of_birth": "2010-01-01"},
    )
    assert minor_parent.status_code == 422
    created = _apply(client, ward_office, person_id, legal_representative=PARENT)
    assert created.status_code == 201, created.text
    application_id = created.json()["application_id"]
    pass_days(cards, 33)
    shown = {**CHILD, "id_documents": ["notification_letter"], **FOUR_PINS}
    path = f"/cards/applications/{application_id}/collect"
    assert _reason(client.post(path, json=shown, headers=ward_office), 403) == (
        "legal_representative_required"
    )
    done = client.post(path, json={**shown, "legal_representative": PARENT}, headers=ward_office)
    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["legal_representative"] == "parent" and answer["no_signature"] == "under_15"
    assert answer["signature_certificate"] is False
    signing = client.post(
        f"/cards/{answer['card_serial']}/use",
        json={"pin_kind": "signature", "pin": "HANA2026"},
        headers=ward_office,
    )
    assert _reason(signing, 409) == "no_signature_certificate"
    assert "under 15" in signing.json()["detail"]


def test_api_an_infant_is_applied_for_without_a_photo(
    client: TestClient, cards: System, ward_office: dict[str, str]
) -> None:
    person_id = _child(cards, born="2026-01-10", name="Smith Baby")
    body = {
        "channel": "counter",
        "person_id": ref("per", person_id),
        **DECLARED,
        "legal_representative": PARENT,
    }
    created = client.post("/cards/applications", json=body, headers=ward_office)
    assert created.status_code == 201, created.text


def test_api_a_face_authentication_card_has_no_pins(
    client: TestClient, cards: System, ward_office: dict[str, str]
) -> None:
    person = register(cards)
    application_id = apply_at_counter(cards, person.person_id).application_id
    pass_days(cards, 33)
    shown = {
        "name_latin": "Smith John",
        "date_of_birth": "1995-04-12",
        "residence_card_number": "AB12345678CD",
        "id_documents": ["residence_card", "notification_letter"],
    }
    path = f"/cards/applications/{application_id}/collect"
    no_pins = client.post(path, json=shown, headers=ward_office)
    assert no_pins.status_code == 422  # neither PINs nor a face card asked for
    done = client.post(path, json={**shown, "face_authentication": True}, headers=ward_office)
    assert done.status_code == 200, done.text
    answer = done.json()
    assert answer["face_authentication"] is True
    assert answer["no_signature"] == "face_authentication_card"
    used = client.post(
        f"/cards/{answer['card_serial']}/use", json={"pin": "4826"}, headers=ward_office
    )
    assert _reason(used, 409) == "face_authentication_card"


# --- the counter's pages --------------------------------------------------------------------

BASE = "/staff/card-counter"
PAGE_PARENT = {
    "representative_name": "Smith Jane",
    "representative_date_of_birth": "1988-02-29",
    "representative_relation": "parent",
    "representative_id_documents": ["driving_licence"],
}
PAGE_DECLARED = {"declaration": ["taken_within_six_months", "no_headwear", "plain_background"]}


@pytest.fixture
def desk(cards: System) -> Desk:
    return Desk(cards, Role.WARD_OFFICE, municipality_code="131016")


def test_pages_a_child_needs_the_legal_representative_to_apply_and_collect(
    desk: Desk, cards: System
) -> None:
    person_id = _child(cards)
    form = desk.get(f"{BASE}/apply").text
    assert "Legal representative" in form
    files = {"photo": ("photo.jpg", photo(), "image/jpeg")}
    fields = {"person_id": ref("per", person_id), **PAGE_DECLARED}
    alone = desk.post(f"{BASE}/apply", fields, page=f"{BASE}/apply", files=files)
    assert alone.status_code == 403 and "legal representative" in alone.text
    applied = desk.post(
        f"{BASE}/apply", {**fields, **PAGE_PARENT}, page=f"{BASE}/apply", files=files
    )
    assert applied.status_code == 303, applied.text
    application_id = applied.headers["location"].rsplit("/", 1)[-1]
    pass_days(cards, 33)
    page = f"{BASE}/applications/{application_id}"
    shown = {
        **CHILD,
        **FOUR_PINS,
        "residence_card_number": "AB12345678CD",
        "pickup_notice": "shown",
        "id_documents": ["notification_letter"],
    }
    refused = desk.post(f"{page}/collect", shown, page=page)
    assert refused.status_code == 403 and "legal representative" in refused.text
    assert "4826" not in refused.text.replace(application_id, "")
    done = desk.post(f"{page}/collect", {**shown, **PAGE_PARENT}, page=page)
    assert done.status_code == 303, done.text
    card_page = desk.client.get(done.headers["location"]).text
    assert "with the legal representative" in card_page
    assert "no signature certificate (under 15)" in card_page


def test_pages_an_infant_without_a_photo_and_a_face_card_without_pins(
    desk: Desk, cards: System
) -> None:
    infant = _child(cards, born="2026-01-10", name="Smith Baby")
    applied = desk.post(
        f"{BASE}/apply",
        {"person_id": ref("per", infant), **PAGE_DECLARED, **PAGE_PARENT},
        page=f"{BASE}/apply",
    )
    assert applied.status_code == 303, applied.text

    adult = register(cards)
    application_id = apply_at_counter(cards, adult.person_id).application_id
    pass_days(cards, 33)
    page = f"{BASE}/applications/{application_id}"
    assert "Face-authentication card" in desk.get(page).text
    done = desk.post(
        f"{page}/collect",
        {
            "name_latin": "Smith John",
            "date_of_birth": "1995-04-12",
            "residence_card_number": "AB12345678CD",
            "pickup_notice": "shown",
            "id_documents": ["residence_card", "notification_letter"],
            "face_authentication": "yes",
        },
        page=page,
    )
    assert done.status_code == 303, done.text
    assert "a face-authentication card: no PINs" in desk.client.get(done.headers["location"]).text


def test_api_the_online_application_for_a_child_names_the_representative(
    client: TestClient, cards: System
) -> None:
    person = register(cards, name_latin="Smith Hana", date_of_birth=dt.date(2017, 3, 3))
    body = {
        "channel": "smartphone",
        "application_id": person.application_id,
        "photo_base64": base64.b64encode(photo()).decode(),
        **DECLARED,
    }
    alone = client.post("/cards/applications/online", json=body)
    assert _reason(alone, 403) == "legal_representative_required"
    done = client.post("/cards/applications/online", json={**body, "legal_representative": PARENT})
    assert done.status_code == 201, done.text
