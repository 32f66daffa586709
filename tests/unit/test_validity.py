"""Card and certificate validity (domain/validity.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mynumber.domain.errors import CardError, Conflict, InvalidInput
from mynumber.domain.timelines import add_years, age_on, birthday_in
from mynumber.domain.validity import (
    NoStayLimitStatus,
    StayPermit,
    adult_age_for_card,
    can_renew,
    card_birthday_limit,
    card_expiry,
    certificate_expiry,
    is_expired,
    no_stay_limit_status,
    renewal_notice_due,
    renewal_window_opens,
    signature_certificate_allowed,
    stay_cap,
    validity_after_residence_renewal,
    validity_while_renewal_pending,
)

D = dt.date
ENGINEER = "Engineer/Specialist in Humanities/International Services"


def engineer(stay_ends: dt.date) -> StayPermit:
    return StayPermit(ENGINEER, stay_ends)


# --- the birthday rule ---------------------------------------------------------------------


def test_adult_card_runs_to_the_10th_birthday_after_issue():
    # 政府広報オンライン's example: born 10 October, issued 2020-05-15 → 2029-10-10.
    assert card_expiry(date_of_birth=D(1985, 10, 10), issued_on=D(2020, 5, 15)) == D(2029, 10, 10)


def test_card_issued_on_the_birthday_runs_a_full_ten_years():
    assert card_expiry(date_of_birth=D(1990, 5, 10), issued_on=D(2024, 5, 10)) == D(2034, 5, 10)


def test_card_issued_the_day_before_the_birthday_runs_nine_years_and_a_day():
    assert card_expiry(date_of_birth=D(1990, 5, 10), issued_on=D(2024, 5, 9)) == D(2033, 5, 10)


def test_card_for_a_child_runs_to_the_5th_birthday_after_issue():
    assert card_expiry(date_of_birth=D(2010, 6, 1), issued_on=D(2024, 1, 15)) == D(2028, 6, 1)


def test_age_on_the_day_of_issue_decides_between_10_and_5_birthdays():
    born = D(2006, 7, 1)
    assert card_expiry(date_of_birth=born, issued_on=D(2024, 7, 1)) == D(2034, 7, 1)
    assert card_expiry(date_of_birth=born, issued_on=D(2024, 6, 30)) == D(2028, 7, 1)


def test_applications_before_april_2022_used_20_as_the_age_line():
    born, issued = D(2002, 8, 1), D(2022, 4, 10)  # 19 on the day of issue
    assert card_expiry(date_of_birth=born, issued_on=issued, applied_on=D(2022, 3, 1)) == D(
        2026, 8, 1
    )
    assert card_expiry(date_of_birth=born, issued_on=issued) == D(2031, 8, 1)


@pytest.mark.parametrize(
    ("issued", "expiry"),
    [
        (D(2024, 3, 1), D(2034, 2, 28)),
        (D(2024, 2, 29), D(2034, 2, 28)),  # issued on the birthday
        (D(2023, 2, 28), D(2033, 2, 28)),  # issued on the (deemed) birthday of a common year
        (D(2022, 3, 1), D(2032, 2, 29)),  # 10th birthday falls in a leap year
        (D(2028, 2, 28), D(2037, 2, 28)),  # the day before a leap-year birthday
    ],
)
def test_29_february_birthdays_are_28_february_in_common_years(issued, expiry):
    assert card_expiry(date_of_birth=D(2000, 2, 29), issued_on=issued) == expiry


def test_29_february_child_is_not_yet_18_on_28_february_of_a_common_year():
    born = D(2008, 2, 29)
    assert card_expiry(date_of_birth=born, issued_on=D(2026, 2, 28)) == D(2031, 2, 28)
    assert card_expiry(date_of_birth=born, issued_on=D(2026, 3, 1)) == D(2036, 2, 29)


def test_card_cannot_be_issued_before_birth():
    with pytest.raises(InvalidInput) as exc:
        card_expiry(date_of_birth=D(2020, 1, 1), issued_on=D(2019, 12, 31))
    assert exc.value.details["field"] == "issued_on"


# --- foreign residents ---------------------------------------------------------------------


def test_foreign_resident_card_ends_with_the_period_of_stay():
    expiry = card_expiry(
        date_of_birth=D(1995, 4, 20), issued_on=D(2025, 6, 1), residence=engineer(D(2027, 3, 31))
    )
    assert expiry == D(2027, 3, 31)


def test_a_long_period_of_stay_never_extends_the_card_past_the_birthday_limit():
    expiry = card_expiry(
        date_of_birth=D(2012, 4, 20), issued_on=D(2025, 6, 1), residence=engineer(D(2035, 3, 31))
    )
    assert expiry == D(2030, 4, 20)


@pytest.mark.parametrize(
    "status",
    [
        "permanent_resident",
        "Permanent Resident",
        "永住者",
        "特別永住者",
        "Special Permanent Resident",
        "高度専門職2号",
        "高度専門職２号",
        "高度専門職第2号",
        "Highly Skilled Professional (ii)",
        "highly_skilled_professional_2",
    ],
)
def test_statuses_without_a_period_of_stay_follow_the_birthday_rule(status):
    assert no_stay_limit_status(status) is not None
    # A date given anyway (e.g. the residence card's own expiry) does not cap the card.
    expiry = card_expiry(
        date_of_birth=D(1980, 1, 1),
        issued_on=D(2025, 6, 1),
        residence=StayPermit(status, D(2026, 1, 1)),
    )
    assert expiry == D(2035, 1, 1)


@pytest.mark.parametrize("status", [ENGINEER, "高度専門職1号", "Student", "留学", "定住者"])
def test_statuses_with_a_period_of_stay_are_not_exempt(status):
    assert no_stay_limit_status(status) is None
    assert stay_cap(StayPermit(status, D(2027, 1, 1))) == D(2027, 1, 1)


def test_no_stay_limit_status_values_are_their_own_names():
    for status in NoStayLimitStatus:
        assert no_stay_limit_status(status.value) is status


def test_a_japanese_national_and_a_missing_end_of_stay_are_not_capped():
    assert stay_cap(None) is None
    assert stay_cap(StayPermit(ENGINEER, None)) is None


def test_a_period_of_stay_that_ended_before_issue_is_refused():
    with pytest.raises(InvalidInput) as exc:
        card_expiry(
            date_of_birth=D(1995, 4, 20),
            issued_on=D(2025, 6, 1),
            residence=engineer(D(2025, 5, 31)),
        )
    assert exc.value.details["field"] == "period_of_stay_ends"


# --- certificates --------------------------------------------------------------------------


def test_certificates_run_to_the_5th_birthday_after_issue():
    assert certificate_expiry(date_of_birth=D(1990, 5, 10), issued_on=D(2024, 5, 9)) == D(
        2028, 5, 10
    )


def test_a_certificate_reissued_late_never_outlives_the_card():
    card = card_expiry(date_of_birth=D(1990, 5, 10), issued_on=D(2024, 5, 9))  # 2033-05-10
    cert = certificate_expiry(
        date_of_birth=D(1990, 5, 10), issued_on=D(2030, 1, 10), card_expires_on=card
    )
    assert cert == card


def test_certificates_of_a_foreign_resident_end_with_the_period_of_stay():
    cert = certificate_expiry(
        date_of_birth=D(1995, 4, 20), issued_on=D(2025, 6, 1), residence=engineer(D(2026, 9, 30))
    )
    assert cert == D(2026, 9, 30)


def test_no_certificate_is_issued_on_an_expired_card():
    with pytest.raises(CardError):
        certificate_expiry(
            date_of_birth=D(1990, 5, 10), issued_on=D(2034, 1, 1), card_expires_on=D(2033, 5, 10)
        )


def test_signature_certificate_is_not_issued_under_15():
    born = D(2011, 9, 1)
    assert not signature_certificate_allowed(date_of_birth=born, on=D(2026, 8, 31))
    assert signature_certificate_allowed(date_of_birth=born, on=D(2026, 9, 1))


# --- validity change after a stay renewal --------------------------------------------------

BORN, ISSUED, OLD_END = D(1995, 4, 20), D(2025, 6, 1), D(2027, 3, 31)
LIMIT = D(2035, 4, 20)


def test_birthday_limit_of_the_example_card():
    assert card_birthday_limit(date_of_birth=BORN, issued_on=ISSUED) == LIMIT


def test_validity_change_moves_the_expiry_to_the_new_end_of_stay():
    new = validity_after_residence_renewal(
        date_of_birth=BORN,
        card_issued_on=ISSUED,
        current_expiry=OLD_END,
        renewed=engineer(D(2030, 3, 31)),
        filed_on=D(2027, 3, 1),
    )
    assert new == D(2030, 3, 31)


def test_validity_change_never_goes_past_the_birthday_limit():
    new = validity_after_residence_renewal(
        date_of_birth=BORN,
        card_issued_on=ISSUED,
        current_expiry=OLD_END,
        renewed=engineer(D(2040, 3, 31)),
        filed_on=D(2027, 3, 1),
    )
    assert new == LIMIT


def test_becoming_a_permanent_resident_extends_the_card_to_the_birthday_limit():
    new = validity_after_residence_renewal(
        date_of_birth=BORN,
        card_issued_on=ISSUED,
        current_expiry=OLD_END,
        renewed=StayPermit("永住者", None),
        filed_on=D(2027, 3, 31),
    )
    assert new == LIMIT


def test_validity_change_after_the_card_expired_is_refused():
    with pytest.raises(CardError):
        validity_after_residence_renewal(
            date_of_birth=BORN,
            card_issued_on=ISSUED,
            current_expiry=OLD_END,
            renewed=engineer(D(2030, 3, 31)),
            filed_on=D(2027, 4, 1),
        )


def test_validity_change_needs_a_later_end_of_stay():
    with pytest.raises(InvalidInput) as exc:
        validity_after_residence_renewal(
            date_of_birth=BORN,
            card_issued_on=ISSUED,
            current_expiry=OLD_END,
            renewed=engineer(OLD_END),
            filed_on=D(2027, 3, 1),
        )
    assert exc.value.details["field"] == "period_of_stay_ends"


def test_pending_stay_renewal_extends_the_card_once_by_two_months():
    kwargs = {
        "date_of_birth": BORN,
        "card_issued_on": ISSUED,
        "current_expiry": OLD_END,
        "filed_on": D(2027, 3, 20),
    }
    assert validity_while_renewal_pending(**kwargs) == D(2027, 5, 31)
    with pytest.raises(Conflict):
        validity_while_renewal_pending(**kwargs, already_extended=True)


def test_pending_extension_is_capped_by_the_birthday_limit_and_refused_after_expiry():
    assert (
        validity_while_renewal_pending(
            date_of_birth=BORN,
            card_issued_on=ISSUED,
            current_expiry=D(2035, 3, 31),
            filed_on=D(2035, 3, 1),
        )
        == LIMIT
    )
    with pytest.raises(CardError):
        validity_while_renewal_pending(
            date_of_birth=BORN,
            card_issued_on=ISSUED,
            current_expiry=OLD_END,
            filed_on=D(2027, 4, 1),
        )


# --- renewal and expiry --------------------------------------------------------------------


def test_renewal_opens_three_months_before_expiry():
    assert renewal_window_opens(D(2034, 5, 10)) == D(2034, 2, 10)
    assert renewal_window_opens(D(2034, 5, 31)) == D(2034, 2, 28)
    assert not can_renew(D(2034, 5, 10), D(2034, 2, 9))
    assert can_renew(D(2034, 5, 10), D(2034, 2, 10))


def test_renewal_notice_is_sent_three_months_before_expiry():
    assert renewal_notice_due(D(2034, 5, 10)) == D(2034, 2, 10)


def test_the_card_works_through_its_expiry_day():
    assert not is_expired(D(2034, 5, 10), D(2034, 5, 10))
    assert is_expired(D(2034, 5, 10), D(2034, 5, 11))


# --- properties ----------------------------------------------------------------------------

births = st.dates(min_value=D(1930, 1, 1), max_value=D(2025, 12, 31))
leap_day_births = (
    st.integers(min_value=1932, max_value=2024)
    .filter(lambda y: y % 4 == 0 and y != 1900)
    .map(lambda y: D(y, 2, 29))
)
any_birth = st.one_of(births, leap_day_births)


@st.composite
def birth_and_issue(draw: st.DrawFn) -> tuple[dt.date, dt.date]:
    born = draw(any_birth)
    if draw(st.booleans()):  # issued on a birthday
        issued = birthday_in(born, born.year + draw(st.integers(min_value=0, max_value=80)))
    else:
        issued = born + dt.timedelta(days=draw(st.integers(min_value=0, max_value=80 * 366)))
    return born, issued


def birthdays_in(born: dt.date, after: dt.date, until: dt.date) -> int:
    years = range(after.year, until.year + 1)
    return sum(after < birthday_in(born, y) <= until for y in years)


@given(birth_and_issue())
def test_card_expires_on_the_10th_or_5th_birthday_after_issue(pair):
    born, issued = pair
    expiry = card_expiry(date_of_birth=born, issued_on=issued)
    count = 10 if age_on(born, issued) >= adult_age_for_card(issued) else 5
    assert expiry == birthday_in(born, expiry.year)
    assert birthdays_in(born, issued, expiry) == count
    # 9–10 years (4–5); a 29 February birth issued on 28 February may get one day more.
    leap_day = dt.timedelta(days=1 if (born.month, born.day) == (2, 29) else 0)
    assert add_years(issued, count - 1) <= expiry <= add_years(issued, count) + leap_day


@given(born=any_birth, years=st.integers(min_value=0, max_value=80))
def test_card_issued_on_a_birthday_runs_whole_years(born, years):
    issued = birthday_in(born, born.year + years)
    count = 10 if age_on(born, issued) >= adult_age_for_card(issued) else 5
    expiry = card_expiry(date_of_birth=born, issued_on=issued)
    assert expiry == birthday_in(born, issued.year + count)
    if (born.month, born.day) != (2, 29):
        assert expiry == add_years(issued, count)


@given(birth_and_issue(), st.integers(min_value=0, max_value=4000))
def test_certificates_never_outlive_the_card(pair, stay_days):
    born, issued = pair
    residence = engineer(issued + dt.timedelta(days=stay_days))
    for res in (None, residence):
        card = card_expiry(date_of_birth=born, issued_on=issued, residence=res)
        cert = certificate_expiry(date_of_birth=born, issued_on=issued, residence=res)
        assert issued <= cert <= card
        assert birthdays_in(born, issued, cert) <= 5


@given(birth_and_issue(), st.integers(min_value=0, max_value=6000))
def test_the_stay_cap_never_exceeds_the_birthday_limit(pair, stay_days):
    born, issued = pair
    stay_ends = issued + dt.timedelta(days=stay_days)
    limit = card_expiry(date_of_birth=born, issued_on=issued)
    capped = card_expiry(date_of_birth=born, issued_on=issued, residence=engineer(stay_ends))
    assert capped == min(limit, stay_ends)
    exempt = StayPermit("永住者", stay_ends)
    assert card_expiry(date_of_birth=born, issued_on=issued, residence=exempt) == limit


@given(birth_and_issue(), st.integers(min_value=1, max_value=6000))
def test_validity_change_stays_within_the_birthday_limit(pair, extra_days):
    born, issued = pair
    old_end = issued + dt.timedelta(days=30)
    limit = card_birthday_limit(date_of_birth=born, issued_on=issued)
    assume(old_end < limit)
    new = validity_after_residence_renewal(
        date_of_birth=born,
        card_issued_on=issued,
        current_expiry=old_end,
        renewed=engineer(old_end + dt.timedelta(days=extra_days)),
        filed_on=old_end,
    )
    assert old_end < new <= limit


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2150, 12, 31)))
def test_the_renewal_window_opens_about_three_months_before_expiry(expiry):
    opens = renewal_window_opens(expiry)
    assert expiry - dt.timedelta(days=92) <= opens < expiry
    assert renewal_notice_due(expiry) < expiry
    assert can_renew(expiry, opens) and not is_expired(expiry, opens)


def test_the_adult_age_line_is_18_from_april_2022_and_20_before():
    assert adult_age_for_card(D(2022, 4, 1)) == 18
    assert adult_age_for_card(D(2022, 3, 31)) == 20
