"""個人番号カード・電子証明書の有効期間 — validity of the My Number Card and its certificates.

Rules (番号法施行規則 = 個人番号カード等に関する命令 第26条; 公的個人認証法施行規則):

- The card is valid until the **10th birthday** after the day of issue for a holder aged 18
  or over on the day of issue, else until the **5th birthday** (so 9–10 or 4–5 years). A
  birthday falling on the day of issue itself is not "after" it. For cards applied for
  before 2022-04-01 the age line was 20.
- *Policy:* the age that decides 10 vs 5 is the age **on the day of issue** (municipalities
  differ between application and issue; the ordinance says 発行の日において). Age follows
  年齢計算ニ関スル法律 (see ``timelines.age_on``).
- Both electronic certificates are valid until the **5th birthday** after their issue, and
  never beyond the card's expiry. The signature certificate (署名用電子証明書) is in principle
  not issued to children under 15.
- Foreign residents with a period of stay: card and certificates end on the end of the
  period of stay in force at issue (在留期間満了日) when that is earlier. Permanent residents
  (永住者), special permanent residents (特別永住者) and 高度専門職2号 have no period of stay
  and follow the birthday rule. The date does not follow a stay renewal by itself: the holder
  files a validity change (有効期間変更), never past the birthday limit. While a stay renewal
  is pending (特例期間), a one-off extension of 2 months may be granted.
- 29 February births: the birthday in a common year is 28 February (the ordinances' deeming
  rule; also the day that person reaches the new age under 民法 第143条). See ``timelines``.
- Renewal is possible from 3 months before expiry; J-LIS mails the expiry notice
  (有効期限通知書) 2–3 months before — *policy:* we send it 3 months before, when the
  renewal window opens. Expiry dates are inclusive: the card works through that day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from mynumber.domain.errors import CardError, Conflict, invalid
from mynumber.domain.timelines import add_months, age_on, nth_birthday_after

ADULT_AGE = 18
ADULT_AGE_BEFORE_2022 = 20
ADULT_AGE_CHANGED_ON = dt.date(2022, 4, 1)
CARD_BIRTHDAYS_ADULT = 10
CARD_BIRTHDAYS_MINOR = 5
CERTIFICATE_BIRTHDAYS = 5
SIGNATURE_CERTIFICATE_MIN_AGE = 15
RENEWAL_WINDOW_MONTHS = 3
RENEWAL_NOTICE_MONTHS = 3
PENDING_RENEWAL_EXTENSION_MONTHS = 2


class NoStayLimitStatus(StrEnum):
    """Statuses of residence (在留資格) without a period of stay: the birthday rule applies."""

    PERMANENT_RESIDENT = "permanent_resident"  # 永住者
    SPECIAL_PERMANENT_RESIDENT = "special_permanent_resident"  # 特別永住者
    HIGHLY_SKILLED_PROFESSIONAL_2 = "highly_skilled_professional_2"  # 高度専門職2号


_STATUS_ALIASES: dict[str, NoStayLimitStatus] = {
    "permanentresident": NoStayLimitStatus.PERMANENT_RESIDENT,
    "永住者": NoStayLimitStatus.PERMANENT_RESIDENT,
    "specialpermanentresident": NoStayLimitStatus.SPECIAL_PERMANENT_RESIDENT,
    "特別永住者": NoStayLimitStatus.SPECIAL_PERMANENT_RESIDENT,
    "highlyskilledprofessional2": NoStayLimitStatus.HIGHLY_SKILLED_PROFESSIONAL_2,
    "highlyskilledprofessionalii": NoStayLimitStatus.HIGHLY_SKILLED_PROFESSIONAL_2,
    "highlyskilledprofessionalno2": NoStayLimitStatus.HIGHLY_SKILLED_PROFESSIONAL_2,
    "高度専門職2号": NoStayLimitStatus.HIGHLY_SKILLED_PROFESSIONAL_2,
    "高度専門職第2号": NoStayLimitStatus.HIGHLY_SKILLED_PROFESSIONAL_2,
}


def no_stay_limit_status(status_of_residence: str) -> NoStayLimitStatus | None:
    """The status as a ``NoStayLimitStatus`` if it has no period of stay, else ``None``.

    Accepts the enum values, English names and the Japanese names (``永住者``,
    ``Permanent Resident``, ``Highly Skilled Professional (ii)``, ``高度専門職２号``…).
    """
    key = "".join(ch for ch in status_of_residence.casefold() if ch.isalnum())
    key = key.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return _STATUS_ALIASES.get(key)


def period_of_stay_end_required(status_of_residence: str) -> bool:
    """Whether a status of residence must come with the end of its period of stay: every
    status but 永住者, 特別永住者 and 高度専門職2号 (入管法 第2条の2; RULES.md "foreign
    residents"). ``""`` (a Japanese national) needs none."""
    return bool(status_of_residence.strip()) and no_stay_limit_status(status_of_residence) is None


@dataclass(frozen=True)
class StayPermit:
    """A status of residence and the end of its period of stay (``None`` when unlimited)."""

    status_of_residence: str
    period_of_stay_ends: dt.date | None


def stay_cap(residence: StayPermit | None) -> dt.date | None:
    """The end of stay that caps the card, or ``None`` (Japanese national, no period of stay)."""
    if residence is None or no_stay_limit_status(residence.status_of_residence):
        return None
    return residence.period_of_stay_ends


def _check_born_before(date_of_birth: dt.date, day: dt.date, field: str) -> None:
    if day < date_of_birth:
        raise invalid(field, "The date is before the date of birth.", "日付が生年月日より前です。")


def adult_age_for_card(applied_on: dt.date) -> int:
    """The age line for the 10-year card: 18, or 20 for applications before 2022-04-01."""
    return ADULT_AGE if applied_on >= ADULT_AGE_CHANGED_ON else ADULT_AGE_BEFORE_2022


def card_birthday_limit(
    *, date_of_birth: dt.date, issued_on: dt.date, applied_on: dt.date | None = None
) -> dt.date:
    """The 10th birthday after issue (18+ on the day of issue), else the 5th; no stay cap."""
    _check_born_before(date_of_birth, issued_on, "issued_on")
    adult = age_on(date_of_birth, issued_on) >= adult_age_for_card(applied_on or issued_on)
    count = CARD_BIRTHDAYS_ADULT if adult else CARD_BIRTHDAYS_MINOR
    return nth_birthday_after(date_of_birth, issued_on, count)


def _capped(limit: dt.date, issued_on: dt.date, residence: StayPermit | None) -> dt.date:
    cap = stay_cap(residence)
    if cap is None:
        return limit
    if cap < issued_on:
        raise invalid(
            "period_of_stay_ends",
            "The period of stay ended before the day of issue.",
            "在留期間が発行日より前に満了しています。",
        )
    return min(limit, cap)


def card_expiry(
    *,
    date_of_birth: dt.date,
    issued_on: dt.date,
    residence: StayPermit | None = None,
    applied_on: dt.date | None = None,
) -> dt.date:
    """The card's last valid day (有効期限): the birthday rule, capped by the end of stay."""
    limit = card_birthday_limit(
        date_of_birth=date_of_birth, issued_on=issued_on, applied_on=applied_on
    )
    return _capped(limit, issued_on, residence)


def certificate_expiry(
    *,
    date_of_birth: dt.date,
    issued_on: dt.date,
    card_expires_on: dt.date | None = None,
    residence: StayPermit | None = None,
) -> dt.date:
    """A certificate's last valid day: 5th birthday after issue, never past the card or stay.

    ``card_expires_on`` defaults to the expiry of a card issued the same day (certificates
    issued with a new card); pass the card's date when a certificate is reissued later.
    """
    _check_born_before(date_of_birth, issued_on, "issued_on")
    if card_expires_on is None:
        card_expires_on = card_expiry(
            date_of_birth=date_of_birth, issued_on=issued_on, residence=residence
        )
    if card_expires_on < issued_on:
        raise CardError(
            "The card has expired: no certificate can be issued on it.",
            "カードの有効期限が過ぎているため、電子証明書を発行できません。",
            card_expires_on=card_expires_on.isoformat(),
        )
    limit = nth_birthday_after(date_of_birth, issued_on, CERTIFICATE_BIRTHDAYS)
    return _capped(min(limit, card_expires_on), issued_on, residence)


def signature_certificate_allowed(*, date_of_birth: dt.date, on: dt.date) -> bool:
    """Whether the signature certificate is issued: in principle not under 15."""
    return age_on(date_of_birth, on) >= SIGNATURE_CERTIFICATE_MIN_AGE


def validity_after_residence_renewal(
    *,
    date_of_birth: dt.date,
    card_issued_on: dt.date,
    current_expiry: dt.date,
    renewed: StayPermit,
    filed_on: dt.date,
) -> dt.date:
    """The card's new expiry after 有効期間変更 (validity change) for a renewed stay.

    The new end of stay, or the birthday limit for a status without a period of stay, never
    past the birthday limit of the card's original issue. Must be filed while the card is
    still valid (on or before ``current_expiry``); the certificates are not changed — they
    are reissued (``certificate_expiry`` with the new card date).
    """
    if filed_on > current_expiry:
        raise CardError(
            "The card has expired: apply for a new card instead of a validity change.",
            "カードの有効期限が過ぎています。有効期間の変更ではなく、"
            "新しいカードを申請してください。",
            card_expires_on=current_expiry.isoformat(),
        )
    limit = card_birthday_limit(date_of_birth=date_of_birth, issued_on=card_issued_on)
    cap = stay_cap(renewed)
    if cap is not None and cap <= current_expiry:
        raise invalid(
            "period_of_stay_ends",
            "The new period of stay must end after the card's current expiry.",
            "新しい在留期間の満了日は、カードの現在の有効期限より後である必要があります。",
        )
    return limit if cap is None else min(limit, cap)


def validity_while_renewal_pending(
    *,
    date_of_birth: dt.date,
    card_issued_on: dt.date,
    current_expiry: dt.date,
    filed_on: dt.date,
    already_extended: bool = False,
) -> dt.date:
    """The one-off extension by 2 months while a stay renewal is pending (特例期間).

    Filed on or before the current expiry, with proof of the pending application; never
    past the birthday limit; granted once.
    """
    if already_extended:
        raise Conflict(
            "The card's validity was already extended once for a pending renewal.",
            "在留期間更新申請中の有効期間延長は一度だけです。",
        )
    if filed_on > current_expiry:
        raise CardError(
            "The card has expired: it can no longer be extended.",
            "カードの有効期限が過ぎているため、延長できません。",
            card_expires_on=current_expiry.isoformat(),
        )
    limit = card_birthday_limit(date_of_birth=date_of_birth, issued_on=card_issued_on)
    return min(limit, add_months(current_expiry, PENDING_RENEWAL_EXTENSION_MONTHS))


def renewal_window_opens(expiry: dt.date) -> dt.date:
    """The first day the card (or a certificate) can be renewed: 3 months before expiry."""
    return add_months(expiry, -RENEWAL_WINDOW_MONTHS)


def renewal_notice_due(expiry: dt.date) -> dt.date:
    """When to send the expiry notice (有効期限通知書): 3 months before (J-LIS: 2–3 months)."""
    return add_months(expiry, -RENEWAL_NOTICE_MONTHS)


def can_renew(expiry: dt.date, today: dt.date) -> bool:
    """Whether renewal is open (from 3 months before expiry; after expiry, a new card)."""
    return today >= renewal_window_opens(expiry)


def is_expired(expiry: dt.date, today: dt.date) -> bool:
    """Expired once the last valid day has passed (the expiry day itself is still valid)."""
    return today > expiry
