"""追記欄 (``domain.endorsements``): a line per change until the field is full, then none; the
express window counts from the change that used the last line; the reissue is free."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mynumber.domain.cards import ApplicationKind
from mynumber.domain.deadlines import ExpressReason, express_issuance_allowed
from mynumber.domain.endorsements import (
    ENDORSEMENT_LINES,
    EndorsementField,
    EndorsementFieldNotFull,
    EndorsementKind,
    field_of,
    full_field_notice,
    next_endorsement,
    require_full,
)
from mynumber.domain.fees import card_fee

DAY = dt.date(2026, 1, 10)


def _after(changes: list[dt.date]) -> EndorsementField:
    field = field_of(())
    for on in changes:
        field = field_of(
            (*field.endorsements, next_endorsement(field, EndorsementKind.ADDRESS, on))
        )
    return field


@given(st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2040, 12, 31)), max_size=10))
def test_lines_are_used_one_per_change_until_full(days: list[dt.date]) -> None:
    field = _after(sorted(days))
    assert field.lines_used == min(len(days), ENDORSEMENT_LINES)
    assert field.full == (len(days) >= ENDORSEMENT_LINES)
    on_face = [e.on_face for e in field.endorsements]
    assert on_face == [i < ENDORSEMENT_LINES for i in range(len(days))]


def test_filled_on_is_the_change_that_used_the_last_line() -> None:
    days = [DAY + dt.timedelta(days=10 * i) for i in range(ENDORSEMENT_LINES + 2)]
    field = _after(days)
    assert field.filled_on == days[ENDORSEMENT_LINES - 1]
    assert _after(days[: ENDORSEMENT_LINES - 1]).filled_on is None


def test_express_within_30_days_of_filling_it() -> None:
    reason = ExpressReason.ENDORSEMENT_FIELD_FULL
    assert express_issuance_allowed(
        event_on=DAY, requested_on=DAY + dt.timedelta(days=30), reason=reason
    )
    assert not express_issuance_allowed(
        event_on=DAY, requested_on=DAY + dt.timedelta(days=31), reason=reason
    )


def test_the_reissue_for_a_full_field_is_free_express_or_not() -> None:
    for express in (False, True):
        fee = card_fee(ApplicationKind.REISSUE, express=express, endorsement_field_full=True)
        assert fee.yen == 0 and fee.paid is None and "endorsement field" in fee.why_free_en
    assert card_fee(ApplicationKind.REISSUE, express=True).yen == 2_000


def test_refused_while_a_line_is_left_and_told_once_full() -> None:
    with pytest.raises(EndorsementFieldNotFull) as refused:
        require_full(_after([DAY]))
    assert refused.value.details["reason"] == "endorsement_field_not_full"
    with pytest.raises(EndorsementFieldNotFull):
        require_full(None)
    full = _after([DAY] * ENDORSEMENT_LINES)
    require_full(full)
    assert full_field_notice(_after([DAY])) is None
    en, ja = full_field_notice(full) or ("", "")
    assert "reissue" in en and "追記欄" in ja
