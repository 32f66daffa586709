"""手数料 (RULES.md "fees"): first card and renewal free, reissue ¥1,000 (card ¥800 +
certificates ¥200), express reissue ¥2,000; when each is paid."""

from __future__ import annotations

import pytest

from mynumber.domain.cards import ApplicationKind
from mynumber.domain.fees import PaidWhen, card_fee, yen


@pytest.mark.parametrize("express", [False, True])
@pytest.mark.parametrize("kind", [ApplicationKind.NEW, ApplicationKind.RENEWAL])
def test_first_card_and_renewal_are_free_even_express(kind: ApplicationKind, express: bool) -> None:
    fee = card_fee(kind, express=express)
    assert fee.yen == 0 and fee.free and fee.paid is None
    assert fee.why_free_en and fee.why_free_ja


def test_reissue_costs_1000_yen_card_800_and_certificates_200_paid_at_collection() -> None:
    fee = card_fee(ApplicationKind.REISSUE, express=False)
    assert fee.yen == 1_000
    assert [line.yen for line in fee.lines] == [800, 200]
    assert fee.paid is PaidWhen.AT_COLLECTION


def test_express_reissue_costs_2000_yen_paid_at_the_application() -> None:
    fee = card_fee(ApplicationKind.REISSUE, express=True)
    assert fee.yen == 2_000
    assert [line.yen for line in fee.lines] == [1_800, 200]
    assert fee.paid is PaidWhen.AT_APPLICATION


def test_a_reissue_that_is_not_the_holders_fault_is_free() -> None:
    fee = card_fee(ApplicationKind.REISSUE, express=True, holders_own_reason=False)
    assert fee.free and "fault" in fee.why_free_en


def test_yen_is_written_with_the_sign_and_thousands() -> None:
    assert yen(2000) == "¥2,000" and yen(0) == "¥0"
