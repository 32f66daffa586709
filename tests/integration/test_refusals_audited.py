"""One refusal, three entry points, one audit entry each (issue 14.4b): Shibuya's ward office
asking for the card of a resident of Chiyoda is refused by the access policy through the API,
the pages and the CLI alike, and each refusal is appended to the audit log exactly once, in a
transaction of its own (the request's own is rolled back). Both databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from mynumber.adapters.db.models import AuditEntry
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.cli import card as cli_card
from mynumber.cli.main import app as cli_app
from mynumber.domain.access import Role
from mynumber.services.core import tokens
from tests.integration.card_support import issued_card
from tests.staff_login import StaffClient, clerk_for

SHIBUYA = "131130"  # not where the card holder lives (Chiyoda, 131016)


def _refusals(system: System, person_id: int) -> list[AuditEntry]:
    with system.uow() as uow:
        return [e for e in uow.session.scalars(
            select(AuditEntry).where(AuditEntry.person_id == person_id)
            .order_by(AuditEntry.id)) if e.action.startswith("refused")]


@pytest.fixture
def shibuya_token(cards: System) -> str:
    with cards.uow() as uow:
        token = tokens.issue_token(uow.session, cards.services, organisation="Shibuya office",
                                   role=Role.WARD_OFFICE, municipality_code=SHIBUYA)
        uow.commit()
    return token


@pytest.fixture
def api(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as client:
        yield client


def test_the_same_refusal_is_audited_once_through_the_api_the_pages_and_the_cli(
        cards: System, shibuya_token: str, api: TestClient,
        monkeypatch: pytest.MonkeyPatch) -> None:
    card = issued_card(cards)
    assert _refusals(cards, card.person_id) == []

    by_api = api.get(f"/cards/{card.serial}",
                     headers={"Authorization": f"Bearer {shibuya_token}"})
    assert by_api.status_code in (403, 404), by_api.text
    assert len(_refusals(cards, card.person_id)) == 1

    pages = StaffClient(cards, clerk_for(cards, shibuya_token))
    pages.log_in()
    by_page = pages.get(f"/staff/card-counter/cards/{card.serial}")
    assert by_page.status_code in (403, 404)
    assert len(_refusals(cards, card.person_id)) == 2

    monkeypatch.setattr(cli_card, "_system", lambda: cards)
    by_cli = CliRunner().invoke(cli_app, ["card", "show", card.serial,
                                          "--municipality", SHIBUYA])
    assert by_cli.exit_code == 1, by_cli.output
    refusals = _refusals(cards, card.person_id)
    assert len(refusals) == 3
    assert len({(e.action, e.role, e.purpose) for e in refusals}) == 1  # the same refusal
