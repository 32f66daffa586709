"""Which paper an insured person gets (issue 17, insurance paperwork; RULES.md "Health
insurance", fallback): a 資格情報のお知らせ for a holder of a マイナ保険証, a 資格確認書 for
everyone else — and, from 2026-08, for every late-stage elderly insured aged 85+ whatever
their card. Property tests over birthdays (29 February included)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.errors import InvalidInput
from mynumber.domain.insurance_rules import (
    LATE_ELDERLY_LETTER_REGARDLESS_FROM,
    InsurancePaper,
    check_insurance_use_cancellable,
    letter_regardless_of_card,
    paper_for,
)
from mynumber.domain.timelines import add_years

LETTER, NOTICE = InsurancePaper.ELIGIBILITY_LETTER, InsurancePaper.QUALIFICATION_NOTICE
births = st.dates(dt.date(1915, 1, 1), dt.date(1965, 12, 31))
days = st.dates(dt.date(2025, 1, 1), dt.date(2040, 12, 31))


def _85th_birthday(born: dt.date) -> dt.date:
    # 29 February: the age is reached on 28 February, so the new age starts on 1 March.
    if (born.month, born.day) == (2, 29):
        return dt.date(born.year + 85, 3, 1)
    return add_years(born, 85)


@given(born=births, on=days)
def test_from_august_2026_the_late_elderly_aged_85_get_a_letter_whatever_their_card(
    born: dt.date, on: dt.date
) -> None:
    regardless = letter_regardless_of_card(late_elderly_insured=True, date_of_birth=born, on=on)
    assert regardless == (on >= dt.date(2026, 8, 1) and on >= _85th_birthday(born))
    paper = paper_for(has_insurance_card=True, late_elderly_insured=True, date_of_birth=born, on=on)
    assert paper == (LETTER if regardless else NOTICE)


@given(born=births, on=days, card=st.booleans())
def test_other_insurers_send_by_the_card_alone(born: dt.date, on: dt.date, card: bool) -> None:
    assert not letter_regardless_of_card(late_elderly_insured=False, date_of_birth=born, on=on)
    paper = paper_for(
        has_insurance_card=card, late_elderly_insured=False, date_of_birth=born, on=on
    )
    assert paper == (NOTICE if card else LETTER)


@given(born=births, on=days, late=st.booleans())
def test_without_a_usable_insurance_card_everyone_gets_a_letter(
    born: dt.date, on: dt.date, late: bool
) -> None:
    assert (
        paper_for(has_insurance_card=False, late_elderly_insured=late, date_of_birth=born, on=on)
        == LETTER
    )


@pytest.mark.parametrize(
    "born,on,expected",
    [
        (dt.date(1941, 8, 1), dt.date(2026, 7, 31), False),  # 85 already? before 2026-08
        (dt.date(1941, 8, 1), dt.date(2026, 8, 1), True),  # the birthday itself
        (dt.date(1941, 8, 2), dt.date(2026, 8, 1), False),  # 84 until tomorrow
        (dt.date(1940, 2, 29), dt.date(2026, 8, 1), True),
        (dt.date(1944, 2, 29), dt.date(2029, 2, 28), False),  # reaches 85 that day
        (dt.date(1944, 2, 29), dt.date(2029, 3, 1), True),  # 85 from 1 March
        (dt.date(1944, 2, 29), dt.date(2028, 2, 29), False),
    ],
)
def test_the_boundaries(born: dt.date, on: dt.date, expected: bool) -> None:
    assert (
        letter_regardless_of_card(late_elderly_insured=True, date_of_birth=born, on=on) is expected
    )
    assert dt.date(2026, 8, 1) == LATE_ELDERLY_LETTER_REGARDLESS_FROM


def test_the_insurance_use_can_be_cancelled_only_from_2024_10_28() -> None:
    check_insurance_use_cancellable(dt.date(2024, 10, 28))
    with pytest.raises(InvalidInput):
        check_insurance_use_cancellable(dt.date(2024, 10, 27))
