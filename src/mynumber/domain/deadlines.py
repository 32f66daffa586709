"""届出期限 — notification deadlines of the resident register and the card.

Rules:

- 転入届 (moving in): within 14 days of starting to live at the address (住民基本台帳法
  第22条). Late is accepted but recorded as late (a fine up to ¥50,000 may follow, 第52条).
- 転居届 (moving within the municipality): within 14 days (第23条).
- 転出届 (moving out): before moving or within 14 days after; for moving abroad, before
  leaving (第24条).
- Counting: the day of the event is not counted (民法 第140条), so "within 14 days" of
  1 April ends on 15 April; a last day on which the ward office is closed moves to the next
  open day (地方自治法 第4条の2 第4項; see ``timelines.is_business_day``).
- Card on a move between municipalities (転入届の特例, 番号法施行令; Kuwana city guidance):
  the 転入届 must be filed with the card within 14 days of moving in **and** within 30 days
  of the planned moving-out date, or the card lapses; a 転入届 filed without the card update
  (継続利用) leaves the card invalid 90 days after that 転入届. The 14 days are the 転入届's
  own deadline (``moving_in_deadline``): one rule decides both whether the 転入届 is late and
  whether the card survives, so a 転入届 recorded as on time never leaves a lapsed card
  (issue 17.9). *Policy:* every limit that is met by doing something at the ward office
  (the 30 days, the 90 days) moves to the next open day like the notification deadlines
  (地方自治法 第4条の2 第4項): nobody can meet it on a day the office is closed.
- Express issuance (特急発行, since 2024-12-02; デジタル庁, Meiwa, Joso, Kounosu, Kokubunji
  municipal guidance): infants any day until the day before the 1st birthday (1歳未満;
  for a 29 February birth, 28 February); people arriving from abroad within 30 days of
  their 転入届 (the filing, not the day they started living here); a reissue after a loss
  *(policy)* within 30 days of the loss report. (In reality J-LIS mails an express card by
  registered post; here it is still collected at the ward office, about a week after the
  request: ``timelines.express_card_window``.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mynumber.domain.errors import invalid
from mynumber.domain.timelines import business_day_on_or_after, reaches_age_on

NOTIFICATION_DAYS = 14
CARD_MOVE_IN_DAYS = 14
CARD_AFTER_PLANNED_MOVE_OUT_DAYS = 30
CARD_CONTINUATION_DAYS = 90
EXPRESS_REQUEST_DAYS = 30


def office_deadline(event_on: dt.date, days: int) -> dt.date:
    """The last day of ``days`` counted from ``event_on`` (the day itself not counted, 民法
    第140条), moved to the next open day of the ward office (地方自治法 第4条の2 第4項).

    The one rule for every limit met by filing or doing something at the ward office."""
    return business_day_on_or_after(event_on + dt.timedelta(days=days))


def _notification_deadline(event_on: dt.date) -> dt.date:
    return office_deadline(event_on, NOTIFICATION_DAYS)


def _check_order(event_on: dt.date, filed_on: dt.date, field: str) -> None:
    if filed_on < event_on:
        raise invalid(
            field,
            "This notification is filed on or after the move, not before.",
            "この届出は異動日以後に行うものです。",
        )


def moving_in_deadline(started_living_on: dt.date) -> dt.date:
    """Last day to file the 転入届: 14 days after starting to live there (next open day)."""
    return _notification_deadline(started_living_on)


def is_late_moving_in(started_living_on: dt.date, filed_on: dt.date) -> bool:
    """Whether a 転入届 filed on ``filed_on`` is late (accepted, but recorded as late)."""
    _check_order(started_living_on, filed_on, "filed_on")
    return filed_on > moving_in_deadline(started_living_on)


def moving_within_deadline(moved_on: dt.date) -> dt.date:
    """Last day to file the 転居届 (moving within the municipality): 14 days after."""
    return _notification_deadline(moved_on)


def is_late_moving_within(moved_on: dt.date, filed_on: dt.date) -> bool:
    """Whether a 転居届 filed on ``filed_on`` is late."""
    _check_order(moved_on, filed_on, "filed_on")
    return filed_on > moving_within_deadline(moved_on)


def moving_out_deadline(moved_out_on: dt.date, *, abroad: bool = False) -> dt.date:
    """Last day to file the 転出届: 14 days after moving, or the day of leaving for abroad."""
    return moved_out_on if abroad else _notification_deadline(moved_out_on)


def is_late_moving_out(moved_out_on: dt.date, filed_on: dt.date, *, abroad: bool = False) -> bool:
    """Whether a 転出届 filed on ``filed_on`` is late (filing before moving is the norm):
    after the 14 days (next open day) for a move in Japan, after the day of leaving for a
    move abroad (住民基本台帳法 第24条). A late one is accepted and recorded as late."""
    return filed_on > moving_out_deadline(moved_out_on, abroad=abroad)


# --- The card on a move between municipalities ---------------------------------------------


def card_moving_in_deadline(*, moved_in_on: dt.date, planned_moving_out_on: dt.date) -> dt.date:
    """Last day to file the 転入届 with the card: the earlier of the 転入届's own deadline
    (``moving_in_deadline``: 14 days, next open day) and 30 days after the planned
    moving-out date (next open day); after it the card lapses (番号法施行令)."""
    return min(
        moving_in_deadline(moved_in_on),
        office_deadline(planned_moving_out_on, CARD_AFTER_PLANNED_MOVE_OUT_DAYS),
    )


def card_continuation_deadline(moving_in_filed_on: dt.date) -> dt.date:
    """Last day to update the card (継続利用) after a 転入届 filed without it: 90 days
    (next open day)."""
    return office_deadline(moving_in_filed_on, CARD_CONTINUATION_DAYS)


class CardMoveStatus(StrEnum):
    """Where a card stands after its holder moved to another municipality."""

    AWAITING_MOVING_IN = "awaiting_moving_in"  # 転入届 not filed yet, still in time
    AWAITING_UPDATE = "awaiting_update"  # 転入届 filed, card not yet updated (継続利用)
    UPDATED = "updated"  # chip updated in time: the card continues
    LAPSED = "lapsed"  # a limit was missed: the card is invalid (失効)


@dataclass(frozen=True)
class CardMoveVerdict:
    """A card's standing after a move, the next limit (``act_by``) and why, in EN and JA."""

    status: CardMoveStatus
    act_by: dt.date | None
    reason_en: str
    reason_ja: str

    @property
    def card_valid(self) -> bool:
        return self.status is not CardMoveStatus.LAPSED


