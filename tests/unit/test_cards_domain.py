"""The card's pure rules: whether a card can be used and why not, the timing of manufacture
and collection, the identity check — and the validity the card lifecycle relies on, as
properties over birthdays (29 February, issue on a birthday)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.cards import (
    CardFacts,
    CardSnapshot,
    CardStatus,
    IdentityShown,
    InvalidReason,
    Problem,
    card_facts,
    card_problem,
    collect_by,
    manufacture_due,
    same_person,
)
from mynumber.domain.deadlines import card_after_move
from mynumber.domain.pins import PinKind
from mynumber.domain.timelines import age_on, birthday_in, pickup_notice_window
from mynumber.domain.validity import (
    StayPermit,
    adult_age_for_card,
    card_expiry,
    certificate_expiry,
    is_expired,
    renewal_window_opens,
)

TODAY = dt.date(2026, 6, 1)
HOME = "1-1 Chiyoda, Chiyoda-ku, Tokyo"


def facts(**kw: object) -> CardFacts:
    base: dict[str, object] = dict(
        status=CardStatus.ACTIVE,
        invalid_reason=None,
        expires_on=dt.date(2030, 1, 1),
        chip_address=HOME,
        registered_address=HOME,
    )
    base.update(kw)
    return CardFacts(**base)  # type: ignore[arg-type]


def problem(card: CardFacts, **kw: object) -> Problem | None:
    refusal = card_problem(card, today=TODAY, **kw)  # type: ignore[arg-type]
    return refusal.problem if refusal else None


def test_an_active_card_in_date_is_usable() -> None:
    assert problem(facts(), pin=PinKind.USER_AUTHENTICATION, checks_address=True) is None


@pytest.mark.parametrize(
    "status,expected",
    [
        (CardStatus.INVALID, Problem.INVALID),
        (CardStatus.SUSPENDED, Problem.SUSPENDED),
        (CardStatus.READY, Problem.NOT_COLLECTED),
    ],
)
def test_a_card_not_in_use_is_refused_by_status(status: CardStatus, expected: Problem) -> None:
    assert problem(facts(status=status)) is expected


@pytest.mark.parametrize("reason", list(InvalidReason))
def test_every_invalid_reason_is_said_in_both_languages(reason: InvalidReason) -> None:
    refusal = card_problem(
        facts(status=CardStatus.INVALID, invalid_reason=reason.value), today=TODAY
    )
    assert refusal is not None and "Apply for a new card" in refusal.message_en
    assert "新しいカード" in refusal.message_ja


def test_the_expiry_day_itself_is_still_valid_and_the_next_day_is_not() -> None:
    assert problem(facts(expires_on=TODAY)) is None
    expired = card_renewed = facts(expires_on=TODAY - dt.timedelta(days=1))
    assert problem(expired) is Problem.EXPIRED
    refusal = card_problem(card_renewed, today=TODAY)
    assert refusal is not None and "Renew" in refusal.message_en


def test_the_address_is_checked_only_by_uses_that_check_it() -> None:
    moved = facts(registered_address="2-2 Jingumae, Shibuya-ku, Tokyo")
    assert problem(moved) is None
    assert problem(moved, checks_address=True) is Problem.ADDRESS_OUT_OF_DATE
    assert problem(facts(registered_address=None), checks_address=True) is Problem.NOT_REGISTERED


def test_a_missed_moving_deadline_refuses_every_use() -> None:
    lapsed = card_after_move(
        moved_in_on=dt.date(2026, 4, 1),
        planned_moving_out_on=dt.date(2026, 4, 1),
        moving_in_filed_on=None,
        card_updated_on=None,
        today=TODAY,
    )
    assert problem(facts(move=lapsed)) is Problem.MOVE_LAPSED


def test_a_locked_pin_refuses_only_uses_of_that_pin_and_says_where_to_unlock() -> None:
    locked = facts(locked_pins=frozenset({PinKind.SIGNATURE}))
    assert problem(locked, pin=PinKind.USER_AUTHENTICATION) is None
    refusal = card_problem(locked, today=TODAY, pin=PinKind.SIGNATURE)
    assert refusal is not None and refusal.problem is Problem.PIN_LOCKED
    assert "in person" in refusal.message_en and "kiosk" not in refusal.message_en
    ua = card_problem(
        facts(locked_pins=frozenset({PinKind.USER_AUTHENTICATION})),
        today=TODAY,
        pin=PinKind.USER_AUTHENTICATION,
    )
    assert ua is not None and "kiosk" in ua.message_en


def test_the_first_problem_to_fix_comes_first() -> None:
    everything = facts(
        status=CardStatus.SUSPENDED,
        expires_on=dt.date(2020, 1, 1),
        registered_address=None,
        locked_pins=frozenset(PinKind),
    )
    assert problem(everything, pin=PinKind.SIGNATURE, checks_address=True) is Problem.SUSPENDED


def _snapshot(**kw: object) -> CardSnapshot:
    base: dict[str, object] = dict(
        serial="0A",
        person_id=1,
        status=CardStatus.ACTIVE,
        invalid_reason=None,
        expires_on=dt.date(2030, 1, 1),
        chip_address=HOME,
    )
    base.update(kw)
    return CardSnapshot(**base)  # type: ignore[arg-type]


def test_a_card_snapshot_is_judged_as_its_facts_say() -> None:
    usable = card_facts(_snapshot(), registered_address=HOME, today=TODAY)
    assert card_problem(usable, today=TODAY, checks_address=True) is None
    lost = card_facts(
        _snapshot(status=CardStatus.INVALID, invalid_reason=InvalidReason.LOST),
        registered_address=HOME,
        today=TODAY,
    )
    assert lost.invalid_reason is InvalidReason.LOST
    assert problem(lost) is Problem.INVALID


def test_a_snapshot_mid_move_lapses_when_the_moving_in_deadline_passes() -> None:
    moving = _snapshot(moving_out_planned_on=dt.date(2026, 4, 1))
    on_time = card_facts(moving, registered_address=None, today=dt.date(2026, 4, 10))
    assert on_time.move is not None and problem(on_time) is None
    late = card_facts(moving, registered_address=None, today=TODAY)
    assert problem(late) is Problem.MOVE_LAPSED
    assert card_facts(_snapshot(), registered_address=HOME, today=TODAY).move is None


def test_manufacture_takes_a_month_or_about_a_week_for_express() -> None:
    applied = dt.date(2026, 1, 31)
    assert manufacture_due(applied, express=False) == dt.date(2026, 2, 28)
    assert manufacture_due(applied, express=True) == dt.date(2026, 2, 5)
    assert collect_by(dt.date(2026, 2, 28)) == dt.date(2026, 5, 28)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)))
def test_the_pickup_notice_is_mailed_within_the_guides_one_to_two_months(applied: dt.date) -> None:
    earliest, latest = pickup_notice_window(applied)
    assert earliest <= manufacture_due(applied, express=False) <= latest


def test_identity_matches_on_name_date_of_birth_and_residence_card() -> None:
    born = dt.date(1995, 4, 12)
    shown = IdentityShown(" smith  john ", born, "ab12345678cd")
    assert same_person(
        shown, name_latin="SMITH JOHN", date_of_birth=born, residence_card_number="AB12345678CD"
    )
    assert not same_person(
        shown, name_latin="SMITH JANE", date_of_birth=born, residence_card_number=None
    )
    assert not same_person(
        shown, name_latin="SMITH JOHN", date_of_birth=born, residence_card_number="ZZ99999999ZZ"
    )
    assert same_person(
        IdentityShown("Smith John", born),
        name_latin="SMITH JOHN",
        date_of_birth=born,
        residence_card_number="AB12345678CD",
    )


# --- Validity as the lifecycle uses it: properties over birthdays ----------------------------

births = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2025, 12, 31))
leap_births = (
    st.integers(min_value=1932, max_value=2024)
    .filter(lambda y: y % 4 == 0 and (y % 100 != 0 or y % 400 == 0))
    .map(lambda y: dt.date(y, 2, 29))
)
offsets = st.integers(min_value=0, max_value=365 * 95)


def _issue(born: dt.date, offset: int) -> dt.date:
    return min(born + dt.timedelta(days=offset), dt.date(2099, 1, 1))


def _is_birthday(born: dt.date, day: dt.date) -> bool:
    return day == birthday_in(born, day.year)


@given(born=births | leap_births, offset=offsets)
def test_the_card_ends_on_the_10th_or_5th_birthday_after_the_day_of_issue(
    born: dt.date, offset: int
) -> None:
    issued = _issue(born, offset)
    expiry = card_expiry(date_of_birth=born, issued_on=issued)
    years = 10 if age_on(born, issued) >= adult_age_for_card(issued) else 5
    assert _is_birthday(born, expiry) and expiry > issued
    birthdays_between = sum(
        1 for y in range(issued.year, expiry.year + 1) if issued < birthday_in(born, y) <= expiry
    )
    assert birthdays_between == years
    if (born.month, born.day) == (2, 29) and expiry.year % 4:
        assert (expiry.month, expiry.day) == (2, 28)


@given(born=births | leap_births, offset=offsets)
def test_issue_on_a_birthday_does_not_count_that_birthday(born: dt.date, offset: int) -> None:
    issued = birthday_in(born, _issue(born, offset).year)
    if issued <= born:
        return
    expiry = card_expiry(date_of_birth=born, issued_on=issued)
    years = 10 if age_on(born, issued) >= adult_age_for_card(issued) else 5
    assert expiry == birthday_in(born, issued.year + years)


@given(
    born=births | leap_births,
    offset=offsets,
    stay_days=st.integers(min_value=0, max_value=365 * 12),
)
def test_certificates_never_outlive_the_card_and_a_stay_caps_both(
    born: dt.date, offset: int, stay_days: int
) -> None:
    issued = _issue(born, offset)
    permit = StayPermit("Engineer/Specialist", issued + dt.timedelta(days=stay_days))
    card = card_expiry(date_of_birth=born, issued_on=issued, residence=permit)
    certificates = certificate_expiry(date_of_birth=born, issued_on=issued, card_expires_on=card)
    assert certificates <= card <= permit.period_of_stay_ends  # type: ignore[operator]
    assert card == min(
        card_expiry(date_of_birth=born, issued_on=issued), permit.period_of_stay_ends
    )  # type: ignore[type-var]
    assert renewal_window_opens(card) <= card
    assert not is_expired(card, card) and is_expired(card, card + dt.timedelta(days=1))


@given(born=births, offset=offsets)
def test_a_permanent_resident_is_not_capped(born: dt.date, offset: int) -> None:
    issued = _issue(born, offset)
    permit = StayPermit("永住者", None)
    assert card_expiry(date_of_birth=born, issued_on=issued, residence=permit) == card_expiry(
        date_of_birth=born, issued_on=issued
    )


def test_the_age_line_was_20_before_2022_04_01_and_is_18_since() -> None:
    born = dt.date(2002, 6, 1)
    assert card_expiry(date_of_birth=born, issued_on=dt.date(2022, 3, 31)) == dt.date(
        2026, 6, 1
    )  # 19 years old: 5th birthday
    assert card_expiry(date_of_birth=born, issued_on=dt.date(2022, 4, 1)) == dt.date(
        2031, 6, 1
    )  # 19 years old: 10th birthday
