"""The sandbox clock's rules (domain.sandbox): how a move is written, that it never goes
back, and when the day's jobs run while it moves."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.clock import JST
from mynumber.domain.errors import InvalidInput
from mynumber.domain.sandbox import (
    MAX_MOVE,
    ClockCannotGoBack,
    check_move,
    daily_rounds,
    parse_move,
)

NOW = dt.datetime(2026, 4, 1, 9, 0, tzinfo=JST)


def test_a_span_moves_from_now_and_a_date_to_nine_in_the_morning() -> None:
    assert parse_move("+30d", NOW) == NOW + dt.timedelta(days=30)
    assert parse_move(" +2W ", NOW) == NOW + dt.timedelta(weeks=2)
    assert parse_move("+12h", NOW) == NOW + dt.timedelta(hours=12)
    assert parse_move("+90min", NOW) == NOW + dt.timedelta(minutes=90)
    assert parse_move("2027-01-01", NOW) == dt.datetime(2027, 1, 1, 9, 0, tzinfo=JST)
    assert parse_move("2027-01-01T18:30", NOW) == dt.datetime(2027, 1, 1, 18, 30, tzinfo=JST)
    utc = parse_move("2027-01-01T00:00+00:00", NOW)
    assert utc == dt.datetime(2027, 1, 1, 9, 0, tzinfo=JST)


@pytest.mark.parametrize("text", ["30d", "+30", "+30y", "-1d", "tomorrow", "2027-13-01", ""])
def test_anything_else_is_refused_with_the_field_named(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_move(text, NOW)
    assert refused.value.details["field"] in ("by", "to")


def test_the_clock_never_goes_back_nor_jumps_more_than_twenty_years() -> None:
    with pytest.raises(ClockCannotGoBack):
        check_move(NOW, NOW - dt.timedelta(minutes=1))
    with pytest.raises(InvalidInput):
        check_move(NOW, NOW + MAX_MOVE + dt.timedelta(days=1))
    check_move(NOW, NOW)  # standing still is no move back
    check_move(NOW, NOW + MAX_MOVE)


def test_the_jobs_run_at_each_midnight_crossed_and_at_the_end() -> None:
    rounds = daily_rounds(NOW, NOW + dt.timedelta(days=2))
    assert rounds == [
        dt.datetime(2026, 4, 2, tzinfo=JST),
        dt.datetime(2026, 4, 3, tzinfo=JST),
        NOW + dt.timedelta(days=2),
    ]
    assert daily_rounds(NOW, NOW + dt.timedelta(hours=1)) == [NOW + dt.timedelta(hours=1)]
    midnight = dt.datetime(2026, 4, 2, tzinfo=JST)
    assert daily_rounds(NOW, midnight) == [midnight]  # not twice at the end


@given(
    start=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2040, 12, 31)).map(
        lambda d: d.replace(tzinfo=JST)
    ),
    minutes=st.integers(min_value=0, max_value=3 * 366 * 24 * 60),
)
def test_every_day_crossed_gets_exactly_one_round_in_order(
    start: dt.datetime, minutes: int
) -> None:
    """29 February, the year's end: each calendar day entered is one midnight round."""
    target = start + dt.timedelta(minutes=minutes)
    rounds = daily_rounds(start, target)
    assert rounds == sorted(set(rounds))
    assert rounds[-1] == target
    midnights = [r for r in rounds if r.time() == dt.time(0) and r != target]
    days_entered = (target.date() - start.date()).days
    assert len(midnights) in (days_entered, days_entered - 1)
    assert all(start < r <= target for r in rounds[:-1])  # a move of nothing: one round, now
