"""Co-pay ratio, eligibility letters and paper cards (domain/insurance_rules.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.errors import InvalidInput
from mynumber.domain.insurance import NotInsured, enrolment_on
from mynumber.domain.insurance_rules import (
    AgeBand,
    IncomeBracket,
    age_band,
    check_eligibility_letter_expiry,
    copay_percent,
    elderly_band_starts_on,
    late_elderly_starts_on,
    latest_eligibility_letter_expiry,
    paper_card_usable,
    school_age_starts_on,
)
from mynumber.domain.timelines import add_years, age_on

D = dt.date
ACTIVE = IncomeBracket.ACTIVE_WORKER
CERTAIN = IncomeBracket.CERTAIN_INCOME


# --- school age ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "starts"),
    [
        (D(2018, 4, 1), D(2024, 4, 1)),  # reaches 6 on 31 March: school age on the birthday
        (D(2018, 4, 2), D(2025, 4, 1)),  # reaches 6 on 1 April: a year later
        (D(2018, 3, 31), D(2024, 4, 1)),
        (D(2018, 12, 25), D(2025, 4, 1)),
        (D(2016, 2, 29), D(2022, 4, 1)),
    ],
)
def test_school_age_starts_on_the_first_1_april_after_reaching_6(born, starts):
    assert school_age_starts_on(born) == starts


def test_co_pay_is_20_percent_before_school_age_and_30_percent_from_it():
    born = D(2018, 4, 2)
    assert copay_percent(date_of_birth=born, on=D(2025, 3, 31)) == 20
    assert copay_percent(date_of_birth=born, on=D(2025, 4, 1)) == 30


def test_income_does_not_matter_before_70():
    assert copay_percent(date_of_birth=D(1985, 1, 1), on=D(2026, 1, 1), income=ACTIVE) == 30
    assert copay_percent(date_of_birth=D(2024, 1, 1), on=D(2026, 1, 1), income=ACTIVE) == 20


# --- 70 to 74 ------------------------------------------------------------------------------


def test_the_70_to_74_ratio_starts_the_month_after_the_70th_birthday():
    born = D(1956, 8, 15)
    assert elderly_band_starts_on(born) == D(2026, 9, 1)
    assert copay_percent(date_of_birth=born, on=D(2026, 8, 31)) == 30
    assert copay_percent(date_of_birth=born, on=D(2026, 9, 1)) == 20


def test_a_70th_birthday_on_the_1st_counts_for_that_month():
    born = D(1956, 8, 1)
    assert elderly_band_starts_on(born) == D(2026, 8, 1)
    assert copay_percent(date_of_birth=born, on=D(2026, 7, 31)) == 30
    assert copay_percent(date_of_birth=born, on=D(2026, 8, 1)) == 20


def test_a_29_february_70th_birthday_changes_the_ratio_on_1_march():
    assert elderly_band_starts_on(D(1956, 2, 29)) == D(2026, 3, 1)
    assert elderly_band_starts_on(D(1956, 3, 1)) == D(2026, 3, 1)
    assert elderly_band_starts_on(D(1956, 3, 2)) == D(2026, 4, 1)


def test_active_worker_income_keeps_30_percent_at_70_to_74():
    born = D(1955, 5, 5)
    assert copay_percent(date_of_birth=born, on=D(2026, 1, 1), income=ACTIVE) == 30
    assert copay_percent(date_of_birth=born, on=D(2026, 1, 1), income=CERTAIN) == 20


# --- 75 and over ---------------------------------------------------------------------------


def test_late_elderly_system_starts_on_the_75th_birthday_itself():
    born = D(1951, 6, 10)
    assert late_elderly_starts_on(born) == D(2026, 6, 10)
    assert copay_percent(date_of_birth=born, on=D(2026, 6, 9)) == 20
    assert copay_percent(date_of_birth=born, on=D(2026, 6, 10)) == 10
    assert age_band(date_of_birth=born, on=D(2026, 6, 10)) is AgeBand.LATE_ELDERLY


def test_a_29_february_birth_joins_the_late_elderly_system_on_1_march_in_a_common_year():
    assert late_elderly_starts_on(D(1952, 2, 29)) == D(2027, 3, 1)


def test_late_elderly_co_pay_is_10_20_or_30_percent_by_income():
    born, on = D(1945, 1, 1), D(2026, 1, 1)
    assert copay_percent(date_of_birth=born, on=on) == 10
    assert copay_percent(date_of_birth=born, on=on, income=CERTAIN) == 20
    assert copay_percent(date_of_birth=born, on=on, income=ACTIVE) == 30


def test_the_20_percent_late_elderly_bracket_applies_from_october_2022():
    born = D(1940, 1, 1)
    assert copay_percent(date_of_birth=born, on=D(2022, 9, 30), income=CERTAIN) == 10
    assert copay_percent(date_of_birth=born, on=D(2022, 10, 1), income=CERTAIN) == 20


def test_care_before_birth_is_refused():
    with pytest.raises(InvalidInput):
        copay_percent(date_of_birth=D(2026, 5, 1), on=D(2026, 4, 30))


# --- eligibility letter and paper card -----------------------------------------------------


def test_eligibility_letter_is_valid_at_most_5_years():
    issued = D(2025, 1, 1)
    assert latest_eligibility_letter_expiry(issued) == D(2029, 12, 31)
    assert check_eligibility_letter_expiry(issued_on=issued, expires_on=D(2026, 7, 31)) == D(
        2026, 7, 31
    )
    assert check_eligibility_letter_expiry(issued_on=issued, expires_on=D(2029, 12, 31))
    with pytest.raises(InvalidInput) as exc:
        check_eligibility_letter_expiry(issued_on=issued, expires_on=D(2030, 1, 1))
    assert exc.value.details["field"] == "expires_on"
    assert "5 years" in exc.value.message_en and "5年" in exc.value.message_ja


def test_eligibility_letter_cannot_expire_before_it_is_issued():
    with pytest.raises(InvalidInput):
        check_eligibility_letter_expiry(issued_on=D(2025, 1, 1), expires_on=D(2024, 12, 31))


def test_eligibility_letter_issued_on_29_february_may_run_to_28_february():
    assert latest_eligibility_letter_expiry(D(2024, 2, 29)) == D(2029, 2, 28)


def test_paper_insurance_card_works_until_its_expiry_and_at_most_1_december_2025():
    assert paper_card_usable(expires_on=D(2026, 3, 31), today=D(2025, 12, 1))
    assert not paper_card_usable(expires_on=D(2026, 3, 31), today=D(2025, 12, 2))
    assert not paper_card_usable(expires_on=D(2025, 6, 30), today=D(2025, 7, 1))


# --- properties ----------------------------------------------------------------------------

births = st.dates(min_value=D(1900, 1, 1), max_value=D(2030, 12, 31))
ORDER = list(AgeBand)


@given(born=births, a=st.integers(0, 120 * 366), b=st.integers(0, 120 * 366))
def test_age_bands_only_move_forward(born, a, b):
    first, second = sorted((a, b))
    band = age_band(date_of_birth=born, on=born + dt.timedelta(days=first))
    later = age_band(date_of_birth=born, on=born + dt.timedelta(days=second))
    assert ORDER.index(band) <= ORDER.index(later)


@given(births)
def test_each_band_starts_at_the_age_the_law_names(born):
    school = school_age_starts_on(born)
    assert (school.month, school.day) == (4, 1)
    assert age_on(born, school) == 6 and age_on(born, add_years(school, -1)) == 5
    elderly = elderly_band_starts_on(born)
    assert elderly.day == 1 and age_on(born, elderly) == 70
    assert age_on(born, elderly - dt.timedelta(days=1)) in (69, 70)
    late = late_elderly_starts_on(born)
    assert age_on(born, late) == 75 and age_on(born, late - dt.timedelta(days=1)) == 74


@given(born=births, days=st.integers(0, 120 * 366), income=st.sampled_from(list(IncomeBracket)))
def test_co_pay_is_always_10_20_or_30_percent(born, days, income):
    on = born + dt.timedelta(days=days)
    assert copay_percent(date_of_birth=born, on=on, income=income) in (10, 20, 30)


# --- which enrolment answers a check ------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    valid_from: dt.date
    valid_until: dt.date | None = None


def test_the_enrolment_covering_the_day_answers_even_when_a_newer_one_starts_later() -> None:
    current = _Period(dt.date(2024, 4, 1))
    future = _Period(dt.date(2026, 10, 1))
    assert enrolment_on([future, current], dt.date(2026, 5, 1)) is current
    assert enrolment_on([future, current], dt.date(2026, 10, 1)) is future


def test_without_a_covering_enrolment_the_latest_answers_that_it_ended() -> None:
    ended = _Period(dt.date(2020, 4, 1), dt.date(2025, 3, 31))
    older = _Period(dt.date(2015, 4, 1), dt.date(2020, 3, 31))
    assert enrolment_on([ended, older], dt.date(2026, 5, 1)) is ended


def test_never_insured_is_refused_with_the_fix() -> None:
    with pytest.raises(NotInsured) as refused:
        enrolment_on([], dt.date(2026, 5, 1))
    assert "ward office" in refused.value.message_en and refused.value.message_ja
