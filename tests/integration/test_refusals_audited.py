"""One refusal, three entry points, one audit entry each (issue 14.4b): Shibuya's ward office
asking for the card of a resident of Chiyoda is refused by the access policy through the API,
the pages and the CLI alike, and each refusal is appended to the audit log exactly once, in a
transaction of its own (the request's own is rolled back). Both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from mynumber.adapters.db.models import AuditEntry, Person
from mynumber.adapters.db.models_card import Card
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.cli import card as cli_card
from mynumber.cli.main import app as cli_app
from mynumber.cli.support import one_line_errors, run_use_case
from mynumber.demo.data import seed_demo_tokens
from mynumber.domain.access import Role
from mynumber.domain.cards import CardStatus
from mynumber.domain.employment_rules import StaffAction, StaffRole, require_staff_role
from mynumber.domain.errors import Conflict, Forbidden
from mynumber.domain.registration import build_moving_in
from mynumber.services.core import audit, tokens
from mynumber.services.core.audit import NewEntry
from mynumber.services.core.context import Caller
from mynumber.services.core.policy import refusals_audited, refused, require_role
from mynumber.services.flows import moving
from tests.client import TestClient
from tests.integration.card_support import issued_card
from tests.integration.test_api import MOVING_IN
from tests.staff_login import StaffClient, clerk_for, csrf_of

SHIBUYA = "131130"  # not where the card holder lives (Chiyoda, 131016)


def _refusals(system: System, person_id: int) -> list[AuditEntry]:
    with system.uow() as uow:
        return [
            e
            for e in uow.session.scalars(
                select(AuditEntry).where(AuditEntry.person_id == person_id).order_by(AuditEntry.id)
            )
            if e.action.startswith("refused")
        ]


@pytest.fixture
def shibuya_token(cards: System) -> str:
    with cards.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            cards.services,
            organisation="Shibuya office",
            role=Role.WARD_OFFICE,
            municipality_code=SHIBUYA,
        )
        uow.commit()
    return token


@pytest.fixture
def api(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as client:
        yield client


def test_the_same_refusal_is_audited_once_through_the_api_the_pages_and_the_cli(
    cards: System, shibuya_token: str, api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = issued_card(cards)
    assert _refusals(cards, card.person_id) == []

    by_api = api.get(f"/cards/{card.serial}", headers={"Authorization": f"Bearer {shibuya_token}"})
    assert by_api.status_code in (403, 404), by_api.text
    assert len(_refusals(cards, card.person_id)) == 1

    pages = StaffClient(cards, clerk_for(cards, shibuya_token))
    pages.log_in()
    by_page = pages.get(f"/staff/card-counter/cards/{card.serial}")
    assert by_page.status_code in (403, 404)
    assert len(_refusals(cards, card.person_id)) == 2

    monkeypatch.setattr(cli_card, "_system", lambda: cards)
    by_cli = CliRunner().invoke(cli_app, ["card", "show", card.serial, "--municipality", SHIBUYA])
    assert by_cli.exit_code == 1, by_cli.output
    refusals = _refusals(cards, card.person_id)
    assert len(refusals) == 3
    assert len({(e.action, e.role, e.purpose) for e in refusals}) == 1  # the same refusal


def test_a_refused_form_leaves_one_entry_though_its_page_is_shown_again(
    cards: System, shibuya_token: str
) -> None:
    """Shibuya reporting a Chiyoda resident's card lost from the counter's page: the form is
    refused, and the page that would show it with the refusal (the card's own) is refused
    too. The person's log holds the one attempt Shibuya made, the form's, not the page's
    second look; and the card is not suspended."""
    card = issued_card(cards)
    pages = StaffClient(cards, clerk_for(cards, shibuya_token))
    pages.log_in()
    home = pages.get("/staff/card-counter")
    answer = pages.post(
        f"/staff/card-counter/cards/{card.serial}/lost", data={"csrf": csrf_of(home.text)}
    )
    assert answer.status_code == 403, answer.text
    assert [(e.action, e.role) for e in _refusals(cards, card.person_id)] == [
        ("refused:handle_card", "ward_office")
    ]
    with cards.uow() as uow:
        assert uow.session.scalar(select(Card.status).where(Card.serial == card.serial)) == (
            CardStatus.ACTIVE
        )


# --- A role refusal, and the one mechanism behind every refusal (issue 14.2) ---------------


def _role_refusals(system: System) -> list[AuditEntry]:
    with system.uow() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "refused:role")
                .order_by(AuditEntry.id)
            )
        )


def test_a_role_refusal_is_audited_once_through_the_api_the_pages_and_the_cli(
    cards: System, api: TestClient
) -> None:
    """A clinic asking for the ward office's registration: refused for its role through
    each entry point, each leaving exactly one entry of the same kind (the API's problem
    handler, the pages' route class and the CLI's runner all hand the refusal to
    ``audit.record_refusal``; none keeps a fallback of its own)."""
    with cards.uow() as uow:
        clinic = next(
            t.token for t in seed_demo_tokens(uow.session, cards.services) if t.role is Role.CLINIC
        )
        uow.commit()
    assert _role_refusals(cards) == []

    by_api = api.post(
        "/ward-office/residents", json=MOVING_IN, headers={"Authorization": f"Bearer {clinic}"}
    )
    assert by_api.status_code == 403 and by_api.json()["code"] == "forbidden", by_api.text
    assert len(_role_refusals(cards)) == 1

    pages = StaffClient(cards, clerk_for(cards, clinic))
    pages.log_in()
    by_page = pages.get("/staff/ward-office")
    assert by_page.status_code == 403
    assert len(_role_refusals(cards)) == 2

    @one_line_errors
    def register_as_the_terminal() -> None:  # the CLI's runner, with the clinic's caller
        form = build_moving_in(
            name_latin="Smith John",
            date_of_birth=dt.date(1995, 4, 12),
            sex="M",
            nationality="JP",
            address="1-1 Chiyoda",
            started_living_on=dt.date(2026, 3, 30),
            filed_on=cards.services.clock.today(),
            id_documents=["driving_licence"],
        )
        run_use_case(
            cards,
            lambda s, svc: moving.register_moving_in(
                s,
                svc,
                caller=Caller(name="cli terminal", role=Role.CLINIC),
                municipality_code="131016",
                form=form,
            ),
        )

    with pytest.raises(typer.Exit) as exited:
        register_as_the_terminal()
    assert exited.value.exit_code == 1
    refusals = _role_refusals(cards)
    assert len(refusals) == 3
    assert {(e.role, e.purpose, e.person_id, e.detail) for e in refusals} == {
        ("clinic", "", None, "role clinic, for ward_office")
    }
    with cards.uow() as uow:  # and nothing else of the three requests was kept
        assert uow.session.scalar(select(func.count()).select_from(Person)) == 0


def test_a_refusal_is_appended_once_however_many_handlers_see_it(cards: System) -> None:
    caller = Caller(name="Kanda clinic", role=Role.CLINIC)
    refusal = refused(caller, Forbidden("No.", "いいえ。", reason="not-yours"), person_id=None)
    assert audit.record_refusal(cards, refusal) is True
    assert audit.record_refusal(cards, refusal) is False  # the route class after web.core.run
    with cards.uow() as uow:
        rows = list(uow.session.scalars(select(AuditEntry)))
    assert [(e.action, e.role, e.detail) for e in rows] == [
        ("refused:not-yours", "clinic", "forbidden; reason not-yours")
    ]


def test_an_error_that_carries_no_entry_leaves_none(cards: System) -> None:
    """Only the use case knows the caller: an error without an entry (not a refusal, or a
    stale form) is not guessed at by an edge."""
    assert audit.record_refusal(cards, Forbidden("Form expired.", "期限切れ。")) is False
    assert audit.record_refusal(cards, Conflict("Taken.", "使用中。")) is False
    with cards.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


@pytest.mark.sqlite_only  # a pure rule: the database is not touched
def test_a_rule_refusal_inside_a_use_case_carries_its_callers_entry(cards: System) -> None:
    """``refusals_audited``: a refusal by a domain rule (which knows no caller) leaves the
    entry of the use case's caller, by keyword or by position, and keeps a deeper one."""
    caller = Caller(name="Example K.K. (hr: Sato)", role=Role.EMPLOYER, scope_id=1)

    @refusals_audited
    def use_case(session: object, caller: Caller) -> None:
        require_staff_role(StaffRole.HR, StaffAction.READ_NUMBER)

    for call in (lambda: use_case(None, caller=caller), lambda: use_case(None, caller)):
        with pytest.raises(Forbidden) as caught:
            call()
        entry = caught.value.audit_entry
        assert isinstance(entry, NewEntry) and entry.caller == caller
        assert entry.action == "refused:forbidden" and "read_number" in entry.detail

    @refusals_audited
    def outer(*, caller: Caller) -> None:
        require_role(Caller(name="inner", role=Role.CLINIC), Role.WARD_OFFICE)

    with pytest.raises(Forbidden) as caught:
        outer(caller=caller)
    entry = caught.value.audit_entry
    assert isinstance(entry, NewEntry) and entry.caller.name == "inner"
    assert entry.action == "refused:role"
