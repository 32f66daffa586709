"""手数料 at the counter (RULES.md "fees"; ``domain.fees``), both databases: the fee on the
application, the receipt (領収書) once it is paid — at the application for an express
reissue, at collection for any other — and none for a free card; over the API and the
pages too."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.errors import Conflict
from mynumber.domain.fees import PaidWhen
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import fees as card_fees
from mynumber.services.core import tokens
from mynumber.services.core.policy import AccessRefused
from tests.client import TestClient
from tests.conftest import ward
from tests.integration.card_support import (
    Issued,
    apply_at_counter,
    collect,
    issued_card,
    pass_days,
    resident,
)
from tests.integration.snapshots import Snapshots
from tests.integration.test_web_card_counter import Desk

SHOWN = (IdDocument.RESIDENCE_CARD,)


@pytest.fixture
def card(cards: System, snapshots: Snapshots) -> Issued:
    return snapshots.give(cards, issued_card)


def _lose(system: System, card: Issued) -> None:
    with system.uow() as uow:
        card_counter.report_lost(
            uow.session, system.services, caller=resident(card.person_id), card_serial=card.serial
        )
        uow.commit()


def _receipt(system: System, application_id: str, municipality: str = "131016") -> bytes:
    with system.uow() as uow:
        pdf = card_fees.fee_receipt_pdf(
            uow.session, system.services, caller=ward(municipality), application_id=application_id
        )
        uow.commit()
    return pdf


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_first_card_is_free_and_has_no_receipt(cards: System, card: Issued) -> None:
    with pytest.raises(Conflict) as refused:
        _receipt(cards, card.application_id)
    assert refused.value.details["reason"] == "no_fee"


def test_a_reissue_costs_1000_yen_paid_and_receipted_at_collection(
    cards: System, card: Issued, tmp_path: Path
) -> None:
    _lose(cards, card)
    view = apply_at_counter(cards, card.person_id)
    assert (view.kind, view.fee_yen, view.fee_paid) == ("reissue", 1_000, PaidWhen.AT_COLLECTION)
    with pytest.raises(Conflict) as refused:
        _receipt(cards, view.application_id)
    assert refused.value.details["reason"] == "fee_not_paid_yet"
    pass_days(cards, 32)
    collect(cards, view.application_id, docs=SHOWN)
    text = _text(_receipt(cards, view.application_id), tmp_path)
    assert "¥1,000" in text and "¥800" in text and "¥200" in text


def test_an_express_reissue_costs_2000_yen_receipted_at_the_application(
    cards: System, card: Issued, tmp_path: Path
) -> None:
    _lose(cards, card)
    view = apply_at_counter(cards, card.person_id, express_reason=ExpressReason.LOST_CARD)
    assert (view.fee_yen, view.fee_paid) == (2_000, PaidWhen.AT_APPLICATION)
    text = _text(_receipt(cards, view.application_id), tmp_path)
    assert "¥2,000" in text and "¥1,800" in text


def test_another_ward_office_gets_no_receipt(cards: System, card: Issued) -> None:
    _lose(cards, card)
    view = apply_at_counter(cards, card.person_id, express_reason=ExpressReason.LOST_CARD)
    with pytest.raises(AccessRefused):
        _receipt(cards, view.application_id, municipality="131130")


@pytest.fixture
def client(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as c:
        yield c


def _token(system: System, role: Role, **scope: object) -> dict[str, str]:
    with system.uow() as uow:
        token = tokens.issue_token(
            uow.session, system.services, organisation=f"t {role}", role=role, **scope
        )
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


def test_the_fee_and_receipt_over_http_and_on_the_counter_pages(
    client: TestClient, cards: System, card: Issued
) -> None:
    _lose(cards, card)
    view = apply_at_counter(cards, card.person_id, express_reason=ExpressReason.LOST_CARD)
    office = _token(cards, Role.WARD_OFFICE, municipality_code="131016")
    answer = client.get(f"/cards/applications/{view.application_id}", headers=office).json()
    assert (answer["fee_yen"], answer["fee_paid"]) == (2000, "at_application")
    pdf = client.get(f"/cards/applications/{view.application_id}/receipt.pdf", headers=office)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    free = client.get(f"/cards/applications/{card.application_id}/receipt.pdf", headers=office)
    assert free.status_code == 409 and free.json()["reason"] == "no_fee"
    other = _token(cards, Role.WARD_OFFICE, municipality_code="131130")
    refused = client.get(f"/cards/applications/{view.application_id}/receipt.pdf", headers=other)
    assert refused.status_code in (403, 404)

    desk = Desk(cards, Role.WARD_OFFICE, municipality_code="131016")
    page = desk.get(f"/staff/card-counter/applications/{view.application_id}").text
    assert "¥2,000" in page and "receipt.pdf" in page
    assert "¥1,000" in desk.get("/staff/card-counter/apply").text
    printed = desk.get(f"/staff/card-counter/applications/{view.application_id}/receipt.pdf")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")


def test_the_cli_says_the_fee_and_refuses_a_receipt_for_a_free_card(
    cards: System, card: Issued, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from mynumber.cli import card as cli_card
    from mynumber.cli.main import app

    monkeypatch.setattr(cli_card, "_system", lambda: cards)
    runner = CliRunner()
    said = runner.invoke(app, ["card", "fee", "reissue", "--express"])
    assert said.exit_code == 0 and "total: ¥2,000" in said.output
    assert "total: ¥0" in runner.invoke(app, ["card", "fee", "new"]).output
    out = tmp_path / "r.pdf"
    args = ["card", "receipt", card.application_id, "--out", str(out), "--municipality", "131016"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and refused.output.startswith("error: ")
    assert not out.exists()
