"""追記欄 — the endorsement field on the card's face (``domain.endorsements``), both databases:
each address change written on the card takes a line; a full field is still changed on the
chip, and the card may then be reissued free, express within 30 days of the change that
filled it; refused while a line is left. Over the API and the counter pages too."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.cards import ApplicationKind, CardStatus, InvalidReason
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.endorsements import ENDORSEMENT_LINES, EndorsementFieldNotFull, ReissueReason
from mynumber.domain.errors import Conflict
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import endorsements
from mynumber.services.cards import fees as card_fees
from mynumber.services.cards import moving as card_moving
from mynumber.services.cards import use as card_use
from mynumber.services.core import tokens
from mynumber.services.registry import ward_office
from tests.client import TestClient
from tests.conftest import ref, ward
from tests.integration.card_support import (
    Issued,
    application_row,
    apply_at_counter,
    card_row,
    clock,
    collect,
    identity,
    issued_card,
    pass_days,
    photo,
)
from tests.integration.snapshots import Snapshots
from tests.integration.test_web_card_counter import Desk

SHOWN = (IdDocument.RESIDENCE_CARD,)


@pytest.fixture
def card(cards: System, snapshots: Snapshots) -> Issued:
    return snapshots.give(cards, issued_card)


def _move_within(system: System, person_id: int, n: int) -> None:
    """A 転居届 and the chip updated at the counter: one change written on the card."""
    with system.uow() as uow:
        ward_office.register_moving_within(
            uow.session,
            system.services,
            caller=ward(),
            person_id=person_id,
            new_address=f"{n}-{n} Kanda, Chiyoda-ku, Tokyo",
            moved_on=clock(system).today(),
        )
        uow.commit()
    with system.uow() as uow:
        card_moving.update_chip_after_move(
            uow.session,
            system.services,
            caller=ward(),
            card_serial=card_row_serial(system, person_id),
            identity=identity(),
            id_documents=SHOWN,
        )
        uow.commit()


def card_row_serial(system: System, person_id: int) -> str:
    with system.uow() as uow:
        from mynumber.services.cards import records

        return records.cards_of(uow.session, person_id, CardStatus.ACTIVE)[0].serial


def _field(system: System, serial: str) -> endorsements.EndorsementField:
    with system.uow() as uow:
        return endorsements.field(uow.session, serial)


def _fill(system: System, card: Issued) -> None:
    for n in range(1, ENDORSEMENT_LINES + 1):
        _move_within(system, card.person_id, n)


def _filled_card(system: System) -> Issued:
    """The card, then its field filled (``_fill``)."""
    card = issued_card(system)
    _fill(system, card)
    return card


@pytest.fixture
def filled(cards: System, snapshots: Snapshots) -> Issued:
    """The card with its field full: four changes, each a chip update with its signature
    certificate reissued, built once per worker and backend for the tests that begin there."""
    return snapshots.give(cards, _filled_card)


def test_each_address_change_takes_one_line_and_a_full_field_still_changes_the_chip(
    cards: System, card: Issued
) -> None:
    assert _field(cards, card.serial).lines_used == 0
    for n in range(1, ENDORSEMENT_LINES + 1):
        _move_within(cards, card.person_id, n)
        field = _field(cards, card.serial)
        assert (field.lines_used, field.lines_left) == (n, ENDORSEMENT_LINES - n)
    assert _field(cards, card.serial).full
    _move_within(cards, card.person_id, 9)
    field = _field(cards, card.serial)
    assert field.lines_used == ENDORSEMENT_LINES and len(field.endorsements) == 5
    assert not field.endorsements[-1].on_face
    assert card_row(cards, card.serial).chip_address == "9-9 Kanda, Chiyoda-ku, Tokyo"


def test_a_refused_chip_update_takes_no_line(cards: System, card: Issued) -> None:
    with cards.uow() as uow, pytest.raises(Conflict):
        card_moving.update_chip_after_move(
            uow.session,
            cards.services,
            caller=ward(),
            card_serial=card.serial,
            identity=identity(),
            id_documents=SHOWN,
        )
    assert _field(cards, card.serial).lines_used == 0


@pytest.mark.parametrize("express", [False, True])
def test_the_reissue_is_refused_while_a_line_is_left(
    cards: System, card: Issued, express: bool
) -> None:
    _move_within(cards, card.person_id, 1)
    kw: dict[str, object] = (
        {"express_reason": ExpressReason.ENDORSEMENT_FIELD_FULL}
        if express
        else {"reissue_reason": ReissueReason.ENDORSEMENT_FIELD_FULL}
    )
    with pytest.raises(EndorsementFieldNotFull) as refused:
        apply_at_counter(cards, card.person_id, **kw)
    assert refused.value.details["reason"] == "endorsement_field_not_full"
    assert "3 of its 4 lines left" in refused.value.message_en
    assert "残り3行" in refused.value.message_ja
    assert card_row(cards, card.serial).status == CardStatus.ACTIVE


def test_a_full_field_gives_a_free_reissue_that_replaces_the_card_in_hand(
    cards: System, filled: Issued
) -> None:
    view = apply_at_counter(
        cards, filled.person_id, reissue_reason=ReissueReason.ENDORSEMENT_FIELD_FULL
    )
    assert (view.kind, view.fee_yen, view.fee_paid) == (ApplicationKind.REISSUE, 0, None)
    assert "endorsement field is full" in view.fee_why_free_en
    assert "追記欄" in view.fee_why_free_ja
    assert application_row(cards, view.application_id).replaces_card_serial == filled.serial
    with cards.uow() as uow, pytest.raises(Conflict) as refused:
        card_fees.fee_receipt_pdf(
            uow.session, cards.services, caller=ward(), application_id=view.application_id
        )
    assert refused.value.details["reason"] == "no_fee"
    assert "endorsement field is full" in refused.value.message_en
    pass_days(cards, 32)
    collect(cards, view.application_id, docs=SHOWN)
    old = card_row(cards, filled.serial)
    assert (old.status, old.invalid_reason) == (CardStatus.INVALID, InvalidReason.REPLACED)


def test_the_express_reissue_is_free_within_30_days_of_the_change_that_filled_it(
    cards: System, filled: Issued
) -> None:
    pass_days(cards, 30)
    view = apply_at_counter(
        cards, filled.person_id, express_reason=ExpressReason.ENDORSEMENT_FIELD_FULL
    )
    assert view.express and view.delivery == "registered_post"
    assert (view.fee_yen, view.kind) == (0, ApplicationKind.REISSUE)
    assert application_row(cards, view.application_id).reissue_reason == (
        ReissueReason.ENDORSEMENT_FIELD_FULL
    )


def test_the_express_reissue_is_refused_after_the_window_but_the_free_one_stands(
    cards: System, filled: Issued
) -> None:
    _move_within(cards, filled.person_id, 9)  # a later change does not restart the window
    pass_days(cards, 31)
    with pytest.raises(Conflict) as refused:
        apply_at_counter(
            cards, filled.person_id, express_reason=ExpressReason.ENDORSEMENT_FIELD_FULL
        )
    assert refused.value.details["reason"] == "express_not_allowed"
    view = apply_at_counter(
        cards, filled.person_id, reissue_reason=ReissueReason.ENDORSEMENT_FIELD_FULL
    )
    assert (view.fee_yen, view.express) == (0, False)


def test_a_lost_card_reissue_is_still_charged(cards: System, filled: Issued) -> None:
    with cards.uow() as uow:
        from mynumber.services.cards import counter as card_counter
        from tests.integration.card_support import resident

        card_counter.report_lost(
            uow.session,
            cards.services,
            caller=resident(filled.person_id),
            card_serial=filled.serial,
        )
        uow.commit()
    with pytest.raises(EndorsementFieldNotFull):  # the card is not in hand: a loss reissue
        apply_at_counter(
            cards, filled.person_id, reissue_reason=ReissueReason.ENDORSEMENT_FIELD_FULL
        )
    view = apply_at_counter(cards, filled.person_id)
    assert view.fee_yen == 1_000


@pytest.fixture
def client(cards: System) -> Iterator[TestClient]:
    with TestClient(create_app(cards), raise_server_exceptions=False) as c:
        yield c


def _office(system: System) -> dict[str, str]:
    with system.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            system.services,
            organisation="t office",
            role=Role.WARD_OFFICE,
            municipality_code="131016",
        )
        uow.commit()
    return {"Authorization": f"Bearer {token}"}


def _api_apply(client: TestClient, headers: dict[str, str], card: Issued) -> object:
    import base64

    return client.post(
        "/cards/applications",
        headers=headers,
        json={
            "channel": "counter",
            "person_id": ref("per", card.person_id),
            "photo_base64": base64.b64encode(photo()).decode(),
            "taken_within_six_months": True,
            "no_headwear": True,
            "plain_background": True,
            "reissue_reason": "endorsement_field_full",
        },
    )


def test_over_http_the_lines_left_the_refusal_and_the_free_reissue(
    client: TestClient, cards: System, card: Issued
) -> None:
    headers = _office(cards)
    refused = _api_apply(client, headers, card)
    assert refused.status_code == 409  # type: ignore[attr-defined]
    body = refused.json()  # type: ignore[attr-defined]
    assert body["code"] == "endorsement-field-not-full"
    assert body["reason"] == "endorsement_field_not_full"
    assert "追記欄" in body["detail_ja"] and "not full" in body["detail"]
    status = client.get(f"/cards/{card.serial}", headers=headers).json()
    assert (status["endorsement_lines_used"], status["endorsement_lines_left"]) == (0, 4)

    for n in range(1, ENDORSEMENT_LINES):
        _move_within(cards, card.person_id, n)
    with cards.uow() as uow:
        ward_office.register_moving_within(
            uow.session,
            cards.services,
            caller=ward(),
            person_id=card.person_id,
            new_address="7-7 Kanda, Chiyoda-ku, Tokyo",
            moved_on=clock(cards).today(),
        )
        uow.commit()
    updated = client.post(
        f"/cards/{card.serial}/chip-update",
        headers=headers,
        json={
            "name_latin": "Smith John",
            "date_of_birth": identity().date_of_birth.isoformat(),
            "residence_card_number": identity().residence_card_number,
            "id_documents": ["residence_card"],
        },
    )
    assert updated.status_code == 200, updated.text
    answer = updated.json()
    assert (answer["endorsement_lines_left"], answer["endorsement_field_full"]) == (0, True)
    assert "reissue" in answer["notice_en"] and "追記欄" in answer["notice_ja"]

    accepted = _api_apply(client, headers, card)
    assert accepted.status_code == 201, accepted.text  # type: ignore[attr-defined]
    view = accepted.json()  # type: ignore[attr-defined]
    assert (view["fee_yen"], view["reissue_reason"]) == (0, "endorsement_field_full")

    desk = Desk(cards, Role.WARD_OFFICE, municipality_code="131016")
    page = desk.get(f"/staff/card-counter/cards/{card.serial}").text
    assert "4 of 4 lines used, 0 left" in page
    page = desk.get(f"/staff/card-counter/applications/{view['application_id']}").text
    assert "¥0" in page and "endorsement field is full" in page
    with cards.uow() as uow:
        assert (
            card_use.card_status(
                uow.session, cards.services, caller=ward(), card_serial=card.serial
            ).endorsement_lines_left
            == 0
        )


def test_the_cli_says_the_free_fee_and_refuses_the_reissue_while_a_line_is_left(
    cards: System, card: Issued, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from mynumber.cli import card as cli_card
    from mynumber.cli.main import app

    monkeypatch.setattr(cli_card, "_system", lambda: cards)
    runner = CliRunner()
    said = runner.invoke(app, ["card", "fee", "reissue", "--express", "--endorsement-field-full"])
    assert said.exit_code == 0 and "total: ¥0" in said.output
    assert "endorsement field is full" in said.output
    photo_file = tmp_path / "photo.jpg"
    photo_file.write_bytes(photo())
    args = ["card", "apply", "--person", str(card.person_id), "--municipality", "131016"]
    args += ["--photo", str(photo_file), "--photo-declared", "--reissue", "endorsement_field_full"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 1 and refused.output.startswith("error: ")
    assert "not full" in refused.output
    _fill(cards, card)
    accepted = runner.invoke(app, args)
    assert accepted.exit_code == 0, accepted.output
    assert "application accepted" in accepted.output


def test_a_validity_change_takes_a_line_too_and_can_fill_the_field(
    cards: System, card: Issued
) -> None:
    import datetime as dt

    from mynumber.services.cards import counter as card_counter

    for n in range(1, ENDORSEMENT_LINES):
        _move_within(cards, card.person_id, n)
    with cards.uow() as uow:
        card_counter.change_validity(
            uow.session,
            cards.services,
            caller=ward(),
            card_serial=card.serial,
            status_of_residence="Engineer/Specialist",
            period_of_stay_ends=dt.date(2034, 3, 31),
            identity=identity(),
            id_documents=SHOWN,
        )
        uow.commit()
    field = _field(cards, card.serial)
    assert field.full and field.endorsements[-1].kind.value == "validity"
    assert field.filled_on == clock(cards).today()
    view = apply_at_counter(
        cards, card.person_id, express_reason=ExpressReason.ENDORSEMENT_FIELD_FULL
    )
    assert (view.fee_yen, view.express) == (0, True)


def test_the_counter_pages_refuse_then_take_the_reissue_for_a_full_field(
    cards: System, card: Issued
) -> None:
    from tests.integration.test_web_card_counter import DECLARED

    desk = Desk(cards, Role.WARD_OFFICE, municipality_code="131016")
    base = "/staff/card-counter"
    form = {"person_id": ref("per", card.person_id), "reissue_reason": "endorsement_field_full"}
    files = {"photo": ("photo.jpg", photo(), "image/jpeg")}
    refused = desk.post(f"{base}/apply", {**form, **DECLARED}, page=f"{base}/apply", files=files)
    assert refused.status_code == 409 and "not full" in refused.text
    _fill(cards, card)
    card_page = desk.get(f"{base}/cards/{card.serial}").text
    assert (
        "4 of 4 lines used, 0 left" in card_page
        and "reissue_reason=endorsement_field_full" in card_page
    )
    link = f"{base}/apply?person_id={form['person_id']}&reissue_reason=endorsement_field_full"
    assert 'value="endorsement_field_full" selected' in desk.get(link).text
    accepted = desk.post(f"{base}/apply", {**form, **DECLARED}, page=link, files=files)
    assert accepted.status_code == 303, accepted.text
    page = desk.get(accepted.headers["location"]).text
    assert "¥0" in page and "endorsement field is full" in page
