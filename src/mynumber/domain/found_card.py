"""一時停止の解除 — a card reported lost is found: lifting its suspension.

Rule (RULES.md "lost card found"; J-LIS): the suspension (一時停止) is lifted at the ward
office against ID — the holder in person with the found card and a photo ID that is theirs
(the found card itself counts, as at a return: ``records.check_holder``) — **unless the
certificates were already revoked and reissued**, i.e. a reissued card was collected: the
found card was then invalidated for good when the new one was handed over (廃止, ``lost``)
and can only be returned.

What happens to the certificates: the loss report revoked both (RULES.md "loss or theft").
A revocation is final — JPKI publishes it in its CRL and OCSP for the rest of the
certificate's life and has no "hold" to undo (公的個人認証法: 電子証明書の失効; J-LIS, JPKI
FAQ: a certificate revoked after a loss is not restored when the card is found, new ones are
issued; RFC 5280 §5.3.1: only ``certificateHold`` may be lifted, and JPKI does not use it). So
the revoked certificates stay revoked and the found card gets **new** certificates on new
key pairs at the same visit (the card was out of its holder's hands); its PINs stay as they
were. *Policy:* a reissue applied for but not yet collected is cancelled (with its card, if
made): one person keeps one card; the fee of an express reissue paid at the application is
settled by the office outside the system.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mynumber.domain.cards import CardStatus, InvalidReason
from mynumber.domain.validity import is_expired


@dataclass(frozen=True)
class LiftRefusal:
    """Why the suspension cannot be lifted, and what to do instead."""

    reason: str
    message_en: str  # may hold {expires_on}
    message_ja: str


def lift_refusal(
    *,
    status: CardStatus,
    invalid_reason: InvalidReason | None,
    expires_on: dt.date | None,
    today: dt.date,
) -> LiftRefusal | None:
    """Why a found card's suspension cannot be lifted today, or ``None`` when it can."""
    if status is CardStatus.INVALID and invalid_reason is InvalidReason.LOST:
        return LiftRefusal(
            "already_reissued",
            "A reissued card has already replaced this one: its certificates were revoked and "
            "reissued on the new card, so the found card cannot be used again. Take it back "
            "(return).",
            "既に再交付されたカードに替わっています（電子証明書は失効し、新しいカードに発行済み）。"
            "見つかったカードは使用できないため、返納を受け付けてください。",
        )
    if status is CardStatus.INVALID:
        return LiftRefusal(
            "already_invalid",
            "This card is invalid and can never be used again.",
            "このカードは廃止されており、再び使用することはできません。",
        )
    if status is not CardStatus.SUSPENDED:
        return LiftRefusal(
            "not_suspended",
            "This card is not suspended: only a card reported lost can have its suspension lifted.",
            "このカードは一時停止されていません。紛失の届出があったカードのみ解除できます。",
        )
    if expires_on is not None and is_expired(expires_on, today):
        return LiftRefusal(
            "expired",
            "The card expired on {expires_on} while it was lost. Apply for a renewal "
            "(a new card) instead.",
            "カードは紛失中の{expires_on}に有効期限が切れました。更新（新しいカードの申請）を"
            "してください。",
        )
    return None
