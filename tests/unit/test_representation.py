"""Who the card is for (``domain.representation``, ``domain.card_kinds``, ``domain.cards``):
the age thresholds over every birthday (29 February included), the legal representative, and
the refusals that name what the card does not carry. RULES.md "The card" — children,
face-authentication card."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.card_kinds import (
    FACE_AUTHENTICATION_CARD_FROM,
    check_face_card_request,
    no_signature_cause,
)
from mynumber.domain.cards import CardFacts, CardStatus, Problem, card_problem
from mynumber.domain.errors import Conflict, Forbidden, InvalidInput
from mynumber.domain.pins import PinKind
from mynumber.domain.registration import IdDocument
from mynumber.domain.representation import (
    NO_PHOTO_FROM,
    LegalRepresentative,
    NoSignature,
    Relation,
    check_representation,
    photo_on_card,
    representative_shown,
    represented_on,
)

D = dt.date
births = st.dates(min_value=D(1950, 1, 1), max_value=D(2040, 12, 31))
leap_births = (
    st.integers(min_value=1952, max_value=2040)
    .filter(lambda y: y % 4 == 0 and (y % 100 != 0 or y % 400 == 0))
    .map(lambda y: D(y, 2, 29))
)
any_birth = st.one_of(births, leap_births)
PARENT = LegalRepresentative("Smith Jane", D(1988, 2, 29), Relation.PARENT)


def _nth_birthday(born: dt.date, years: int) -> dt.date:
    """The day the person turns ``years``, written out on its own: the same month and day
    ``years`` later; a 29 February child turns it on 1 March of a common year (they reach it
    at the end of 28 February, 年齢計算ニ関スル法律 and 民法 第143条)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return D(born.year + years, 3, 1)


# --- under 15 on the day: the legal representative -----------------------------------------


@given(any_birth, st.integers(min_value=0, max_value=40_000))
def test_represented_exactly_before_the_15th_birthday(born: dt.date, days: int) -> None:
    day = born + dt.timedelta(days=days)
    assert represented_on(born, day) is (day < _nth_birthday(born, 15))


@given(leap_births)
def test_a_29_february_child_acts_alone_from_1_march_of_a_common_year(born: dt.date) -> None:
    last_day = D(born.year + 15, 2, 28)  # 15 years after a leap year is a common year
    assert represented_on(born, last_day)
    assert not represented_on(born, last_day + dt.timedelta(days=1))


@given(any_birth, st.integers(min_value=0, max_value=40_000))
def test_a_representative_is_asked_for_exactly_under_15(born: dt.date, days: int) -> None:
    day = born + dt.timedelta(days=days)
    if represented_on(born, day):
        with pytest.raises(Forbidden) as caught:
            check_representation(None, child_date_of_birth=born, on=day)
        assert caught.value.details["reason"] == "legal_representative_required"
    else:
        assert check_representation(None, child_date_of_birth=born, on=day) is None
        with pytest.raises(Forbidden) as refused:
            check_representation(PARENT, child_date_of_birth=born, on=day)
        assert refused.value.details["reason"] == "not_represented"


@given(st.dates(min_value=D(1950, 1, 1), max_value=D(2030, 12, 31)))
def test_the_representative_is_18_on_the_day(rep_born: dt.date) -> None:
    on = D(2026, 4, 1)
    child = D(2017, 3, 3)
    representative = replace(PARENT, date_of_birth=rep_born)
    adult = on >= _nth_birthday(rep_born, 18)
    if rep_born > on or not adult:
        with pytest.raises(InvalidInput) as caught:
            check_representation(representative, child_date_of_birth=child, on=on)
        assert caught.value.details["field"] == "representative_date_of_birth"
    else:
        assert check_representation(representative, child_date_of_birth=child, on=on)


def test_the_representative_shows_their_own_photo_id() -> None:
    shown = representative_shown(
        name_latin="Smith Jane",
        date_of_birth=D(1988, 2, 29),
        relation="guardian",
        id_documents=(IdDocument.NOTIFICATION_LETTER,),
    )
    assert shown.relation is Relation.GUARDIAN and not shown.has_photo_id
    with pytest.raises(InvalidInput) as caught:
        check_representation(shown, child_date_of_birth=D(2017, 3, 3), on=D(2026, 4, 1))
    assert caught.value.details["field"] == "representative_id_documents"
    with pytest.raises(InvalidInput) as bad:
        representative_shown(
            name_latin="x", date_of_birth=D(1988, 1, 1), relation="uncle", id_documents=()
        )
    assert bad.value.details["field"] == "representative_relation"


