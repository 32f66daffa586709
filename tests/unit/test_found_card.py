"""一時停止の解除 (RULES.md "lost card found"): which found cards can be lifted, and why not."""

from __future__ import annotations

import datetime as dt

import pytest

from mynumber.domain.cards import CardStatus, InvalidReason
from mynumber.domain.found_card import lift_refusal

TODAY = dt.date(2026, 6, 1)


def _reason(
    status: CardStatus,
    invalid: InvalidReason | None = None,
    expires: dt.date | None = dt.date(2036, 4, 12),
) -> str | None:
    refusal = lift_refusal(status=status, invalid_reason=invalid, expires_on=expires, today=TODAY)
    return refusal.reason if refusal else None


def test_a_suspended_card_still_valid_is_lifted() -> None:
    assert _reason(CardStatus.SUSPENDED) is None


def test_a_card_replaced_by_a_collected_reissue_is_never_lifted() -> None:
    assert _reason(CardStatus.INVALID, InvalidReason.LOST) == "already_reissued"


@pytest.mark.parametrize("why", [r for r in InvalidReason if r is not InvalidReason.LOST])
def test_an_invalid_card_is_never_lifted(why: InvalidReason) -> None:
    assert _reason(CardStatus.INVALID, why) == "already_invalid"


@pytest.mark.parametrize("status", [CardStatus.ACTIVE, CardStatus.READY])
def test_only_a_suspended_card_is_lifted(status: CardStatus) -> None:
    assert _reason(status) == "not_suspended"


def test_a_card_that_expired_while_lost_is_renewed_not_lifted() -> None:
    assert _reason(CardStatus.SUSPENDED, expires=TODAY - dt.timedelta(days=1)) == "expired"
    assert _reason(CardStatus.SUSPENDED, expires=TODAY) is None  # valid through its last day