def card_after_move(
    *,
    moved_in_on: dt.date,
    planned_moving_out_on: dt.date,
    moving_in_filed_on: dt.date | None,
    card_updated_on: dt.date | None,
    today: dt.date,
) -> CardMoveVerdict:
    """The verdict on a card after a card-based 転出届 and a move to another municipality."""
    if moving_in_filed_on is not None and moving_in_filed_on < moved_in_on:
        raise invalid(
            "moving_in_filed_on",
            "A moving-in notification is filed after moving in.",
            "転入届は転入した日以後に行うものです。",
        )
    if card_updated_on is not None and (
        moving_in_filed_on is None or card_updated_on < moving_in_filed_on
    ):
        raise invalid(
            "card_updated_on",
            "The card is updated at or after the moving-in notification.",
            "カードの継続利用の手続きは転入届と同時かその後です。",
        )
    file_by = card_moving_in_deadline(
        moved_in_on=moved_in_on, planned_moving_out_on=planned_moving_out_on
    )
    if moving_in_filed_on is None:
        if today > file_by:
            return _lapsed_no_moving_in(file_by)
        return CardMoveVerdict(
            CardMoveStatus.AWAITING_MOVING_IN,
            file_by,
            f"File the moving-in notification with your card by {file_by}.",
            f"{file_by} までにカードを持って転入届をしてください。",
        )
    if moving_in_filed_on > file_by:
        return _lapsed_no_moving_in(file_by)
    return _after_moving_in(moving_in_filed_on, card_updated_on, today)


def _lapsed_no_moving_in(file_by: dt.date) -> CardMoveVerdict:
    return CardMoveVerdict(
        CardMoveStatus.LAPSED,
        None,
        f"The moving-in notification was not filed with the card by {file_by}: the card "
        "has lapsed. Apply for a new card.",
        f"{file_by} までにカードを添えた転入届がなかったため、カードは失効しました。"
        "新しいカードを申請してください。",
    )


def _after_moving_in(
    filed_on: dt.date, updated_on: dt.date | None, today: dt.date
) -> CardMoveVerdict:
    update_by = card_continuation_deadline(filed_on)
    if updated_on is not None and updated_on <= update_by:
        return CardMoveVerdict(
            CardMoveStatus.UPDATED,
            None,
            "The card was updated for the new address and stays valid.",
            "カードは新しい住所に更新され、引き続き有効です。",
        )
    if updated_on is None and today <= update_by:
        return CardMoveVerdict(
            CardMoveStatus.AWAITING_UPDATE,
            update_by,
            f"Have the card updated at the ward office by {update_by} or it becomes invalid.",
            f"{update_by} までに窓口でカードの継続利用の手続きをしてください。"
            "過ぎるとカードは失効します。",
        )
    return CardMoveVerdict(
        CardMoveStatus.LAPSED,
        None,
        f"The card was not updated by {update_by}: it has lapsed. Apply for a new card.",
        f"{update_by} までに継続利用の手続きがなかったため、カードは失効しました。"
        "新しいカードを申請してください。",
    )


# --- Express issuance ----------------------------------------------------------------------


class ExpressReason(StrEnum):
    """Who may ask for express issuance (特急発行, since 2024-12-02)."""

    NEWBORN = "newborn"  # 出生 (infants)
    ARRIVAL_FROM_ABROAD = "arrival_from_abroad"  # 国外からの転入
    LOST_CARD = "lost_card"  # 紛失等による再交付
    ENDORSEMENT_FIELD_FULL = "endorsement_field_full"  # 追記欄満了による再交付


def express_request_deadline(event_on: dt.date, reason: ExpressReason | None = None) -> dt.date:
    """Last day to request express issuance.

    ``event_on`` is the date of birth for ``NEWBORN`` (until the day before the 1st
    birthday: the last day of 1歳未満, ``timelines.reaches_age_on``), the day the 転入届 was
    filed for ``ARRIVAL_FROM_ABROAD``, the loss report for ``LOST_CARD`` and, for
    ``ENDORSEMENT_FIELD_FULL``, the change that used the 追記欄's last line (30 days, *policy*
    like a loss: ``endorsements.EXPRESS_AFTER_FULL_DAYS``).
    """
    if reason is ExpressReason.NEWBORN:
        return reaches_age_on(event_on, 1)
    return event_on + dt.timedelta(days=EXPRESS_REQUEST_DAYS)


def express_issuance_allowed(
    *, event_on: dt.date, requested_on: dt.date, reason: ExpressReason | None = None
) -> bool:
    """Whether a request on ``requested_on`` is in time (on or after the event, by
    ``express_request_deadline``)."""
    return event_on <= requested_on <= express_request_deadline(event_on, reason)
