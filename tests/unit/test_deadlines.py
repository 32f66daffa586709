"""Notification deadlines and the card on a move (domain/deadlines.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.deadlines import (
    CardMoveStatus,
    ExpressReason,
    card_after_move,
    card_continuation_deadline,
    card_moving_in_deadline,
    express_issuance_allowed,
    express_request_deadline,
    is_late_moving_in,
    is_late_moving_out,
    is_late_moving_within,
    moving_in_deadline,
    moving_out_deadline,
    moving_within_deadline,
)
from mynumber.domain.errors import InvalidInput
from mynumber.domain.timelines import age_on, is_business_day

D = dt.date


# --- resident-register notifications -------------------------------------------------------


def test_moving_in_is_due_14_days_after_starting_to_live_there():
    assert moving_in_deadline(D(2026, 4, 1)) == D(2026, 4, 15)


@pytest.mark.parametrize(
    ("started", "deadline"),
    [
        (D(2026, 4, 4), D(2026, 4, 20)),  # 14th day is a Saturday
        (D(2025, 12, 20), D(2026, 1, 5)),  # 14th day is 3 January
        (D(2026, 4, 22), D(2026, 5, 7)),  # 14th day is the 振替休日 of Golden Week
    ],
)
def test_a_deadline_on_a_closed_day_moves_to_the_next_open_day(started, deadline):
    assert moving_in_deadline(started) == deadline


def test_moving_in_on_the_deadline_is_in_time_and_a_day_later_is_late():
    assert not is_late_moving_in(D(2026, 4, 1), D(2026, 4, 15))
    assert is_late_moving_in(D(2026, 4, 1), D(2026, 4, 16))


def test_moving_in_cannot_be_filed_before_starting_to_live_there():
    with pytest.raises(InvalidInput) as exc:
        is_late_moving_in(D(2026, 4, 10), D(2026, 4, 9))
    assert exc.value.details["field"] == "filed_on"


def test_moving_within_the_municipality_is_due_within_14_days():
    assert moving_within_deadline(D(2026, 6, 1)) == D(2026, 6, 15)
    assert not is_late_moving_within(D(2026, 6, 1), D(2026, 6, 15))
    assert is_late_moving_within(D(2026, 6, 1), D(2026, 6, 16))


def test_moving_out_may_be_filed_before_moving_or_within_14_days_after():
    moved = D(2026, 4, 1)
    assert moving_out_deadline(moved) == D(2026, 4, 15)
    assert not is_late_moving_out(moved, D(2026, 3, 20))
    assert not is_late_moving_out(moved, D(2026, 4, 15))
    assert is_late_moving_out(moved, D(2026, 4, 16))


def test_moving_abroad_must_be_filed_by_the_day_of_leaving():
    leaving = D(2026, 8, 10)
    assert moving_out_deadline(leaving, abroad=True) == leaving
    assert not is_late_moving_out(leaving, leaving, abroad=True)
    assert is_late_moving_out(leaving, D(2026, 8, 11), abroad=True)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2098, 12, 1)))
def test_notification_deadlines_are_open_days_at_least_14_days_later(day):
    deadline = moving_in_deadline(day)
    assert is_business_day(deadline)
    # The longest closure: Golden Week 2019 (10 days, the imperial succession).
    assert 14 <= (deadline - day).days <= 14 + 10


# --- the card on a move between municipalities ---------------------------------------------


def test_card_must_come_with_the_moving_in_within_14_days_of_moving_in():
    assert card_moving_in_deadline(
        moved_in_on=D(2026, 4, 1), planned_moving_out_on=D(2026, 4, 1)
    ) == D(2026, 4, 15)


def test_card_must_come_with_the_moving_in_within_30_days_of_the_planned_move_out():
    assert card_moving_in_deadline(
        moved_in_on=D(2026, 4, 10), planned_moving_out_on=D(2026, 3, 18)
    ) == D(2026, 4, 17)


def test_a_card_limit_on_a_closed_day_moves_to_the_next_open_day():
    # The 30th day after 2026-03-20 is Sunday 19 April: the 転入届 can be filed on Monday.
    assert card_moving_in_deadline(
        moved_in_on=D(2026, 4, 10), planned_moving_out_on=D(2026, 3, 20)
    ) == D(2026, 4, 20)
    # 90 days after 2026-02-04 is Tuesday 5 May 2026 (こどもの日, in Golden Week): the 7th.
    assert card_continuation_deadline(D(2026, 2, 4)) == D(2026, 5, 7)


def test_a_moving_in_on_time_never_leaves_a_lapsed_card():
    # Issue 17.9: 2025-04-20 + 14 days = Sunday 4 May (みどりの日); 5 May (こどもの日) and
    # 6 May (振替休日) are closed too: filed on Wednesday the 7th is on time, and the card
    # brought along with it stays valid.
    moved_in = D(2025, 4, 20)
    filed = D(2025, 5, 7)
    assert not is_late_moving_in(moved_in, filed)
    verdict = card_after_move(
        moved_in_on=moved_in,
        planned_moving_out_on=moved_in,
        moving_in_filed_on=filed,
        card_updated_on=filed,
        today=filed,
    )
    assert verdict.card_valid


def test_card_update_is_due_90_days_after_the_moving_in():
    assert card_continuation_deadline(D(2026, 4, 10)) == D(2026, 7, 9)


MOVE = {"moved_in_on": D(2026, 4, 1), "planned_moving_out_on": D(2026, 3, 31)}


def test_card_awaits_the_moving_in_while_it_is_still_in_time():
    verdict = card_after_move(
        **MOVE, moving_in_filed_on=None, card_updated_on=None, today=D(2026, 4, 15)
    )
    assert verdict.status is CardMoveStatus.AWAITING_MOVING_IN
    assert verdict.act_by == D(2026, 4, 15)
    assert verdict.card_valid
    assert "2026-04-15" in verdict.reason_en and "2026-04-15" in verdict.reason_ja


def test_card_lapses_when_no_moving_in_comes_in_time():
    verdict = card_after_move(
        **MOVE, moving_in_filed_on=None, card_updated_on=None, today=D(2026, 4, 16)
    )
    assert verdict.status is CardMoveStatus.LAPSED
    assert not verdict.card_valid


def test_card_lapses_when_the_moving_in_is_filed_late():
    verdict = card_after_move(
        **MOVE,
        moving_in_filed_on=D(2026, 4, 16),
        card_updated_on=D(2026, 4, 16),
        today=D(2026, 4, 16),
    )
    assert verdict.status is CardMoveStatus.LAPSED


def test_card_updated_with_the_moving_in_continues():
    verdict = card_after_move(
        **MOVE,
        moving_in_filed_on=D(2026, 4, 10),
        card_updated_on=D(2026, 4, 10),
        today=D(2027, 1, 1),
    )
    assert verdict.status is CardMoveStatus.UPDATED
    assert verdict.act_by is None


def test_card_not_updated_awaits_the_update_for_90_days_then_lapses():
    common = {**MOVE, "moving_in_filed_on": D(2026, 4, 10), "card_updated_on": None}
    waiting = card_after_move(**common, today=D(2026, 7, 9))
    assert waiting.status is CardMoveStatus.AWAITING_UPDATE
    assert waiting.act_by == D(2026, 7, 9)
    assert card_after_move(**common, today=D(2026, 7, 10)).status is CardMoveStatus.LAPSED


def test_card_updated_on_the_90th_day_continues_and_later_lapses():
    common = {**MOVE, "moving_in_filed_on": D(2026, 4, 10), "today": D(2026, 12, 1)}
    assert card_after_move(**common, card_updated_on=D(2026, 7, 9)).status is CardMoveStatus.UPDATED
    assert card_after_move(**common, card_updated_on=D(2026, 7, 10)).status is CardMoveStatus.LAPSED


def test_impossible_move_dates_are_refused():
    with pytest.raises(InvalidInput) as exc:
        card_after_move(
            **MOVE, moving_in_filed_on=D(2026, 3, 31), card_updated_on=None, today=D(2026, 4, 2)
        )
    assert exc.value.details["field"] == "moving_in_filed_on"
    with pytest.raises(InvalidInput) as exc:
        card_after_move(
            **MOVE, moving_in_filed_on=None, card_updated_on=D(2026, 4, 2), today=D(2026, 4, 2)
        )
    assert exc.value.details["field"] == "card_updated_on"


@given(
    moved_in=st.dates(min_value=D(2016, 1, 1), max_value=D(2090, 1, 1)),
    gap=st.integers(min_value=0, max_value=60),
    filed_after=st.integers(0, 60),
    updated_after=st.none() | st.integers(0, 150),
    today_after=st.integers(0, 400),
)
def test_a_card_is_valid_only_if_every_limit_was_met(
    moved_in, gap, filed_after, updated_after, today_after
):
    planned = moved_in - dt.timedelta(days=gap)
    filed = moved_in + dt.timedelta(days=filed_after)
    updated = None if updated_after is None else filed + dt.timedelta(days=updated_after)
    today = max(filed, updated or filed) + dt.timedelta(days=today_after)
    verdict = card_after_move(
        moved_in_on=moved_in,
        planned_moving_out_on=planned,
        moving_in_filed_on=filed,
        card_updated_on=updated,
        today=today,
    )
    in_time = filed <= card_moving_in_deadline(moved_in_on=moved_in, planned_moving_out_on=planned)
    update_by = card_continuation_deadline(filed)
    updated_in_time = updated is not None and updated <= update_by
    still_waiting = updated is None and today <= update_by
    assert verdict.card_valid == (in_time and (updated_in_time or still_waiting))


@given(
    moved_in=st.dates(min_value=D(2016, 1, 1), max_value=D(2090, 1, 1)),
    filed_after=st.integers(0, 30),
    out_before=st.integers(0, 40),
)
def test_the_card_lapses_for_a_late_moving_in_and_only_then(moved_in, filed_after, out_before):
    """One deadline for the 転入届 and the card (issue 17.9), over every holiday (jpholiday):
    with the move-out planned at most 16 days before, only a late 転入届 lapses the card."""
    planned = moved_in - dt.timedelta(days=min(out_before, 16))
    filed = moved_in + dt.timedelta(days=filed_after)
    verdict = card_after_move(
        moved_in_on=moved_in,
        planned_moving_out_on=planned,
        moving_in_filed_on=filed,
        card_updated_on=filed,
        today=filed,
    )
    assert verdict.card_valid == (not is_late_moving_in(moved_in, filed))
    assert is_business_day(
        card_moving_in_deadline(moved_in_on=moved_in, planned_moving_out_on=planned)
    )


# --- express issuance ----------------------------------------------------------------------


def test_express_issuance_for_an_infant_lasts_until_the_day_before_the_first_birthday():
    born = D(2026, 4, 1)
    newborn = ExpressReason.NEWBORN
    assert express_request_deadline(born, newborn) == D(2027, 3, 31)
    assert express_issuance_allowed(event_on=born, requested_on=D(2026, 12, 1), reason=newborn)
    assert not express_issuance_allowed(event_on=born, requested_on=D(2027, 4, 1), reason=newborn)
    # Born on 29 February: 1 year old from 1 March of the common year, so the 28th is the
    # last day (年齢計算ニ関スル法律, 民法 第143条).
    assert express_request_deadline(D(2024, 2, 29), newborn) == D(2025, 2, 28)


@given(
    st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31))
    | st.sampled_from([D(2024, 2, 29), D(2028, 2, 29), D(2000, 2, 29)]),
    st.integers(0, 400),
)
def test_express_for_an_infant_is_exactly_while_under_one(born, days):
    requested = born + dt.timedelta(days=days)
    allowed = express_issuance_allowed(
        event_on=born, requested_on=requested, reason=ExpressReason.NEWBORN
    )
    assert allowed == (age_on(born, requested) < 1)


def test_express_issuance_is_requested_within_30_days_of_the_event():
    event = D(2026, 4, 1)
    assert express_request_deadline(event) == D(2026, 5, 1)
    assert express_issuance_allowed(event_on=event, requested_on=event)
    assert express_issuance_allowed(event_on=event, requested_on=D(2026, 5, 1))
    assert not express_issuance_allowed(event_on=event, requested_on=D(2026, 5, 2))
    assert not express_issuance_allowed(event_on=event, requested_on=D(2026, 3, 31))
