"""特定在留カード — the special residence card: the residence card and the My Number Card in one.

From **2026-06-14** (改正入管法・番号法, 2024; RULES.md "special residence card") a foreign
mid- to long-term resident (中長期在留者) may, if they wish, have one card that is both their
residence card (在留カード) and their My Number Card. The rules the system follows:

- **Who**: a foreign resident registered in the resident register with a residence card. Not
  a Japanese national (no residence card), not a special permanent resident (特別永住者: they
  hold a 特別永住者証明書, which is not a residence card) and not a stay of 3 months or less
  or 短期滞在 / 外交 / 公用 (no residence card at all: 入管法 第19条の3).
- **Where**: the application goes with the stay application (在留期間更新, 在留資格変更…) to
  the regional immigration bureau (地方出入国在留管理局), which hands over the card; J-LIS
  makes the chip. *Policy:* the holder sets the PINs at the bureau when the card is handed
  over, as at a ward office's counter.
- **Validity**: as for any My Number Card of a foreign resident with a period of stay, the
  end of the period of stay, capped by the birthday rule (``validity.card_expiry``); the
  certificates follow (``validity.certificate_expiry``).
- **Renewal follows the stay**: a stay renewal at the bureau gives a **new** card (a new
  residence card number, a new chip, new certificates) valid until the new end of stay
  (again capped by the birthday rule counted from the new issue); the old card is handed
  back and invalidated, its certificates revoked. An ordinary My Number Card does not follow
  a stay renewal by itself (the holder files a validity change at the ward office:
  ``validity.validity_after_residence_renewal``); a special residence card's date is never
  changed at the ward office — it is renewed with the stay.

Source: 出入国在留管理庁「特定在留カード」(2026-06-14 施行, 令和6年法律第59号による入管法
改正); RULES.md "special residence card".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum

from mynumber.domain.card_kinds import CardKind
from mynumber.domain.errors import Conflict, invalid
from mynumber.domain.registration import MID_TO_LONG_TERM_MONTHS, is_registrable
from mynumber.domain.timelines import period_last_day
from mynumber.domain.validity import (
    NoStayLimitStatus,
    StayPermit,
    card_expiry,
    no_stay_limit_status,
)

#: The day the special residence card can first be issued (改正法の施行日).
SPECIAL_RESIDENCE_CARD_FROM = dt.date(2026, 6, 14)


class Refusal(StrEnum):
    """Why a special residence card is refused (the ``reason`` of the error)."""

    NOT_YET = "special_residence_card_not_yet"
    JAPANESE_NATIONAL = "japanese_national"
    SPECIAL_PERMANENT_RESIDENT = "special_permanent_resident"
    SHORT_STAY = "short_stay"
    STAY_NOT_EXTENDED = "stay_not_extended"
    NOT_A_SPECIAL_RESIDENCE_CARD = "not_a_special_residence_card"
    FOLLOWS_THE_STAY = "special_residence_card_follows_the_stay"


_MESSAGES: dict[Refusal, tuple[str, str]] = {
    Refusal.NOT_YET: (
        "The special residence card (特定在留カード) is issued from 2026-06-14.",
        "特定在留カードは2026年6月14日から交付されます。",
    ),
    Refusal.JAPANESE_NATIONAL: (
        "A Japanese national has no residence card: the special residence card is for foreign "
        "mid- to long-term residents. Apply for a My Number Card at the ward office.",
        "日本国籍の方は在留カードをお持ちでないため、特定在留カードの対象外です"
        "（対象は中長期在留者です）。マイナンバーカードは市区町村で申請してください。",
    ),
    Refusal.SPECIAL_PERMANENT_RESIDENT: (
        "A special permanent resident holds a special permanent resident certificate "
        "(特別永住者証明書), not a residence card: the special residence card is not for them. "
        "Apply for a My Number Card at the ward office.",
        "特別永住者の方は在留カードではなく特別永住者証明書をお持ちのため、特定在留カードの"
        "対象外です。マイナンバーカードは市区町村で申請してください。",
    ),
    Refusal.SHORT_STAY: (
        "A stay of 3 months or less, or a Temporary Visitor, Diplomat or Official stay, gets "
        "no residence card, so no special residence card.",
        "在留期間が3か月以下の方、短期滞在・外交・公用の方には在留カードが交付されないため、"
        "特定在留カードも交付されません。",
    ),
    Refusal.STAY_NOT_EXTENDED: (
        "A stay renewal must end after the current period of stay.",
        "在留期間の更新後の満了日は、現在の満了日より後である必要があります。",
    ),
    Refusal.NOT_A_SPECIAL_RESIDENCE_CARD: (
        "This person's card in use is not a special residence card: apply for one with the "
        "stay application instead.",
        "この方の利用中のカードは特定在留カードではありません。在留申請とあわせて特定在留カードを"
        "申請してください。",
    ),
    Refusal.FOLLOWS_THE_STAY: (
        "A special residence card follows the period of stay: it is renewed with the stay at "
        "the immigration bureau, not changed at the ward office.",
        "特定在留カードの有効期間は在留期間に連動し、地方出入国在留管理局での在留期間の更新と"
        "あわせて更新されます。市区町村窓口での有効期間変更はできません。",
    ),
}


class SpecialResidenceCardRefused(Conflict):
    """A special residence card cannot be issued or renewed, for the reason named."""

    code = "special-residence-card-refused"
    title = "The special residence card is refused"


def refused(reason: Refusal) -> SpecialResidenceCardRefused:
    en, ja = _MESSAGES[reason]
    return SpecialResidenceCardRefused(en, ja, reason=reason.value)


PREFECTURES = frozenset(f"{n:02d}" for n in range(1, 48))
"""The 47 prefecture codes (JIS X 0401), the first two digits of a municipality's code."""


