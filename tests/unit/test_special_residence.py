"""The special residence card's rules (``domain.special_residence``) and the immigration
bureau's access (``domain.policy``): who may have it, from when, and how long it lasts."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mynumber.domain import special_residence as sr
from mynumber.domain.access import Purpose, Role
from mynumber.domain.card_kinds import CardKind
from mynumber.domain.errors import MyNumberError
from mynumber.domain.policy import Action, Actor, Relationship, decide
from mynumber.domain.special_residence import Refusal
from mynumber.domain.timelines import nth_birthday_after
from mynumber.domain.validity import StayPermit

LAUNCH = dt.date(2026, 6, 14)
ENGINEER = StayPermit("Engineer/Specialist", dt.date(2029, 6, 30))


def _refusal(on: dt.date = LAUNCH, **kw: object) -> Refusal | None:
    args: dict[str, object] = {
        "on": on,
        "nationality": "VN",
        "registered_status": "Engineer/Specialist",
        "granted": ENGINEER,
    }
    args.update(kw)
    return sr.refusal_for(**args)  # type: ignore[arg-type]


def test_available_from_2026_06_14_only() -> None:
    assert _refusal(dt.date(2026, 6, 13)) is Refusal.NOT_YET
    assert _refusal(LAUNCH) is None


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"nationality": "JP"}, Refusal.JAPANESE_NATIONAL),
        ({"nationality": "jp "}, Refusal.JAPANESE_NATIONAL),
        ({"registered_status": None}, Refusal.JAPANESE_NATIONAL),
        ({"registered_status": "特別永住者"}, Refusal.SPECIAL_PERMANENT_RESIDENT),
        (
            {"granted": StayPermit("Special Permanent Resident", None)},
            Refusal.SPECIAL_PERMANENT_RESIDENT,
        ),
        ({"granted": StayPermit("Temporary Visitor", dt.date(2027, 1, 1))}, Refusal.SHORT_STAY),
        ({"granted": StayPermit("短期滞在", dt.date(2027, 1, 1))}, Refusal.SHORT_STAY),
        ({"granted": StayPermit("Student", dt.date(2026, 9, 13))}, Refusal.SHORT_STAY),
    ],
)
def test_who_is_refused(kw: dict[str, object], reason: Refusal) -> None:
    assert _refusal(**kw) is reason


def test_a_permanent_resident_and_a_stay_of_more_than_3_months_may_have_it() -> None:
    assert _refusal(granted=StayPermit("Permanent Resident", None)) is None
    assert _refusal(granted=StayPermit("Student", dt.date(2026, 9, 14))) is None


def test_the_refusal_names_its_reason_in_both_languages() -> None:
    with pytest.raises(sr.SpecialResidenceCardRefused) as caught:
        sr.check_request(on=LAUNCH, nationality="JP", registered_status=None, granted=ENGINEER)
    assert caught.value.details == {"reason": "japanese_national"}
    assert caught.value.code == "special-residence-card-refused"
    assert "日本国籍" in caught.value.message_ja


def test_a_renewal_must_end_later() -> None:
    with pytest.raises(sr.SpecialResidenceCardRefused):
        sr.check_renewal(current_stay_ends=dt.date(2029, 6, 30), renewed=ENGINEER)
    sr.check_renewal(
        current_stay_ends=dt.date(2029, 6, 30), renewed=StayPermit("Engineer", dt.date(2029, 7, 1))
    )
    sr.check_renewal(current_stay_ends=None, renewed=StayPermit("Permanent Resident", None))


def test_the_ward_office_changes_only_the_usual_cards_validity() -> None:
    sr.check_ward_office_validity_change(CardKind.MY_NUMBER_CARD.value)
    with pytest.raises(sr.SpecialResidenceCardRefused) as caught:
        sr.check_ward_office_validity_change(CardKind.SPECIAL_RESIDENCE_CARD.value)
    assert caught.value.details["reason"] == "special_residence_card_follows_the_stay"


births = st.dates(dt.date(1930, 1, 1), dt.date(2025, 12, 31)) | st.sampled_from(
    [dt.date(2000, 2, 29), dt.date(2012, 2, 29), dt.date(1996, 2, 29), dt.date(2024, 2, 29)]
)
issues = st.dates(LAUNCH, dt.date(2040, 12, 31))
stays = st.integers(min_value=92, max_value=3650)


@settings(deadline=None)
@given(born=births, issued=issues, days=stays)
def test_the_card_lasts_until_the_end_of_stay_or_the_birthday_limit(
    born: dt.date, issued: dt.date, days: int
) -> None:
    ends = issued + dt.timedelta(days=days)
    expiry = sr.card_expiry_with_stay(
        date_of_birth=born, issued_on=issued, stay=StayPermit("Engineer", ends)
    )
    age = issued.year - born.year - ((issued.month, issued.day) < (born.month, born.day))
    limit = nth_birthday_after(born, issued, 10 if age >= 18 else 5)
    assert expiry == min(ends, limit)
    assert issued < expiry
    if born.month == 2 and born.day == 29 and expiry == limit and limit.year % 4:
        assert (limit.month, limit.day) == (2, 28)  # a common year's 28 February


@settings(deadline=None)
@given(born=births, issued=issues, first=stays, more=st.integers(min_value=1, max_value=3650))
def test_a_renewal_never_ends_before_the_card_it_renews_is_capped_by_the_birthday(
    born: dt.date, issued: dt.date, first: int, more: int
) -> None:
    """A renewal on the day of the old card's issue with a later end of stay never gives a
    shorter card: the birthday limit is the same, the stay longer."""
    old_end = issued + dt.timedelta(days=first)
    new_end = old_end + dt.timedelta(days=more)
    sr.check_renewal(current_stay_ends=old_end, renewed=StayPermit("Engineer", new_end))
    old = sr.card_expiry_with_stay(
        date_of_birth=born, issued_on=issued, stay=StayPermit("Engineer", old_end)
    )
    new = sr.card_expiry_with_stay(
        date_of_birth=born, issued_on=issued, stay=StayPermit("Engineer", new_end)
    )
    assert new >= old


# --- the bureau's access ---------------------------------------------------------------


BUREAU = Actor(role=Role.IMMIGRATION, scope_id=7)


def test_the_bureau_acts_only_on_foreign_residents() -> None:
    japanese = Relationship(person_id=1, foreign_resident=False, bureaus_serving=frozenset({7}))
    decision = decide(BUREAU, Action.ISSUE_SPECIAL_RESIDENCE_CARD, japanese)
    assert (decision.allowed, decision.reason) == (False, "not-a-foreign-resident")
    foreign = Relationship(person_id=1, foreign_resident=True, bureaus_serving=frozenset({7}))
    assert decide(BUREAU, Action.ISSUE_SPECIAL_RESIDENCE_CARD, foreign).allowed


def test_a_bureau_takes_applications_from_its_own_area_only() -> None:
    elsewhere = Relationship(person_id=1, foreign_resident=True, bureaus_serving=frozenset({8}))
    decision = decide(BUREAU, Action.ISSUE_SPECIAL_RESIDENCE_CARD, elsewhere)
    assert (decision.allowed, decision.reason) == (False, "other-area")
    assert sr.serves(sr.parse_prefectures(["13", "8", "14"]), "131016")
    assert not sr.serves(sr.parse_prefectures(["27"]), "131016")
    with pytest.raises(MyNumberError):
        sr.parse_prefectures(["48"])


def test_only_the_bureau_of_the_case_renews() -> None:
    mine = Relationship(person_id=1, foreign_resident=True, stay_cases=frozenset({7}))
    theirs = Relationship(person_id=1, foreign_resident=True, stay_cases=frozenset({8}))
    assert decide(BUREAU, Action.RENEW_SPECIAL_RESIDENCE_CARD, mine).allowed
    refused = decide(BUREAU, Action.RENEW_SPECIAL_RESIDENCE_CARD, theirs)
    assert (refused.allowed, refused.reason) == (False, "no-stay-case")
    unbound = decide(Actor(role=Role.IMMIGRATION), Action.RENEW_SPECIAL_RESIDENCE_CARD, mine)
    assert unbound.reason == "no-bureau"


@pytest.mark.parametrize("purpose", list(Purpose))
def test_the_bureau_never_reads_the_number(purpose: Purpose) -> None:
    case = Relationship(person_id=1, foreign_resident=True, stay_cases=frozenset({7}))
    for action in (Action.READ_NUMBER, Action.FIND_BY_NUMBER):
        decision = decide(BUREAU, action, case, purpose)
        assert (decision.allowed, decision.reason) == (False, "immigration-never-number")


@pytest.mark.parametrize(
    "action",
    [
        a
        for a in Action
        if a.name not in {"ISSUE_SPECIAL_RESIDENCE_CARD", "RENEW_SPECIAL_RESIDENCE_CARD"}
    ],
)
def test_the_bureau_does_nothing_else(action: Action) -> None:
    case = Relationship(person_id=1, foreign_resident=True, stay_cases=frozenset({7}))
    assert not decide(BUREAU, action, case, Purpose.RESIDENT_REGISTRY).allowed


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.IMMIGRATION])
def test_no_other_role_issues_or_renews(role: Role) -> None:
    case = Relationship(person_id=1, foreign_resident=True, stay_cases=frozenset({7}))
    actor = Actor(role=role, municipality_code="131016", scope_id=1)
    for action in (Action.ISSUE_SPECIAL_RESIDENCE_CARD, Action.RENEW_SPECIAL_RESIDENCE_CARD):
        assert decide(actor, action, case).reason == "role-not-allowed"