# --- under 1 on the application day: no photo ----------------------------------------------


@given(any_birth, st.integers(min_value=0, max_value=800))
def test_no_photo_exactly_before_the_first_birthday(born: dt.date, days: int) -> None:
    applied = born + dt.timedelta(days=days)
    expected = applied < NO_PHOTO_FROM or applied >= _nth_birthday(born, 1)
    assert photo_on_card(born, applied) is expected


def test_a_29_february_infant_has_no_photo_until_28_february() -> None:
    born = D(2028, 2, 29)
    assert not photo_on_card(born, D(2029, 2, 28))
    assert photo_on_card(born, D(2029, 3, 1))


def test_before_2024_12_02_an_infants_card_had_a_photo() -> None:
    assert photo_on_card(D(2024, 6, 1), D(2024, 12, 1))
    assert not photo_on_card(D(2024, 6, 1), D(2024, 12, 2))


# --- what the card carries -----------------------------------------------------------------


@given(any_birth, st.integers(min_value=0, max_value=40_000), st.booleans())
def test_the_signature_certificate_is_withheld_under_15_and_on_a_face_card(
    born: dt.date, days: int, face: bool
) -> None:
    issued = born + dt.timedelta(days=days)
    cause = no_signature_cause(date_of_birth=born, issued_on=issued, face_authentication=face)
    if face:
        assert cause is NoSignature.FACE_AUTHENTICATION_CARD
    elif issued < _nth_birthday(born, 15):
        assert cause is NoSignature.UNDER_15
    else:
        assert cause is None


def test_the_face_card_exists_from_2023_12_15() -> None:
    check_face_card_request(FACE_AUTHENTICATION_CARD_FROM)
    with pytest.raises(Conflict):
        check_face_card_request(FACE_AUTHENTICATION_CARD_FROM - dt.timedelta(days=1))


def _facts(**kw: object) -> CardFacts:
    values: dict[str, object] = dict(
        status=CardStatus.ACTIVE,
        invalid_reason=None,
        expires_on=D(2030, 1, 1),
        chip_address="1-1 Chiyoda",
        registered_address="1-1 Chiyoda",
    )
    values.update(kw)
    return CardFacts(**values)  # type: ignore[arg-type]


TODAY = D(2026, 4, 1)


def test_a_childs_card_asked_for_a_signature_names_under_15() -> None:
    refusal = card_problem(
        _facts(no_signature=NoSignature.UNDER_15), today=TODAY, pin=PinKind.SIGNATURE
    )
    assert refusal is not None and refusal.problem is Problem.NO_SIGNATURE_CERTIFICATE
    assert refusal.message_en.startswith("No signature certificate: under 15")
    assert "activated" not in refusal.message_en
    # the 4-digit PINs work as on any card
    assert (
        card_problem(
            _facts(no_signature=NoSignature.UNDER_15),
            today=TODAY,
            pin=PinKind.USER_AUTHENTICATION,
        )
        is None
    )


@pytest.mark.parametrize("pin", list(PinKind))
def test_a_face_card_refuses_every_pin_use_by_name(pin: PinKind) -> None:
    facts = _facts(face_authentication=True, no_signature=NoSignature.FACE_AUTHENTICATION_CARD)
    refusal = card_problem(facts, today=TODAY, pin=pin)
    assert refusal is not None and refusal.problem is Problem.FACE_AUTHENTICATION_CARD
    assert card_problem(facts, today=TODAY) is None  # usable without a PIN (face, visual)


def test_a_status_problem_comes_before_the_missing_pin() -> None:
    facts = _facts(status=CardStatus.SUSPENDED, face_authentication=True)
    refusal = card_problem(facts, today=TODAY, pin=PinKind.USER_AUTHENTICATION)
    assert refusal is not None and refusal.problem is Problem.SUSPENDED
