"""引越しワンストップ: the online 転出届's announced visit, over every planned moving date
(29 February and the holidays jpholiday knows included)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain import deadlines
from mynumber.domain.errors import InvalidInput
from mynumber.domain.moving_online import (
    ONLINE_MOVING_SINCE,
    check_online_moving_out,
    visit_deadline,
)
from mynumber.domain.timelines import business_day_on_or_after

DAYS = st.dates(min_value=dt.date(2023, 2, 6), max_value=dt.date(2040, 12, 31))


def _check(planned: dt.date, visit: dt.date, **kw: object) -> dt.date:
    fields: dict[str, object] = dict(
        filed_on=planned,
        destination="271004",
        from_municipality="131016",
        planned_move_on=planned,
        visit_on=visit,
    )
    fields.update(kw)
    return check_online_moving_out(**fields)  # type: ignore[arg-type]


@given(DAYS)
def test_the_visit_window_is_the_cards_moving_in_window(planned: dt.date) -> None:
    latest = visit_deadline(planned)
    assert latest == deadlines.card_moving_in_deadline(
        moved_in_on=planned, planned_moving_out_on=planned
    )
    # at least the 14 days, and never past the 転入届's own deadline (next open day)
    assert planned + dt.timedelta(days=14) <= latest <= deadlines.moving_in_deadline(planned)
    assert business_day_on_or_after(latest) == latest  # an open day of the office
    assert _check(planned, planned) == latest
    assert _check(planned, latest) == latest
    with pytest.raises(InvalidInput) as late:
        _check(planned, latest + dt.timedelta(days=1))
    assert late.value.details["field"] == "visit_on"
    with pytest.raises(InvalidInput) as early:
        _check(planned, planned - dt.timedelta(days=1))
    assert early.value.details["field"] == "visit_on"


def test_a_29_february_move_counts_14_days_into_march() -> None:
    assert visit_deadline(dt.date(2028, 2, 29)) == dt.date(2028, 3, 14)


def test_a_deadline_on_a_holiday_moves_to_the_next_open_day() -> None:
    # 2026-04-15 + 14 = 2026-04-29 (昭和の日), then 2026-04-30 (Thursday)
    assert visit_deadline(dt.date(2026, 4, 15)) == dt.date(2026, 4, 30)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"destination": "abroad"}, "destination"),
        ({"destination": "131016"}, "destination"),
        ({"filed_on": ONLINE_MOVING_SINCE - dt.timedelta(days=1)}, "filed_on"),
    ],
)
def test_abroad_the_same_town_and_before_the_service_are_refused(
    kw: dict[str, object], field: str
) -> None:
    planned = dt.date(2026, 5, 1)
    with pytest.raises(InvalidInput) as refused:
        _check(planned, planned, **kw)
    assert refused.value.details["field"] == field
