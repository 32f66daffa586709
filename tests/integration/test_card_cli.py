"""`mynumber card …` (Typer CliRunner) on both databases: the path to a card in hand, and one
line with exit 1 for every refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mynumber.bootstrap import System
from mynumber.cli import card as cli_card
from mynumber.cli.main import app
from tests.integration.card_support import (
    PINS,
    clock,
    photo,
)
from tests.integration.helpers import register

runner = CliRunner()
AT = ["--municipality", "131016"]  # the ward office the commands act for
WHO = ["--name", "Smith John", "--born", "1995-04-12", "--residence-card", "AB12345678CD"]


@pytest.fixture
def cli(cards: System, monkeypatch: pytest.MonkeyPatch) -> System:
    monkeypatch.setattr(cli_card, "_system", lambda: cards)
    return cards


def _ok(*args: str) -> str:
    result = runner.invoke(app, ["card", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _refused(*args: str) -> str:
    result = runner.invoke(app, ["card", *args])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def _picture(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    path.write_bytes(photo())
    return path


def test_apply_make_collect_and_use_from_the_command_line(cli: System, tmp_path: Path) -> None:
    person = register(cli)
    out = _ok(
        "apply",
        "--photo",
        str(_picture(tmp_path)),
        "--person",
        str(person.person_id),
        "--photo-declared",
        *AT,
    )
    application_id = out.split("ID ")[1].split(";")[0]
    clock(cli).advance(days=33)
    assert "cards made: 1" in _ok("jobs")
    assert "status: manufactured" in _ok("status", application_id, *AT)
    _ok("pickup-notice", application_id, "--out", str(tmp_path / "notice.pdf"), *AT)
    assert (tmp_path / "notice.pdf").read_bytes().startswith(b"%PDF")
    out = _ok(
        "collect",
        application_id,
        *WHO,
        *AT,
        "--doc",
        "residence_card",
        "--doc",
        "notification_letter",
        "--user-auth-pin",
        PINS.user_authentication,
        "--resident-registry-pin",
        PINS.resident_registry,
        "--card-info-pin",
        PINS.card_info_input,
        "--signature-pin",
        PINS.signature or "",
    )
    serial = out.split("card ")[1].split(" ")[0]
    assert "usable" in _ok("use", serial, "--pin", PINS.user_authentication)
    assert "status: active" in _ok("show", serial, *AT)
    assert "tries left" in _refused("use", serial, "--pin", "9999")
    assert "reset" in _ok(
        "reset-pin",
        serial,
        "user_authentication",
        *WHO,
        *AT,
        "--doc",
        "residence_card",
        "--new-pin",
        "3819",
    )
    live = tmp_path / "live.jpg"
    live.write_bytes(photo())
    assert "kiosk" in _ok(
        "kiosk-reset",
        serial,
        "--live-image",
        str(live),
        "--signature-pin",
        PINS.signature or "",
        "--new-pin",
        "5182",
    )
    assert "ward office" in _refused(
        "kiosk-reset",
        serial,
        "--live-image",
        str(live),
        "--signature-pin",
        PINS.signature or "",
        "--new-pin",
        "5182",
        "--pin-kind",
        "resident_registry",
    )
    assert "smartphone" in _refused(
        "kiosk-reset",
        serial,
        "--user-pin",
        "5182",
        "--new-pin",
        "NEWPASS2027",
        "--pin-kind",
        "signature",
    )
    assert "pre-applied" in _ok(
        "pin-reset-pre-apply", serial, "--live-image", str(live), "--user-pin", "5182"
    )
    assert "signature PIN reset at the kiosk" in _ok(
        "kiosk-reset",
        serial,
        "--user-pin",
        "5182",
        "--new-pin",
        "NEWPASS2027",
        "--pin-kind",
        "signature",
    )
    assert "renewed from 2028-12-31" in _refused(
        "renew-certificates", serial, *WHO, *AT, "--doc", "residence_card"
    )
    assert "suspended" in _ok("lost", serial, *AT)
    assert "suspended" in _refused("use", serial, "--pin", "3819")
    assert "invalidated" in _ok("return", serial, *WHO, *AT, "--doc", "my_number_card")


@pytest.mark.sqlite_only  # the command line's output for a refusal
def test_refusals_print_one_line_and_exit_1(cli: System, tmp_path: Path) -> None:
    person = register(cli)
    assert "photo" in _refused(
        "apply",
        "--photo",
        str(tmp_path / "none.jpg"),
        "--person",
        str(person.person_id),
        "--photo-declared",
    )
    assert "6 months" in _refused(
        "apply", "--photo", str(_picture(tmp_path)), "--person", str(person.person_id), *AT
    )
    assert "channel" in _refused(
        "apply", "--photo", str(_picture(tmp_path)), "--channel", "fax", "--photo-declared"
    )
    assert "application_id" in _refused("status", "123")
    assert "No card" in _refused("show", "NOPE")
    assert "still being made" not in _refused("lost", "NOPE")
    assert "born" in _refused(
        "chip-update", "NOPE", "--name", "X", "--born", "yesterday", "--doc", "residence_card"
    )
    assert "stay_ends" in _refused(
        "validity", "NOPE", "Engineer", *WHO, "--doc", "residence_card", "--stay-ends", "soon"
    )


def test_an_express_card_takes_its_pins_when_applying_and_is_mailed(
    cli: System, tmp_path: Path
) -> None:
    person = register(cli)
    pins = [
        "--user-auth-pin", PINS.user_authentication,
        "--resident-registry-pin", PINS.resident_registry,
        "--card-info-pin", PINS.card_info_input,
        "--signature-pin", PINS.signature or "",
    ]  # fmt: skip
    args = [
        "apply", "--photo", str(_picture(tmp_path)), "--person", str(person.person_id),
        "--photo-declared", "--express", "arrival_from_abroad", *AT,
    ]  # fmt: skip
    refused = _refused(*args, "--user-auth-pin", "1111", *pins[2:])
    assert refused.startswith("error: user_authentication_pin: ")
    out = _ok(*args, *pins)
    assert "the card is mailed by registered post" in out
    application_id = out.split("ID ")[1].split(";")[0]
    clock(cli).advance(days=5)
    _ok("jobs")
    line = _refused("pickup-notice", application_id, "--out", str(tmp_path / "n.pdf"), *AT)
    assert "registered post" in line
    clock(cli).advance(days=2)
    _ok("jobs")
    assert "status: collected" in _ok("status", application_id, *AT)