def parse_prefectures(codes: Iterable[str]) -> str:
    """A bureau's area (管轄) as stored: sorted 2-digit prefecture codes joined by commas."""
    found = sorted({code.strip().zfill(2) for code in codes if code.strip()})
    if not found or not set(found) <= PREFECTURES:
        raise invalid(
            "prefectures",
            "Give the prefectures the bureau serves as 2-digit codes (01–47), e.g. 13,14.",
            "管轄する都道府県を2桁のコード（01〜47）で入力してください（例: 13,14）。",
        )
    return ",".join(found)


def serves(prefectures: str, municipality_code: str) -> bool:
    """Whether a bureau serving ``prefectures`` covers the municipality (its first 2 digits)."""
    return municipality_code[:2] in prefectures.split(",")


def available(on: dt.date) -> bool:
    """Whether the special residence card can be issued on ``on`` (from 2026-06-14)."""
    return on >= SPECIAL_RESIDENCE_CARD_FROM


JAPAN = "JP"


def refusal_for(
    *, on: dt.date, nationality: str, registered_status: str | None, granted: StayPermit
) -> Refusal | None:
    """Why a special residence card granted on ``on`` with the stay ``granted`` is refused,
    or ``None``. ``nationality`` is the applicant's (ISO 3166 alpha-2, from the passport);
    ``registered_status`` the register's status of residence (``None``: no residence card)."""
    if not available(on):
        return Refusal.NOT_YET
    if nationality.strip().upper() == JAPAN:
        return Refusal.JAPANESE_NATIONAL
    if registered_status is None or not registered_status.strip():
        return Refusal.JAPANESE_NATIONAL
    for status in (registered_status, granted.status_of_residence):
        if no_stay_limit_status(status) is NoStayLimitStatus.SPECIAL_PERMANENT_RESIDENT:
            return Refusal.SPECIAL_PERMANENT_RESIDENT
    if not is_registrable(granted.status_of_residence) or _short(granted, on):
        return Refusal.SHORT_STAY
    return None


def _short(granted: StayPermit, on: dt.date) -> bool:
    """A stay of 3 months or less from the grant (入管法 第19条の3 第1号)."""
    ends = granted.period_of_stay_ends
    return ends is not None and ends <= period_last_day(on, months=MID_TO_LONG_TERM_MONTHS)


def check_request(
    *, on: dt.date, nationality: str, registered_status: str | None, granted: StayPermit
) -> None:
    """Refuse (``SpecialResidenceCardRefused``) a special residence card that cannot be had."""
    reason = refusal_for(
        on=on, nationality=nationality, registered_status=registered_status, granted=granted
    )
    if reason is not None:
        raise refused(reason)


def check_renewal(*, current_stay_ends: dt.date | None, renewed: StayPermit) -> None:
    """A stay renewal must end later than the stay it renews (an unlimited stay always does)."""
    new = renewed.period_of_stay_ends
    if current_stay_ends is not None and new is not None and new <= current_stay_ends:
        raise refused(Refusal.STAY_NOT_EXTENDED)


def card_expiry_with_stay(
    *, date_of_birth: dt.date, issued_on: dt.date, stay: StayPermit
) -> dt.date:
    """The special residence card's last day: the end of stay, capped by the birthday rule
    counted from this card's issue (a renewal is a new card: ``validity.card_expiry``)."""
    return card_expiry(date_of_birth=date_of_birth, issued_on=issued_on, residence=stay)


def check_ward_office_validity_change(kind: str) -> None:
    """The ward office's validity change (有効期間変更) is for the usual card only."""
    if kind == CardKind.SPECIAL_RESIDENCE_CARD:
        raise refused(Refusal.FOLLOWS_THE_STAY)
