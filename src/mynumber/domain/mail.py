"""Mail: what the ward office sends and how delivery can fail.

The guide: "If the mail cannot be delivered (you're not home, wrong address, etc.), you may
not receive your number." A letter that cannot be delivered goes back to the ward office
(返戻), which holds it and hands it over in person against photo ID.
"""

from __future__ import annotations

from enum import StrEnum


class MailKind(StrEnum):
    NOTIFICATION_LETTER = "notification_letter"  # 個人番号通知書
    PICKUP_NOTICE = "pickup_notice"  # 交付通知書
    RENEWAL_NOTICE = "renewal_notice"  # 有効期限通知書
    ELIGIBILITY_LETTER = "eligibility_letter"  # 資格確認書
    CARD = "card"  # express issuance (特急発行) mails the card itself


class DeliveryFailure(StrEnum):
    """Why the post could not deliver (the guide's common reasons)."""

    NOT_HOME = "not_home"  # 不在 (kept at the post office, then returned)
    WRONG_ADDRESS = "wrong_address"  # 宛所不明
    MAILBOX_FULL = "mailbox_full"  # 郵便受けが一杯
    RETURNED = "returned"  # 返送 / 受取拒否


class MailStatus(StrEnum):
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    HELD_AT_OFFICE = "held_at_office"  # returned to and kept by the ward office
    HANDED_OVER = "handed_over"  # given in person at the counter


FAILURE_TEXT: dict[DeliveryFailure, tuple[str, str]] = {
    DeliveryFailure.NOT_HOME: ("nobody was home to receive it", "不在のため受け取られませんでした"),
    DeliveryFailure.WRONG_ADDRESS: ("the address could not be found", "宛先不明でした"),
    DeliveryFailure.MAILBOX_FULL: ("the mailbox was full", "郵便受けが一杯でした"),
    DeliveryFailure.RETURNED: ("it was returned to the sender", "差出人に返送されました"),
}
