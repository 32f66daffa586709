"""Card applications through the four channels, the photo check on arrival, one open
application per person, and the refusals — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
import pytest
from skimage import data as samples
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from mynumber.adapters.db.models_card import CardApplication
from mynumber.bootstrap import System
from mynumber.domain.cards import Channel
from mynumber.domain.deadlines import ExpressReason
from mynumber.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from mynumber.domain.photo_rules import PhotoDeclaration
from mynumber.domain.representation import LegalRepresentative, Relation
from mynumber.services.cards import applications as card_applications
from mynumber.services.core.policy import AccessRefused
from mynumber.services.flows import moving
from mynumber.services.registry import letters
from tests.conftest import ward
from tests.integration.card_support import (
    KIOSK,
    apply_at_counter,
    apply_online,
    clock,
    pass_days,
    photo,
)
from tests.integration.helpers import register


def _count(system: System) -> int:
    with system.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(CardApplication)) or 0


def _jpeg(bgr: np.ndarray) -> bytes:
    return bytes(cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 92])[1].tobytes())


def _sample_bgr() -> np.ndarray:
    return cv2.imdecode(np.frombuffer(photo(), np.uint8), cv2.IMREAD_COLOR)


@pytest.mark.parametrize("channel", [Channel.SMARTPHONE, Channel.PC])
def test_online_application_with_the_letters_id_is_accepted(
    cards: System, channel: Channel
) -> None:
    person = register(cards)
    view = apply_online(cards, person.application_id, person.person_id, channel=channel)
    assert (view.status, view.kind, view.channel) == ("received", "new", channel.value)
    assert view.application_id == person.application_id
    today = clock(cards).today()
    assert view.notice_expected_from == dt.date(2026, 5, 1)
    assert view.notice_expected_by == dt.date(2026, 6, 1) and view.received_on == today


def test_photo_booth_application_is_made_by_the_kiosk_with_the_letters_id(cards: System) -> None:
    person = register(cards)
    with cards.uow() as uow:
        view = card_applications.apply_for_card(
            uow.session,
            cards.services,
            caller=KIOSK,
            channel=Channel.PHOTO_BOOTH,
            photo=photo(),
            declaration=PhotoDeclaration(True, True, True),
            application_id=person.application_id,
        )
        uow.commit()
    assert view.channel == "photo_booth" and view.person_id == person.person_id


def test_counter_application_gets_a_new_23_digit_application_id(cards: System) -> None:
    person = register(cards)
    view = apply_at_counter(cards, person.person_id)
    assert len(view.application_id) == 23 and view.application_id.isdigit()
    assert view.application_id != person.application_id and view.channel == "counter"


def test_a_second_open_application_is_refused_naming_the_first(cards: System) -> None:
    person = register(cards)
    first = apply_online(cards, person.application_id, person.person_id)
    with pytest.raises(Conflict) as caught:
        apply_at_counter(cards, person.person_id)
    assert caught.value.details["reason"] == "open_application"
    assert first.application_id in caught.value.message_en
    assert _count(cards) == 1


def test_the_database_itself_allows_one_open_application_per_person(cards: System) -> None:
    person = register(cards)
    with cards.uow() as uow, pytest.raises(IntegrityError):
        for _ in range(2):
            uow.session.add(
                CardApplication(
                    person_id=person.person_id,
                    channel="pc",
                    status="received",
                    received_at=clock(cards).now(),
                )
            )
            uow.session.flush()


def test_applying_after_moving_out_is_refused_with_the_reason(cards: System) -> None:
    person = register(cards)
    with cards.uow() as uow:
        moving.register_moving_out(
            uow.session,
            cards.services,
            caller=ward(),
            person_id=person.person_id,
            destination="abroad",
            planned_move_on=clock(cards).today(),
        )
        uow.commit()
    with pytest.raises(Conflict) as caught:
        apply_online(cards, person.application_id, person.person_id)
    assert caught.value.details["reason"] == "no_active_number"
    assert "moved abroad" in caught.value.message_en and "転入届" in caught.value.message_ja
    with pytest.raises(Conflict):
        apply_at_counter(cards, person.person_id)


def test_someone_never_registered_cannot_apply(cards: System) -> None:
    with pytest.raises(NotFound) as caught:
        apply_online(cards, "1" * 23, 1)
    assert caught.value.details["field"] == "application_id"
    with pytest.raises(NotFound):
        apply_at_counter(cards, 999)


@pytest.mark.sqlite_only  # the id's form, before any look-up
@pytest.mark.parametrize("bad", ["", "123", "1" * 22 + "X"])
def test_a_malformed_application_id_is_refused(cards: System, bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        apply_online(cards, bad, 1)
    assert caught.value.details["field"] == "application_id"


def test_the_id_of_a_replaced_letter_no_longer_works(cards: System) -> None:
    person = register(cards)
    with cards.uow() as uow:
        new = letters.reissue_letter(
            uow.session, cards.services, caller=ward(), person_id=person.person_id
        ).letter
        uow.commit()
    with pytest.raises(Conflict, match="reissued"):
        apply_online(cards, person.application_id, person.person_id)
    assert apply_online(cards, new.application_id, person.person_id).status == "received"


@pytest.mark.sqlite_only  # the caller's role for the channel
def test_each_channel_is_for_its_own_actor(cards: System) -> None:
    person = register(cards)
    with cards.uow() as uow, pytest.raises(Forbidden):
        card_applications.apply_for_card(
            uow.session,
            cards.services,
            caller=KIOSK,
            channel=Channel.COUNTER,
            photo=photo(),
            declaration=PhotoDeclaration(True, True, True),
            person_id=person.person_id,
        )


def test_a_resident_cannot_use_someone_elses_letter(cards: System) -> None:
    person = register(cards)
    with pytest.raises(Forbidden):
        apply_online(cards, person.application_id, person.person_id + 1)


def test_the_counter_of_another_municipality_cannot_take_the_application(cards: System) -> None:
    person = register(cards)
    with pytest.raises(AccessRefused) as caught:  # the policy, before any state of the person
        apply_at_counter(cards, person.person_id, municipality="131130")
    assert caught.value.decision.reason == "other-municipality"


def _scaled(rgb: np.ndarray) -> bytes:
    scale = 480 / min(rgb.shape[:2])
    return _jpeg(cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), None, fx=scale, fy=scale))


@pytest.mark.parametrize(
    "make,reason",
    [
        (lambda: _scaled(samples.coffee()), "no-face"),
        (lambda: _jpeg(np.hstack([_sample_bgr(), _sample_bgr()])), "several-faces"),
        (lambda: _jpeg(cv2.cvtColor(samples.astronaut(), cv2.COLOR_RGB2BGR)), "face-too-small"),
        (lambda: _jpeg((_sample_bgr() * 0.3).astype(np.uint8)), "too-dark"),
        (lambda: _jpeg(cv2.GaussianBlur(_sample_bgr(), (0, 0), 4.0)), "blurred"),
        (lambda: _jpeg(cv2.resize(_sample_bgr(), (300, 386))), "too-small"),
        (lambda: b"GIF89a not a photo", "not-an-image"),
    ],
)
def test_a_bad_photo_is_refused_on_arrival_naming_the_failure(
    cards: System,
    make,  # type: ignore[no-untyped-def]
    reason: str,
) -> None:
    person = register(cards)
    with pytest.raises(InvalidInput) as caught:
        apply_online(cards, person.application_id, person.person_id, photo=make())
    assert (caught.value.details["field"], caught.value.details["reason"]) == ("photo", reason)
    assert caught.value.message_en and caught.value.message_ja
    assert _count(cards) == 0


@pytest.mark.sqlite_only  # a rule on the input
def test_an_incomplete_photo_declaration_is_refused(cards: System) -> None:
    person = register(cards)
    with pytest.raises(InvalidInput) as caught:
        apply_online(
            cards,
            person.application_id,
            person.person_id,
            declaration=PhotoDeclaration(True, False, True),
        )
    assert caught.value.details["missing"] == ["no_headwear"]


def test_asking_after_an_application_by_its_id(cards: System) -> None:
    person = register(cards)
    apply_online(cards, person.application_id, person.person_id)
    with cards.uow() as uow:
        view = card_applications.ask_after_application(
            uow.session, cards.services, caller=ward(), application_id=person.application_id
        )
    assert view.status == "received" and "being made" in view.next_step_en
    with cards.uow() as uow, pytest.raises(NotFound):
        card_applications.ask_after_application(
            uow.session, cards.services, caller=ward(), application_id="9" * 23
        )


def test_express_issuance_for_a_newcomer_makes_the_card_in_about_a_week(cards: System) -> None:
    person = register(cards)
    view = apply_at_counter(
        cards, person.person_id, express_reason=ExpressReason.ARRIVAL_FROM_ABROAD
    )
    assert view.express and view.notice_expected_by == clock(cards).today() + dt.timedelta(7)
    assert pass_days(cards, 4).cards_made == []
    assert len(pass_days(cards, 1).cards_made) == 1


def test_express_issuance_is_refused_online_and_after_30_days(cards: System) -> None:
    person = register(cards)
    with pytest.raises(InvalidInput, match="counter"):
        apply_online(
            cards,
            person.application_id,
            person.person_id,
            express_reason=ExpressReason.ARRIVAL_FROM_ABROAD,
        )
    clock(cards).advance(days=31)  # 30 days from the 転入届 (filed today), not the move
    with pytest.raises(Conflict) as caught:
        apply_at_counter(cards, person.person_id, express_reason=ExpressReason.ARRIVAL_FROM_ABROAD)
    assert caught.value.details["reason"] == "express_not_allowed"
    with pytest.raises(Conflict):
        apply_at_counter(cards, person.person_id, express_reason=ExpressReason.NEWBORN)


def test_express_issuance_for_an_arrival_counts_from_the_moving_in_notification(
    cards: System,
) -> None:
    # Started living here 20 days before filing: day 25 after the move is day 5 after the
    # 転入届, still in time (issue 17.6; the old rule counted from the move).
    person = register(cards, started_living_on=clock(cards).today() - dt.timedelta(days=20))
    clock(cards).advance(days=25)
    view = apply_at_counter(
        cards, person.person_id, express_reason=ExpressReason.ARRIVAL_FROM_ABROAD
    )
    assert view.express


def test_express_issuance_for_an_infant_lasts_until_the_day_before_the_first_birthday(
    cards: System,
) -> None:
    today = clock(cards).today()
    born = today - dt.timedelta(days=200)  # past the old 30 days
    person = register(cards, date_of_birth=born, started_living_on=born)
    parent = LegalRepresentative("Smith Jane", dt.date(1990, 5, 5), Relation.PARENT)
    assert apply_at_counter(
        cards, person.person_id, express_reason=ExpressReason.NEWBORN, representative=parent
    ).express
    older = register(
        cards,
        name_latin="Smith Anna",
        date_of_birth=today.replace(year=today.year - 1),
        started_living_on=today - dt.timedelta(days=300),
    )
    with pytest.raises(Conflict) as caught:  # the 1st birthday is today
        apply_at_counter(
            cards, older.person_id, express_reason=ExpressReason.NEWBORN, representative=parent
        )
    assert caught.value.details["reason"] == "express_not_allowed"
