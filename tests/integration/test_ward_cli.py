"""`mynumber ward …` (Typer CliRunner) on both databases: a leaked number changed and the
announced arrivals of an online 転出届 listed and completed, through the same use cases as the
API; one line and exit 1 for bad input, refusals audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from mynumber.adapters.db.models import AuditEntry, Registration
from mynumber.adapters.db.models_register import AnnouncedArrival, RetiredNumber
from mynumber.bootstrap import System
from mynumber.cli import ward as cli_ward
from mynumber.cli.main import app
from mynumber.domain.cards import CardStatus, InvalidReason
from tests.integration.card_support import card_row, issued_card, pass_days
from tests.integration.snapshots import Snapshots
from tests.integration.test_moving_online import NEW_ADDRESS, OSAKA, _file

runner = CliRunner()
CHIYODA = ["--municipality", "131016"]


@pytest.fixture
def cli(cards: System, monkeypatch: pytest.MonkeyPatch) -> System:
    monkeypatch.setattr(cli_ward, "_system", lambda: cards)
    return cards


def _ok(*args: str) -> str:
    result = runner.invoke(app, ["ward", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _refused(*args: str) -> str:
    result = runner.invoke(app, ["ward", *args])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def _retired(system: System, person_id: int) -> int:
    with system.uow() as uow:
        return len(
            uow.session.scalars(
                select(RetiredNumber).where(RetiredNumber.person_id == person_id)
            ).all()
        )


def _refusals(system: System, action: str) -> list[AuditEntry]:
    with system.uow() as uow:
        rows = list(
            uow.session.scalars(select(AuditEntry).where(AuditEntry.action == f"refused:{action}"))
        )
        uow.session.expunge_all()
    return rows


def test_the_ward_office_changes_a_leaked_number(cli: System, snapshots: Snapshots) -> None:
    card = snapshots.give(cli, issued_card)
    person_id = card_row(cli, card.serial).person_id
    out = _ok(
        "change-number", str(person_id), "--ground", "ex_officio", "--leaked", "--fraud-feared",
        *CHIYODA,
    )  # fmt: skip
    assert f"person {person_id}: new My Number **** **** " in out
    assert "1 card(s) cancelled" in out and "application ID " in out
    assert _retired(cli, person_id) == 1
    row = card_row(cli, card.serial)
    assert (row.status, row.invalid_reason) == (CardStatus.INVALID, InvalidReason.NUMBER_CHANGED)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--ground", "because", "--leaked", "--fraud-feared"], "ground"),
        (["--ground", "on_request", "--leaked"], None),  # fraud not feared: no change
        (["--ground", "on_request"], None),
    ],
)
def test_a_number_change_without_grounds_is_one_line_and_changes_nothing(
    cli: System, snapshots: Snapshots, args: list[str], field: str | None
) -> None:
    card = snapshots.give(cli, issued_card)
    person_id = card_row(cli, card.serial).person_id
    line = _refused("change-number", str(person_id), *args, *CHIYODA)
    if field:
        assert line.startswith(f"error: {field}: ")
    assert _retired(cli, person_id) == 0
    assert card_row(cli, card.serial).status == CardStatus.ACTIVE


def test_another_office_is_refused_the_change_and_the_refusal_is_audited(
    cli: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cli, issued_card)
    person_id = card_row(cli, card.serial).person_id
    before = len(_refusals(cli, "change_registration"))
    _refused(
        "change-number", str(person_id), "--ground", "on_request", "--leaked", "--fraud-feared",
        "--municipality", "271004",
    )  # fmt: skip
    refusals = _refusals(cli, "change_registration")
    assert len(refusals) == before + 1 and refusals[-1].person_id == person_id
    assert "271004" in refusals[-1].actor
    assert _retired(cli, person_id) == 0


def test_the_new_office_lists_and_completes_an_announced_arrival(
    cli: System, snapshots: Snapshots
) -> None:
    card = snapshots.give(cli, issued_card)
    person_id = card_row(cli, card.serial).person_id
    assert "no announced arrivals" in _ok("arrivals", "--municipality", OSAKA)
    done = _file(cli, card.serial, person_id)
    listed = _ok("arrivals", "--municipality", OSAKA)
    assert f"person {person_id}  " in listed and f"visit {done.visit_on}" in listed  # type: ignore[attr-defined]
    assert "OVERDUE" not in listed
    assert "no announced arrivals" in _ok("arrivals", *CHIYODA)  # not the office they left
    pass_days(cli, 5)
    moved = _ok(
        "arrival", str(person_id), "--address", NEW_ADDRESS,
        "--since", done.planned_move_on.isoformat(), "--municipality", OSAKA,  # type: ignore[attr-defined]
    )  # fmt: skip
    assert f"moved in: person {person_id}, My Number **** **** " in moved and "late" not in moved
    with cli.uow() as uow:
        reg = uow.session.scalars(
            select(Registration)
            .where(Registration.person_id == person_id)
            .order_by(Registration.id.desc())
        ).first()
        assert reg is not None and (reg.municipality_code, reg.address) == (OSAKA, NEW_ADDRESS)
    assert card_row(cli, card.serial).chip_address == NEW_ADDRESS
    assert "no announced arrivals" in _ok("arrivals", "--municipality", OSAKA)


def test_a_bad_arrival_is_one_line_and_changes_nothing(cli: System, snapshots: Snapshots) -> None:
    card = snapshots.give(cli, issued_card)
    person_id = card_row(cli, card.serial).person_id
    _file(cli, card.serial, person_id)
    line = _refused(
        "arrival", str(person_id), "--address", NEW_ADDRESS, "--since", "2026-13-01",
        "--municipality", OSAKA,
    )  # fmt: skip
    assert line.startswith("error: since: ")
    # the office they left has no arrival announced to it
    _refused("arrival", str(person_id), "--address", NEW_ADDRESS, "--since", "2026-01-01", *CHIYODA)
    before = len(_refusals(cli, "change_registration"))
    _refused(  # an office the person has nothing to do with: refused and audited
        "arrival", str(person_id), "--address", NEW_ADDRESS, "--since", "2026-01-01",
        "--municipality", "131130",
    )  # fmt: skip
    assert len(_refusals(cli, "change_registration")) == before + 1
    with cli.uow() as uow:
        assert uow.session.scalars(select(AnnouncedArrival)).one().completed_at is None
