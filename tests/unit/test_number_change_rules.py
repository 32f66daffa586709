"""番号法 第7条第2項: the rules of changing a My Number, without a database."""

from __future__ import annotations

import pytest

from mynumber.domain.errors import Conflict, InvalidInput
from mynumber.domain.number_change import (
    NumberChanged,
    NumberChangeGround,
    check_change_allowed,
    check_never_reassigned,
    parse_ground,
    retired_number_refusal,
)


@pytest.mark.parametrize(("leaked", "fraud_feared"), [(False, False), (True, False), (False, True)])
def test_a_number_changes_only_when_it_leaked_and_fraud_is_feared(
    leaked: bool, fraud_feared: bool
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_change_allowed(leaked=leaked, fraud_feared=fraud_feared)
    assert refused.value.details["field"] == "fraud_feared"
    check_change_allowed(leaked=True, fraud_feared=True)


def test_on_request_or_ex_officio_and_nothing_else() -> None:
    assert parse_ground(" ex_officio ") is NumberChangeGround.EX_OFFICIO
    assert parse_ground("on_request") is NumberChangeGround.ON_REQUEST
    with pytest.raises(InvalidInput):
        parse_ground("because")


def test_a_retired_number_is_never_assigned_again() -> None:
    check_never_reassigned("new", {"old"})
    with pytest.raises(Conflict):
        check_never_reassigned("old", {"old"})


def test_the_refusal_names_its_cause_in_both_languages_without_digits() -> None:
    refusal = retired_number_refusal()
    assert isinstance(refusal, NumberChanged) and isinstance(refusal, Conflict)
    assert refusal.details == {"reason": "number_changed"}
    assert refusal.code == "number-changed"
    assert "7" in refusal.message_en and "第7条第2項" in refusal.message_ja
    assert not any(ch.isdigit() for ch in refusal.message_en.replace("7(2)", ""))
