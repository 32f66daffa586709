"""個人番号の変更 — changing a My Number (番号法 第7条第2項).

The number is for life (RULES.md "permanence"); the one exception: when it **has leaked and
may be used fraudulently** (漏えいして不正に用いられるおそれがあると認められるとき), the
mayor changes it, **on the holder's request or ex officio** (請求又は職権). What follows here:

- The new number is made the way every number is (J-LIS derives it from a new resident-
  registry code, 番号法 第8条), so it cannot be inferred from the old one.
- The old number is **retired for good**: never assigned again, and anyone presenting it
  (an employer collecting it, an office looking someone up by it) is refused with a reason
  of its own, ``number_changed``, that says what to do — never "not found", which would
  send them looking for a typing mistake.
- The card carries the number on its chip, so the card is cancelled and a new one applied
  for with a new notification letter (個人番号通知書); *policy:* free of charge, as the change
  is not for the holder's own reasons (RULES.md "fees").
- Every holder of the old number known to the system (employers that collected it, insurers
  enrolling the person) is sent a notice to update it, which carries no digits.
"""

from __future__ import annotations

from collections.abc import Container
from enum import StrEnum

from mynumber.domain.errors import Conflict, invalid


class NumberChangeGround(StrEnum):
    """Who asked for the change (番号法 第7条第2項: 請求又は職権)."""

    ON_REQUEST = "on_request"  # 本人の請求
    EX_OFFICIO = "ex_officio"  # 職権


def parse_ground(text: str) -> NumberChangeGround:
    try:
        return NumberChangeGround(text.strip())
    except ValueError:
        raise invalid(
            "ground",
            "Say who asked for the change: on_request (the holder) or ex_officio (the "
            "office itself).",
            "変更の契機（本人の請求 on_request、または職権 ex_officio）を選んでください。",
        ) from None


def check_change_allowed(*, leaked: bool, fraud_feared: bool) -> None:
    """A number is changed only when it has leaked **and** fraud is feared (番号法 第7条
    第2項); a wish for a new number, or a leak with no such risk, is no ground."""
    if not (leaked and fraud_feared):
        raise invalid(
            "fraud_feared",
            "A My Number is changed only when it has leaked and may be used fraudulently "
            "(My Number Act art. 7(2)); confirm both after checking the facts.",
            "個人番号の変更は、番号が漏えいし不正に用いられるおそれがあると認められる場合に"
            "限られます（番号法第7条第2項）。事実を確認のうえ、両方を確認してください。",
        )


class NumberChanged(Conflict):
    """A retired number was presented (it was changed under 番号法 第7条第2項)."""

    code = "number-changed"
    title = "This My Number was changed"


def retired_number_refusal() -> NumberChanged:
    """What anyone presenting a retired number is told (no digits, not even masked: the
    presenter has them, and a log line or a screen need not)."""
    return NumberChanged(
        "This My Number is no longer in use: it was changed because it had leaked (My Number "
        "Act art. 7(2)). Ask the person for their new number and confirm it again (number "
        "and identity).",
        "この個人番号は、漏えいにより変更されたため使用できません（番号法第7条第2項）。"
        "ご本人から新しい個人番号の提供を受け、番号確認と身元確認をやり直してください。",
        reason="number_changed",
    )


def check_never_reassigned(lookup: str, retired: Container[str]) -> None:
    """A retired number is never assigned again (番号法 第7条第2項: the new number replaces
    it for good). The derivation makes a repeat impossible in practice; this keeps the rule
    even if it did not."""
    if lookup in retired:
        raise Conflict(
            "The new number would be a retired one; it cannot be assigned again.",
            "新しい番号が変更前の番号と一致するため、指定できません。",
            reason="number_retired",
        )
