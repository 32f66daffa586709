"""The card over HTTP: the whole path from application to use, and every refusal as RFC 9457
problem+json in English and Japanese — both databases."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.demo.data import seed_demo_tokens
from mynumber.domain.access import Role
from mynumber.services.core import tokens as token_service
from tests.client import TestClient
from tests.integration.card_support import (
    PINS,
    clock,
    photo,
)
from tests.integration.helpers import register

IDENTITY = {
    "name_latin": "Smith John",
    "date_of_birth": "1995-04-12",
    "residence_card_number": "AB12345678CD",
}


@pytest.fixture
def client(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def auth(cards: System) -> dict[str, dict[str, str]]:
    with cards.uow() as uow:
        demo = seed_demo_tokens(uow.session, cards.services)
        uow.commit()
    headers: dict[str, dict[str, str]] = {}
    for t in demo:
        headers.setdefault(t.role.value, {"Authorization": f"Bearer {t.token}"})
    return headers


def _resident(system: System, person_id: int) -> dict[str, str]:
    with system.uow() as uow:
        token = token_service.issue_token(
            uow.session, system.services, organisation="me", role=Role.RESIDENT, scope_id=person_id
        )
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


def _problem(resp: Any, status: int) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert body["detail"] and body["detail_ja"] and body["status"] == status
    return body


def _application(application_id: str, picture: bytes | None = None) -> dict[str, Any]:
    return {
        "channel": "smartphone",
        "application_id": application_id,
        "photo_base64": base64.b64encode(picture or photo()).decode(),
        "taken_within_six_months": True,
        "no_headwear": True,
        "plain_background": True,
    }


def _collect_body(**kw: Any) -> dict[str, Any]:
    return {
        **IDENTITY,
        "id_documents": ["residence_card", "notification_letter"],
        "user_authentication_pin": PINS.user_authentication,
        "resident_registry_pin": PINS.resident_registry,
        "card_info_input_pin": PINS.card_info_input,
        "signature_pin": PINS.signature,
        **kw,
    }


def _through_collection(
    client: TestClient, cards: System, auth: dict[str, dict[str, str]]
) -> tuple[str, int]:
    person = register(cards)
    me = _resident(cards, person.person_id)
    created = client.post(
        "/cards/applications", json=_application(person.application_id or ""), headers=me
    )
    assert created.status_code == 201, created.text
    clock(cards).advance(days=33)
    assert client.post("/card-centre/jobs", headers=auth["card_centre"]).status_code == 200
    clock(cards).advance(days=3)
    jobs = client.post("/card-centre/jobs", headers=auth["card_centre"]).json()
    assert jobs["mail_settled"] >= 1
    app_id = person.application_id or ""
    assert (
        client.get(f"/cards/applications/{app_id}", headers=me).json()["status"] == "manufactured"
    )
    pdf = client.get(f"/cards/applications/{app_id}/pickup-notice.pdf", headers=auth["ward_office"])
    assert pdf.headers["content-type"] == "application/pdf"
    done = client.post(
        f"/cards/applications/{app_id}/collect", json=_collect_body(), headers=auth["ward_office"]
    )
    assert done.status_code == 200, done.text
    return done.json()["card_serial"], person.person_id


def test_from_application_to_use_over_http(
    client: TestClient, cards: System, auth: dict[str, dict[str, str]]
) -> None:
    serial, person_id = _through_collection(client, cards, auth)
    # The holder uses their own card (a clinic's terminal may use only a card in its reader)
    used = client.post(
        f"/cards/{serial}/use",
        headers=_resident(cards, person_id),
        json={"pin": PINS.user_authentication, "checks_address": True},
    )
    assert used.json() == {"serial": serial, "usable": True}
    status = client.get(f"/cards/{serial}", headers=auth["ward_office"]).json()
    assert status["status"] == "active" and status["problem"] is None
    assert status["tries_left"]["signature"] == 5
    shown = {**IDENTITY, "id_documents": ["residence_card"]}
    extended = client.post(
        f"/cards/{serial}/validity/extension", headers=auth["ward_office"], json=shown
    )
    assert extended.json()["expires_on"] == "2029-05-31"
    _problem(
        client.post(f"/cards/{serial}/validity/extension", headers=auth["ward_office"], json=shown),
        409,
    )
    changed = client.post(
        f"/cards/{serial}/validity",
        headers=auth["ward_office"],
        json={
            **shown,
            "status_of_residence": "Engineer/Specialist",
            "period_of_stay_ends": "2032-03-31",
        },
    )
    assert changed.json()["expires_on"] == "2032-03-31", changed.text
    pdf = client.get(f"/cards/{serial}/renewal-notice.pdf", headers=auth["ward_office"])
    assert pdf.content.startswith(b"%PDF")


def test_pin_errors_lock_and_reset_over_http(
    client: TestClient, cards: System, auth: dict[str, dict[str, str]]
) -> None:
    serial, person_id = _through_collection(client, cards, auth)
    holder = _resident(cards, person_id)
    for left in (2, 1, 0):
        body = _problem(
            client.post(f"/cards/{serial}/use", headers=holder, json={"pin": "9999"}), 422
        )
        assert body["code"] == "wrong-pin" and body["tries_left"] == left
    locked = _problem(
        client.post(f"/cards/{serial}/use", headers=holder, json={"pin": PINS.user_authentication}),
        423,
    )
    assert locked["code"] == "pin-locked" and locked["reason"] == "pin_locked"
    online = _problem(
        client.post(
            f"/cards/{serial}/pins/user_authentication/reset",
            headers=_resident(cards, person_id),
            json={**IDENTITY, "id_documents": ["residence_card"], "new_pin": "3819"},
        ),
        403,
    )
    assert online["reason"] == "in_person_only"
    reset = client.post(
        f"/cards/{serial}/pins/user_authentication/reset",
        headers=auth["ward_office"],
        json={**IDENTITY, "id_documents": ["residence_card"], "new_pin": "3819"},
    )
    assert reset.status_code == 200, reset.text
    kiosk = _problem(
        client.post(
            f"/kiosk/cards/{serial}/pins/resident_registry/reset",
            headers=auth["kiosk"],
            json={
                "signature_pin": PINS.signature,
                "new_pin": "3819",
                "live_image_base64": base64.b64encode(photo()).decode(),
            },
        ),
        403,
    )
    assert kiosk["reason"] == "ward_office_only"


def test_refusals_are_problems_naming_the_cause(
    client: TestClient, cards: System, auth: dict[str, dict[str, str]]
) -> None:
    person = register(cards)
    me = _resident(cards, person.person_id)
    no_face = base64.b64encode(b"\x89PNG\r\n\x1a\n broken").decode()
    body = _problem(
        client.post(
            "/cards/applications",
            headers=me,
            json={**_application(person.application_id or ""), "photo_base64": no_face},
        ),
        422,
    )
    assert body["field"] == "photo" and body["reason"] == "not-an-image"
    body = _problem(
        client.post(
            "/cards/applications",
            headers=me,
            json={**_application(person.application_id or ""), "photo_base64": "***"},
        ),
        422,
    )
    assert body["field"] == "photo"
    _problem(
        client.post(
            "/cards/applications",
            headers=me,
            json={**_application(person.application_id or ""), "channel": "fax"},
        ),
        422,
    )
    assert (
        client.post(
            "/cards/applications", headers=me, json=_application(person.application_id or "")
        ).status_code
        == 201
    )
    body = _problem(
        client.post(
            "/cards/applications", headers=me, json=_application(person.application_id or "")
        ),
        409,
    )
    assert body["reason"] == "open_application"
    _problem(client.get("/cards/UNKNOWN", headers=auth["ward_office"]), 404)
    _problem(client.post("/card-centre/jobs", headers=auth["clinic"]), 403)
    _problem(client.post("/cards/applications", json=_application("1" * 23)), 401)


def test_losing_and_returning_over_http(
    client: TestClient, cards: System, auth: dict[str, dict[str, str]]
) -> None:
    serial, person_id = _through_collection(client, cards, auth)
    lost = client.post(f"/cards/{serial}/lost", headers=_resident(cards, person_id))
    assert lost.json()["status"] == "suspended"
    body = _problem(
        client.post(
            f"/cards/{serial}/use",
            headers=_resident(cards, person_id),
            json={"pin": PINS.user_authentication},
        ),
        409,
    )
    assert body["reason"] == "suspended"
    handed_back = {**IDENTITY, "id_documents": ["my_number_card"]}  # the card itself
    assert (
        client.post(
            f"/cards/{serial}/return", headers=auth["ward_office"], json=handed_back
        ).json()["status"]
        == "invalid"
    )
    _problem(
        client.post(f"/cards/{serial}/return", headers=auth["ward_office"], json=handed_back), 409
    )
    _problem(
        client.post(
            f"/cards/{serial}/chip-update",
            headers=auth["ward_office"],
            json={**IDENTITY, "id_documents": ["residence_card"]},
        ),
        409,
    )
    _problem(
        client.post(
            f"/cards/{serial}/validity",
            headers=auth["ward_office"],
            json={
                **IDENTITY,
                "id_documents": ["residence_card"],
                "status_of_residence": "Engineer",
                "period_of_stay_ends": "2034-01-01",
            },
        ),
        409,
    )
    _problem(
        client.post(
            f"/cards/{serial}/certificates/renew",
            headers=auth["ward_office"],
            json={**IDENTITY, "id_documents": ["residence_card"]},
        ),
        409,
    )
