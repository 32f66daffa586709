"""Calendar arithmetic, ages, ward-office days and expected waits (domain/timelines.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.timelines import (
    add_business_days,
    add_months,
    add_years,
    age_on,
    birthday_in,
    business_day_on_or_after,
    business_days_between,
    contact_ward_office_about_letter_from,
    express_card_window,
    first_of_next_month,
    is_business_day,
    is_new_year_closure,
    letter_is_overdue,
    notification_letter_window,
    nth_birthday_after,
    period_last_day,
    pickup_notice_is_overdue,
    pickup_notice_window,
    reaches_age_on,
)

D = dt.date
births = st.dates(min_value=D(1920, 1, 1), max_value=D(2030, 12, 31))
days_2000s = st.dates(min_value=D(2000, 1, 1), max_value=D(2098, 12, 31))


# --- calendar arithmetic -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2025, 5, 31), -3, D(2025, 2, 28)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2026, 1, 15), -1, D(2025, 12, 15)),
        (D(2026, 1, 15), 0, D(2026, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_add_years_turns_29_february_into_28_february_in_a_common_year():
    assert add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)
    assert add_years(D(2024, 2, 29), 4) == D(2028, 2, 29)


def test_period_counting_its_first_day_ends_the_day_before_the_corresponding_day():
    assert period_last_day(D(2025, 1, 1), months=60) == D(2029, 12, 31)
    assert period_last_day(D(2025, 6, 15), months=12) == D(2026, 6, 14)


def test_period_without_a_corresponding_day_ends_on_the_last_day_of_the_month():
    assert period_last_day(D(2024, 2, 29), months=60) == D(2029, 2, 28)
    assert period_last_day(D(2025, 1, 31), months=1) == D(2025, 2, 28)


def test_first_of_next_month_rolls_over_the_year():
    assert first_of_next_month(D(2025, 12, 31)) == D(2026, 1, 1)
    assert first_of_next_month(D(2026, 2, 1)) == D(2026, 3, 1)


# --- birthdays and age ---------------------------------------------------------------------


def test_birthday_of_29_february_is_28_february_in_a_common_year():
    assert birthday_in(D(2000, 2, 29), 2026) == D(2026, 2, 28)
    assert birthday_in(D(2000, 2, 29), 2028) == D(2028, 2, 29)
    assert birthday_in(D(1990, 5, 10), 2026) == D(2026, 5, 10)


@pytest.mark.parametrize(
    ("born", "age", "reached"),
    [
        (D(1990, 5, 10), 18, D(2008, 5, 9)),
        (D(1956, 8, 1), 70, D(2026, 7, 31)),  # born on a 1st: previous month
        (D(2000, 1, 1), 6, D(2005, 12, 31)),  # born on 1 January: previous year
        (D(2008, 2, 29), 18, D(2026, 2, 28)),  # common year
        (D(2008, 2, 29), 20, D(2028, 2, 28)),  # leap year: still the day before 29 Feb
    ],
)
def test_a_person_reaches_an_age_on_the_day_before_the_birthday(born, age, reached):
    assert reaches_age_on(born, age) == reached


def test_age_changes_on_the_birthday_itself():
    born = D(2006, 7, 1)
    assert age_on(born, D(2024, 6, 30)) == 17
    assert age_on(born, D(2024, 7, 1)) == 18


def test_a_29_february_child_is_still_17_on_28_february_and_18_on_1_march():
    born = D(2008, 2, 29)
    assert age_on(born, D(2026, 2, 28)) == 17
    assert age_on(born, D(2026, 3, 1)) == 18
    assert age_on(born, D(2028, 2, 28)) == 19
    assert age_on(born, D(2028, 2, 29)) == 20


def test_age_on_the_day_of_birth_is_zero_and_before_birth_is_an_error():
    assert age_on(D(2020, 3, 3), D(2020, 3, 3)) == 0
    with pytest.raises(ValueError):
        age_on(D(2020, 3, 3), D(2020, 3, 2))


def test_a_birthday_on_the_day_itself_is_not_after_it():
    born = D(1990, 5, 10)
    assert nth_birthday_after(born, D(2024, 5, 10), 1) == D(2025, 5, 10)
    assert nth_birthday_after(born, D(2024, 5, 9), 1) == D(2024, 5, 10)
    assert nth_birthday_after(born, D(2024, 5, 9), 10) == D(2033, 5, 10)
    with pytest.raises(ValueError):
        nth_birthday_after(born, D(2024, 5, 9), 0)


@given(born=births, offset=st.integers(min_value=0, max_value=36_500))
def test_age_goes_up_by_one_exactly_after_the_day_the_age_is_reached(born, offset):
    day = born + dt.timedelta(days=offset)
    age = age_on(born, day)
    assert age >= 0
    assert reaches_age_on(born, age) < day or age == 0
    assert day <= reaches_age_on(born, age + 1)


@given(born=births, years=st.integers(min_value=1, max_value=100))
def test_on_every_birthday_the_age_is_the_number_of_years(born, years):
    birthday = birthday_in(born, born.year + years)
    # A 29 February child is the new age only from 1 March in a common year.
    expected = years - 1 if birthday.day == 28 and born.day == 29 else years
    assert age_on(born, birthday) == expected


# --- ward-office days ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "open_"),
    [
        (D(2026, 4, 15), True),  # Wednesday
        (D(2026, 4, 18), False),  # Saturday
        (D(2026, 4, 19), False),  # Sunday
        (D(2026, 1, 12), False),  # 成人の日 (Monday)
        (D(2026, 5, 6), False),  # 振替休日
        (D(2025, 12, 29), False),  # Monday, New Year closure
        (D(2025, 12, 26), True),  # Friday before the closure
        (D(2026, 1, 5), True),  # first open day of 2026
    ],
)
def test_ward_offices_close_on_weekends_holidays_and_29_december_to_3_january(day, open_):
    assert is_business_day(day) is open_


def test_new_year_closure_runs_from_29_december_to_3_january():
    assert is_new_year_closure(D(2025, 12, 29))
    assert is_new_year_closure(D(2026, 1, 3))
    assert not is_new_year_closure(D(2025, 12, 28))
    assert not is_new_year_closure(D(2026, 1, 4))


def test_business_day_on_or_after_skips_closed_days_only():
    assert business_day_on_or_after(D(2026, 4, 15)) == D(2026, 4, 15)
    assert business_day_on_or_after(D(2026, 1, 3)) == D(2026, 1, 5)


def test_add_business_days_skips_golden_week_and_can_go_backwards():
    assert add_business_days(D(2026, 5, 1), 1) == D(2026, 5, 7)
    assert add_business_days(D(2026, 5, 7), -1) == D(2026, 5, 1)
    assert add_business_days(D(2026, 5, 2), 0) == D(2026, 5, 2)
    assert add_business_days(D(2025, 12, 26), 1) == D(2026, 1, 5)


@given(day=days_2000s, days=st.integers(min_value=1, max_value=40))
def test_adding_n_business_days_lands_on_an_open_day_n_open_days_later(day, days):
    later = add_business_days(day, days)
    assert is_business_day(later)
    assert business_days_between(day, later) == days
    if is_business_day(day):
        assert add_business_days(later, -days) == day


def test_business_days_between_is_zero_for_an_empty_span():
    assert business_days_between(D(2026, 4, 15), D(2026, 4, 15)) == 0
    assert business_days_between(D(2026, 4, 15), D(2026, 4, 10)) == 0


# --- expected waits ------------------------------------------------------------------------


def test_notification_letter_is_expected_two_to_four_weeks_after_registration():
    assert notification_letter_window(D(2026, 4, 1)) == (D(2026, 4, 15), D(2026, 4, 29))


def test_a_letter_is_overdue_only_after_four_weeks():
    registered = D(2026, 4, 1)
    assert not letter_is_overdue(registered, D(2026, 4, 29))
    assert letter_is_overdue(registered, D(2026, 4, 30))
    assert contact_ward_office_about_letter_from(registered) == D(2026, 4, 30)


def test_pickup_notice_is_expected_one_to_two_months_after_applying():
    assert pickup_notice_window(D(2025, 12, 31)) == (D(2026, 1, 31), D(2026, 2, 28))
    assert not pickup_notice_is_overdue(D(2026, 4, 10), D(2026, 6, 10))
    assert pickup_notice_is_overdue(D(2026, 4, 10), D(2026, 6, 11))


def test_express_card_arrives_in_about_a_week():
    assert express_card_window(D(2026, 4, 1)) == (D(2026, 4, 6), D(2026, 4, 8))
