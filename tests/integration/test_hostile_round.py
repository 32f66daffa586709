"""Findings of the attack pass over the routes landed on 2026-12-06 (docs/security.md), one
test each, on SQLite and PostgreSQL; and the late-stage elderly union that could enrol no one.
Each test failed on the code before its fix."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from mynumber.bootstrap import System
from tests.client import TestClient
from tests.conftest import START, ref, unref
from tests.integration.card_support import PINS
from tests.integration.helpers import register
from tests.integration.test_sandbox import (  # noqa: F401 - the sandbox's fixtures
    JPKI_AP,
    USER_AUTH_PIN_EF,
    _apdu,
    _card,
    api,
    sandbox,
    tokens,
)

TOKYO_UNION = "39131008"  # 東京都後期高齢者医療広域連合: 39, prefecture 13, union, check digit


@pytest.mark.sqlite_only
def test_a_sandbox_clock_span_past_the_calendar_is_one_line_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_data_dir: Callable[[Path], Path]
) -> None:
    """+999999w is past the year 9999: the command line printed a traceback (the API's
    OverflowError handler hid it there)."""
    from typer.testing import CliRunner

    from mynumber.cli.main import app
    from mynumber.config import Settings

    monkeypatch.setenv("MYNUMBER_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("MYNUMBER_DATABASE_URL", raising=False)
    migrated_data_dir(Settings(data_dir=tmp_path / "var").for_sandbox().data_dir)
    runner = CliRunner()
    for span in ("+999999w", "+999999d"):
        moved = runner.invoke(app, ["sandbox", "clock", span])
        assert moved.exit_code == 1, moved.output
        assert "20 years" in moved.output and "Traceback" not in moved.output, moved.output
    shown = runner.invoke(app, ["sandbox", "clock"])
    assert shown.exit_code == 0 and "2026" in shown.output, shown.output


def test_a_late_stage_elderly_union_enrols_the_over_75s_of_its_prefecture(
    api: TestClient,  # noqa: F811
    tokens: dict[str, dict[str, str]],  # noqa: F811
    sandbox: System,  # noqa: F811
) -> None:
    made = api.post(
        "/sandbox/organisations",
        json={
            "kind": "insurer",
            "insurer_kind": "late_elderly",
            "name": "Tokyo Late-Stage Elderly Medical Care Union",
            "name_ja": "東京都後期高齢者医療広域連合",
            "code": TOKYO_UNION,
        },
        headers=tokens["admin"],
    )
    assert made.status_code == 201, made.text
    union = {"Authorization": f"Bearer {made.json()['token']}"}
    elder = register(sandbox, date_of_birth=dt.date(1945, 2, 28)).person_id  # 81, Chiyoda
    sapporo = register(
        sandbox,
        "011002",
        date_of_birth=dt.date(1940, 1, 1),
        address="1-1 Kita, Sapporo",
        residence_card_number="ZZ87654321ZZ",
    ).person_id
    body = {"number": "00012345", "branch": "01", "valid_from": START.date().isoformat()}
    enrolled = api.post(
        "/insurer/enrolments", json={**body, "person_id": ref("per", elder)}, headers=union
    )
    assert enrolled.status_code == 201, enrolled.text
    assert unref("per", enrolled.json()["person_id"]) == elder
    # another prefecture's resident is not the Tokyo union's to enrol: refused by the policy
    elsewhere = api.post(
        "/insurer/enrolments", json={**body, "person_id": ref("per", sapporo)}, headers=union
    )
    assert elsewhere.status_code == 403, elsewhere.text
    # the union's prefecture is its number's: a municipality is still National Health
    # Insurance's alone, and a number naming no prefecture is refused
    for wrong in (
        {"code": "39131016", "municipality_code": "131016"},
        {"code": "39481007"},
    ):
        refused = api.post(
            "/sandbox/organisations",
            json={"kind": "insurer", "insurer_kind": "late_elderly", "name": "X", **wrong},
            headers=tokens["admin"],
        )
        assert refused.status_code == 422, refused.text


def test_a_malformed_pin_sent_through_the_sandbox_costs_the_card_no_try(
    api: TestClient,  # noqa: F811
    tokens: dict[str, dict[str, str]],  # noqa: F811
    sandbox: System,  # noqa: F811
) -> None:
    _, serial = _card(sandbox)
    admin = tokens["admin"]
    for pin in ("", "12345", "１２３４", "12a4", "1" * 20):
        resp = api.post(
            f"/sandbox/cards/{serial}/card-auth", json={"nonce": "AAAA", "pin": pin}, headers=admin
        )
        assert resp.status_code == 422, (pin, resp.text)
        assert resp.json()["code"] == "invalid-input", resp.text
    for pin in ("", "abc123", "ＡＢＣ１２３", "ABCDEF", "A1" * 10):
        resp = api.post(
            f"/sandbox/cards/{serial}/signature", json={"data": "AAAA", "pin": pin}, headers=admin
        )
        assert resp.status_code == 422, (pin, resp.text)
        assert resp.json()["code"] == "invalid-input", resp.text
    # the chip's counters are untouched: VERIFY without data answers the tries left
    assert _apdu(api, admin, serial, JPKI_AP) == "9000"
    assert _apdu(api, admin, serial, USER_AUTH_PIN_EF) == "9000"
    assert _apdu(api, admin, serial, "00200080") == "63C3"
    signed = api.post(
        f"/sandbox/cards/{serial}/card-auth",
        json={"nonce": "AAAA", "pin": PINS.user_authentication},
        headers=admin,
    )
    assert signed.status_code == 200, signed.text


def test_the_sandbox_takes_the_apdus_and_data_its_schema_promises(
    api: TestClient,  # noqa: F811
    tokens: dict[str, dict[str, str]],  # noqa: F811
    sandbox: System,  # noqa: F811
) -> None:
    _, serial = _card(sandbox)
    admin = tokens["admin"]
    # an extended-length APDU of 3,000 data bytes reaches the card (which answers with a
    # status word), as the 16 KiB limit says; the edge's general 4,096 characters refused it
    long_apdu = "00D60000" + "00" + f"{3000:04X}" + "00" * 3000
    resp = api.post(f"/sandbox/cards/{serial}/apdu", json={"apdu": long_apdu}, headers=admin)
    assert resp.status_code == 200, resp.text
    data = base64.b64encode(bytes(range(256)) * 117).decode()  # 29,952 bytes: 39,936 chars
    signed = api.post(
        f"/sandbox/cards/{serial}/signature",
        json={"data": data, "pin": PINS.signature},
        headers=admin,
    )
    assert signed.status_code == 200, signed.text
    too_long = base64.b64encode(bytes(30_003)).decode()
    refused = api.post(
        f"/sandbox/cards/{serial}/signature",
        json={"data": too_long, "pin": PINS.signature},
        headers=admin,
    )
    assert refused.status_code == 422, refused.text


@pytest.mark.sqlite_only
def test_the_public_guide_answers_a_far_date_without_a_500(system: System) -> None:
    """Leaving Japan on 9999-12-31: the timeline's year ticks stepped past the year 9999
    (ValueError, a 500 on the public page); its calendar and PDF were fine."""
    from mynumber.api.app import create_app

    answers = {
        "arrived_on": "2026-03-01",
        "municipality": "Chiyoda City",
        "date_of_birth": "1990-01-01",
    }
    with TestClient(create_app(system), raise_server_exceptions=False) as client:
        for path in ("/guide", "/guide/plan.ics", "/guide/plan.pdf"):
            for far in ("9999-12-31", "9999-12-30", "9000-01-01"):
                resp = client.get(path, params={**answers, "leaving_on": far})
                assert resp.status_code < 500, (path, far, resp.status_code)


def test_moving_out_online_with_another_persons_card_tells_nothing_of_it(
    cards: System,
) -> None:
    """A resident naming another person's card serial was told that card's state (lost:
    card-suspended) before being refused as not the holder; now 403 first, audited."""
    from mynumber.domain.errors import Forbidden
    from mynumber.services.cards import counter as card_counter
    from tests.integration.card_support import card_row, issued_card, resident
    from tests.integration.test_moving_online import _file

    mine = issued_card(cards)
    me = card_row(cards, mine.serial).person_id
    theirs = issued_card(cards, name="Other Person", residence_card_number="ZZ12345678ZZ")
    them = card_row(cards, theirs.serial).person_id
    with cards.uow() as uow:
        card_counter.report_lost(
            uow.session, cards.services, caller=resident(them), card_serial=theirs.serial
        )
        uow.commit()
    with pytest.raises(Forbidden) as refused:
        _file(cards, theirs.serial, me)
    assert "suspend" not in refused.value.message_en.lower()
