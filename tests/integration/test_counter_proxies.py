"""代理人による受取 (RULES.md "proxies"; ``domain.proxies``), both databases: a proxy
collects for a holder who cannot come, with the holder's reply form (照会書兼回答書, the PINs
sealed in it) and both persons' IDs; every refusal leaves the card waiting at the counter.
Over the API, the page and the CLI too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import AuditEntry
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.cards import IdentityShown
from mynumber.domain.errors import Forbidden, InvalidInput
from mynumber.domain.proxies import ProxyShown
from mynumber.domain.registration import IdDocument
from tests.client import TestClient
from tests.conftest import ward
from tests.integration.card_support import (
    DOCS,
    PINS,
    apply_at_counter,
    card_row,
    collect,
    identity,
    pass_days,
)
from tests.integration.helpers import register
from tests.integration.test_counter_fees import _token
from tests.integration.test_web_card_counter import Desk

MARY = IdentityShown("Smith Mary", dt.date(1968, 2, 3))


def _proxy(**changes: Any) -> ProxyShown:
    values: dict[str, Any] = {
        "identity": MARY,
        "id_documents": (IdDocument.DRIVING_LICENCE,),
        "reason": "hospital_stay",
        "reply_form_shown": True,
    }
    return ProxyShown(**(values | changes))


@pytest.fixture
def waiting(cards: System) -> tuple[int, str]:
    """A holder whose card is made and waits at the counter: (person, application ID)."""
    person = register(cards, name_latin="Smith John", date_of_birth=dt.date(1995, 4, 12))
    view = apply_at_counter(cards, person.person_id)
    pass_days(cards, 32)
    return person.person_id, view.application_id


def _serial(system: System, application_id: str) -> str:
    from mynumber.services.cards import applications

    with system.reading() as uow:
        view = applications.ask_after_application(
            uow.session,
            system.services,
            caller=ward(),
            application_id=application_id,
        )
    assert view.card_serial
    return view.card_serial


def test_a_proxy_collects_for_a_holder_in_hospital_with_the_pins_of_the_reply_form(
    cards: System, waiting: tuple[int, str]
) -> None:
    person_id, application_id = waiting
    done = collect(cards, application_id, proxy=_proxy())
    assert card_row(cards, done.card_serial).status == "active"
    with cards.reading() as uow:
        details = uow.session.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.action == "collect_card", AuditEntry.person_id == person_id
            )
        ).all()
    assert any("by a proxy (hospital_stay)" in (d or "") for d in details)
    assert not any("Smith Mary" in (d or "") for d in details)  # nothing of the proxy's ID


@pytest.mark.parametrize(
    ("proxy", "field"),
    [
        (_proxy(reply_form_shown=False), "reply_form"),
        (_proxy(reason="work"), "proxy_reason"),
        (_proxy(reason="aged_75_or_over"), "proxy_reason"),  # the holder is 31
        (_proxy(id_documents=()), "proxy_id_documents"),
        (_proxy(identity=identity()), "proxy_name_latin"),  # the holder is no proxy
    ],
)
def test_refusals_leave_the_card_waiting(
    cards: System, waiting: tuple[int, str], proxy: ProxyShown, field: str
) -> None:
    _, application_id = waiting
    with pytest.raises(InvalidInput) as refused:
        collect(cards, application_id, proxy=proxy)
    assert refused.value.details["field"] == field
    assert card_row(cards, _serial(cards, application_id)).status == "ready"


def test_the_holders_own_id_is_still_needed(cards: System, waiting: tuple[int, str]) -> None:
    _, application_id = waiting
    with pytest.raises(Forbidden) as refused:
        collect(cards, application_id, who=MARY, proxy=_proxy())
    assert refused.value.details["reason"] == "not_the_holder"
    with pytest.raises(InvalidInput):
        collect(cards, application_id, docs=(IdDocument.NOTIFICATION_LETTER,), proxy=_proxy())
    assert card_row(cards, _serial(cards, application_id)).status == "ready"


@pytest.fixture
def client(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as c:
        yield c


def test_a_proxy_over_http_on_the_page_and_in_the_cli(
    client: TestClient,
    cards: System,
    waiting: tuple[int, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, application_id = waiting
    office = _token(cards, Role.WARD_OFFICE, municipality_code="131016")
    body = {
        "name_latin": "Smith John",
        "date_of_birth": "1995-04-12",
        "residence_card_number": "AB12345678CD",
        "id_documents": [d.value for d in DOCS],
        "user_authentication_pin": PINS.user_authentication,
        "resident_registry_pin": PINS.resident_registry,
        "card_info_input_pin": PINS.card_info_input,
        "signature_pin": PINS.signature,
    }
    proxy = {
        "name_latin": "Smith Mary",
        "date_of_birth": "1968-02-03",
        "id_documents": ["passport"],
        "reason": "busy",
        "reply_form_shown": True,
    }
    path = f"/cards/applications/{application_id}/collect"
    refused = client.post(path, headers=office, json={**body, "proxy": proxy})
    assert refused.status_code == 422 and "illness" in refused.json()["detail"]

    desk = Desk(cards, Role.WARD_OFFICE, municipality_code="131016")
    page = f"/staff/card-counter/applications/{application_id}"
    assert "照会書兼回答書" in desk.get(page).text
    form = {
        **{k: v for k, v in body.items() if k not in ("id_documents",)},
        "id_documents": ["residence_card", "notification_letter"],
        "pickup_notice": "shown",
        "collected_by": "proxy",
        "proxy_name_latin": "Smith Mary",
        "proxy_date_of_birth": "1968-02-03",
        "proxy_id_documents": ["passport"],
        "proxy_reason": "illness",
    }
    no_form = desk.post(f"{page}/collect", form, page)
    assert no_form.status_code == 422 and "照会書兼回答書" in no_form.text
    assert PINS.signature not in no_form.text

    from typer.testing import CliRunner

    from mynumber.cli import card as cli_card
    from mynumber.cli.main import app

    monkeypatch.setattr(cli_card, "_system", lambda: cards)
    args = ["card", "collect", application_id, "--name", "Smith John", "--born", "1995-04-12"]
    args += ["--doc", "residence_card", "--doc", "notification_letter"]
    args += ["--residence-card", "AB12345678CD", "--municipality", "131016"]
    args += ["--user-auth-pin", "4826", "--resident-registry-pin", "5937"]
    args += ["--card-info-pin", "7148", "--signature-pin", "TARO2026"]
    args += ["--proxy-name", "Smith Mary", "--proxy-born", "1968-02-03", "--proxy-doc", "passport"]
    said = CliRunner().invoke(app, [*args, "--proxy-reason", "study"])
    assert said.exit_code == 1 and "inquiry-and-reply form" in said.output

    done = desk.post(f"{page}/collect", {**form, "reply_form": "shown"}, page)
    assert done.status_code == 303, done.text
    assert card_row(cards, _serial(cards, application_id)).status == "active"
