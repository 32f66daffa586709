"""The card when its holder moves, loses it, returns it or leaves Japan — both databases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models_card import Certificate
from mynumber.bootstrap import System
from mynumber.card import PinRef
from mynumber.domain.cards import IdentityShown
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.errors import CardError, Conflict, Forbidden, NotFound
from mynumber.domain.registration import IdDocument
from mynumber.services.cards import counter as card_counter
from mynumber.services.cards import moving as card_moving
from mynumber.services.cards import use as card_use
from mynumber.services.core.policy import AccessRefused
from mynumber.services.flows import moving
from mynumber.services.registry import ward_office
from tests.conftest import ward
from tests.integration.card_support import (
    PINS,
    Issued,
    application_row,
    apply_at_counter,
    card_row,
    chip,
    clock,
    identity,
    issued_card,
    pass_days,
    resident,
    run_jobs,
)
from tests.integration.helpers import foreign_form
from tests.integration.snapshots import Snapshots

SHIBUYA = "131130"
NEW_ADDRESS = "2-2 Jingumae, Shibuya-ku, Tokyo"
SHOWN = (IdDocument.RESIDENCE_CARD,)


@pytest.fixture
def card(cards: System, snapshots: Snapshots) -> Issued:
    return snapshots.give(cards, issued_card)


def _move_out(system: System, person_id: int, destination: str = SHIBUYA) -> None:
    with system.uow() as uow:
        moving.register_moving_out(
            uow.session,
            system.services,
            caller=ward(),
            person_id=person_id,
            destination=destination,
            planned_move_on=clock(system).today(),
        )
        uow.commit()


def _move_in(
    system: System,
    *,
    card_serial: str | None = None,
    municipality: str = SHIBUYA,
    address: str = NEW_ADDRESS,
    moved_days_ago: int = 0,
) -> Any:
    today = clock(system).today()
    form = foreign_form(
        system, address=address, started_living_on=today - dt.timedelta(days=moved_days_ago)
    )
    with system.uow() as uow:
        result = moving.register_moving_in(
            uow.session,
            system.services,
            caller=ward(municipality),
            municipality_code=municipality,
            form=form,
            card_serial=card_serial,
        )
        uow.commit()
    return result


def _check(system: System, serial: str, checks_address: bool = True) -> None:
    with system.uow() as uow:
        card_use.check_card(
            uow.session, system.services, card_serial=serial, checks_address=checks_address
        )


def _refusal(system: System, serial: str, checks_address: bool = True) -> CardError:
    with pytest.raises(CardError) as caught:
        _check(system, serial, checks_address)
    return caught.value


def _update_chip(
    system: System, serial: str, municipality: str = SHIBUYA, who: IdentityShown | None = None
) -> None:
    with system.uow() as uow:
        card_moving.update_chip_after_move(
            uow.session,
            system.services,
            caller=ward(municipality),
            card_serial=serial,
            identity=who or identity(),
            id_documents=SHOWN,
        )
        uow.commit()


def _chip_address(system: System, serial: str) -> str:
    with chip(system, serial).open_session() as session:
        session.verify(PinRef.CARD_INFO_INPUT, PINS.card_info_input)
        return session.read_basic_four().address


def _certs(system: System, serial: str) -> list[Certificate]:
    with system.uow() as uow:
        return list(
            uow.session.scalars(select(Certificate).where(Certificate.card_serial == serial))
        )


def test_moving_in_with_the_card_updates_the_chip_and_the_signature_certificate(
    cards: System, card: Issued
) -> None:
    before = {c.kind: c for c in _certs(cards, card.serial)}
    _move_out(cards, card.person_id)
    clock(cards).advance(days=3)
    _move_in(cards, card_serial=card.serial, moved_days_ago=1)
    row = card_row(cards, card.serial)
    assert (row.chip_address, row.municipality_code) == (NEW_ADDRESS, SHIBUYA)
    assert _chip_address(cards, card.serial) == NEW_ADDRESS
    after = {c.serial: c for c in _certs(cards, card.serial)}
    assert after[before["signature"].serial].revocation_reason == "address_changed"
    assert after[before["authentication"].serial].revoked_at is None
    assert len([c for c in after.values() if c.kind == "signature" and not c.revoked_at]) == 1
    _check(cards, card.serial)


def test_between_moving_out_and_in_an_address_check_fails_with_the_fix(
    cards: System, card: Issued
) -> None:
    _move_out(cards, card.person_id)
    error = _refusal(cards, card.serial)
    assert error.details["reason"] == "not_registered"
    assert "moving-in notification" in error.message_en and "転入届" in error.message_ja
    _check(cards, card.serial, checks_address=False)  # still a photo ID


def test_moving_in_without_the_card_leaves_90_days_to_update_it(
    cards: System, card: Issued
) -> None:
    _move_out(cards, card.person_id)
    clock(cards).advance(days=2)
    _move_in(cards)
    error = _refusal(cards, card.serial)
    assert error.details["reason"] == "address_out_of_date"
    assert "ward office" in error.message_en
    clock(cards).advance(days=90)
    _update_chip(cards, card.serial)
    _check(cards, card.serial)


def test_a_card_not_updated_within_90_days_lapses(cards: System, card: Issued) -> None:
    _move_out(cards, card.person_id)
    clock(cards).advance(days=2)
    _move_in(cards)
    clock(cards).advance(days=91)
    assert _refusal(cards, card.serial, checks_address=False).details["reason"] == "move_lapsed"
    assert run_jobs(cards).cards_lapsed == [card.serial]
    error = _refusal(cards, card.serial, checks_address=False)
    assert error.details["reason"] == "invalid" and "not updated in time" in error.message_en
    with pytest.raises(CardError):
        _update_chip(cards, card.serial)


def test_moving_in_more_than_30_days_after_the_planned_move_out_cancels_the_card(
    cards: System, card: Issued
) -> None:
    _move_out(cards, card.person_id)
    clock(cards).advance(days=31)
    result = _move_in(cards, card_serial=card.serial, moved_days_ago=2)
    assert result.returning  # the moving-in itself stands
    row = card_row(cards, card.serial)
    assert (row.status, row.invalid_reason) == ("invalid", "move_lapsed")
    assert row.chip_address != NEW_ADDRESS


def test_never_moving_in_lets_the_card_lapse_after_30_days(cards: System, card: Issued) -> None:
    _move_out(cards, card.person_id)
    assert pass_days(cards, 30).cards_lapsed == []
    assert pass_days(cards, 1).cards_lapsed == [card.serial]


def test_moving_within_the_municipality_needs_the_chip_updated_too(
    cards: System, card: Issued
) -> None:
    with cards.uow() as uow:
        ward_office.register_moving_within(
            uow.session,
            cards.services,
            caller=ward(),
            person_id=card.person_id,
            new_address="3-3 Kanda, Chiyoda-ku, Tokyo",
            moved_on=clock(cards).today(),
        )
        uow.commit()
    assert _refusal(cards, card.serial).details["reason"] == "address_out_of_date"
    _update_chip(cards, card.serial, municipality="131016")
    _check(cards, card.serial)
    with pytest.raises(Conflict) as caught:
        _update_chip(cards, card.serial, municipality="131016")
    assert caught.value.details["reason"] == "up_to_date"


def test_the_chip_is_updated_only_for_its_holder_at_their_ward_office(
    cards: System, card: Issued
) -> None:
    _move_out(cards, card.person_id)
    _move_in(cards)
    with pytest.raises(Forbidden):
        _update_chip(cards, card.serial, who=identity(name="Someone Else"))
    # the office moved out of: the policy refuses (403), telling nothing of the card
    with pytest.raises(AccessRefused) as caught:
        _update_chip(cards, card.serial, municipality="131016")
    assert caught.value.decision.reason == "other-municipality"


def _report_lost(system: System, card: Issued) -> None:
    with system.uow() as uow:
        card_counter.report_lost(
            uow.session, system.services, caller=resident(card.person_id), card_serial=card.serial
        )
        uow.commit()


def test_a_lost_card_is_suspended_at_once_reissued_and_never_usable_again(
    cards: System, card: Issued
) -> None:
    _report_lost(cards, card)
    assert _refusal(cards, card.serial).details["reason"] == "suspended"
    assert all(c.revocation_reason == "lost" for c in _certs(cards, card.serial))
    with pytest.raises(Conflict):
        _report_lost(cards, card)
    view = apply_at_counter(cards, card.person_id, express_reason=ExpressReason.LOST_CARD)
    assert (view.kind, view.express) == ("reissue", True)
    pass_days(cards, 5)  # made, and mailed by registered post
    assert _refusal(cards, card.serial).details["reason"] == "suspended"  # not yet replaced
    pass_days(cards, 2)  # delivered: the new card is in the holder's hands
    new = application_row(cards, view.application_id).card_serial or ""
    error = _refusal(cards, card.serial, checks_address=False)
    assert error.details["reason"] == "invalid" and "reported lost" in error.message_en
    _check(cards, new)


def test_only_the_holder_reports_their_own_card_lost(cards: System, card: Issued) -> None:
    with cards.uow() as uow, pytest.raises(AccessRefused):
        card_counter.report_lost(
            uow.session,
            cards.services,
            caller=resident(card.person_id + 1),
            card_serial=card.serial,
        )


def test_leaving_japan_returns_the_card_and_coming_back_gives_the_same_number(
    cards: System, card: Issued
) -> None:
    _move_out(cards, card.person_id, destination="abroad")
    row = card_row(cards, card.serial)
    assert (row.status, row.invalid_reason) == ("invalid", "left_japan")
    assert all(c.revocation_reason == "left_japan" for c in _certs(cards, card.serial))
    with pytest.raises(NotFound):
        cards.services.chips.load(card.serial)  # the chip is erased
    with pytest.raises(Conflict) as caught:
        apply_at_counter(cards, card.person_id)
    assert caught.value.details["reason"] == "no_active_number"
    clock(cards).advance(days=400)
    with cards.uow() as uow:
        from mynumber.services.registry.residents import view_resident

        masked_before = view_resident(
            uow.session, cards.services, caller=ward(), person_id=card.person_id
        ).my_number
    back = _move_in(cards, municipality="131016", address="1-1 Chiyoda, Chiyoda-ku, Tokyo")
    assert back.returning and back.masked_number == masked_before
    assert apply_at_counter(cards, card.person_id).kind == "new"


def test_leaving_temporarily_with_the_registration_kept_changes_nothing(
    cards: System, card: Issued
) -> None:
    clock(cards).advance(days=180)
    _check(cards, card.serial)
    assert card_row(cards, card.serial).status == "active"


def test_a_returned_card_is_invalid_and_its_chip_erased(cards: System, card: Issued) -> None:
    def give_back() -> None:
        with cards.uow() as uow:
            card_counter.return_card(
                uow.session,
                cards.services,
                caller=ward(),
                card_serial=card.serial,
                identity=identity(),
                id_documents=SHOWN,
            )
            uow.commit()

    give_back()
    assert _refusal(cards, card.serial, False).details["reason"] == "invalid"
    with pytest.raises(NotFound):
        cards.services.chips.load(card.serial)
    with pytest.raises(Conflict):
        give_back()
