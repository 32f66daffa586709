"""一部負担金の割合・資格確認書 — health-insurance co-pay ratio and eligibility letters.

Co-pay ratio (健康保険法 第74条; 国民健康保険法 第42条; 高齢者の医療の確保に関する法律 第67条):

- **20 %** before school age: up to the first 31 March after the day the child reaches 6
  (六歳に達する日以後の最初の三月三十一日以前). So school age starts on the first 1 April
  on or after the 6th birthday — a child born on 1 April (who reaches 6 on 31 March) starts
  on the birthday itself, one born on 2 April a year later (学校教育法 第17条 alike).
- **30 %** from school age to 69.
- **20 %** at 70–74 (高齢受給者), **30 %** with income like active workers (現役並み所得).
  From the 1st of the month *after* the month in which the person reaches 70 (70歳に達する
  日の属する月の翌月): a birthday on the 1st means reaching 70 on the last day of the
  previous month, so the new ratio starts on the birthday itself.
- **10 %** from 75 in the late-stage elderly system (後期高齢者医療制度); **20 %** for a
  certain income (一定以上所得, since 2022-10-01; 10 % before), **30 %** for active-worker
  income. It starts on the **75th birthday itself** (資格取得日 = the day one is 75), not the
  following month: the official rule, where the guide simplifies.

資格確認書 (eligibility confirmation letter): validity set by the insurer, at most 5 years
(健康保険法 改正, 2024). *Policy:* valid from the day of issue, so "5 years" ends on the day
before the 5th anniversary (民法 第143条; 2024-02-29 → 2029-02-28).

Paper health-insurance cards: no new issue from 2024-12-02; existing ones usable until their
own expiry, at most until 2025-12-01 (厚生労働省).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from mynumber.domain.errors import invalid
from mynumber.domain.timelines import (
    ONE_DAY,
    age_on,
    first_of_next_month,
    period_last_day,
    reaches_age_on,
)

CERTAIN_INCOME_BRACKET_FROM = dt.date(2022, 10, 1)
ELIGIBILITY_LETTER_MAX_YEARS = 5
PAPER_CARD_LAST_USABLE_DAY = dt.date(2025, 12, 1)
PAPER_CARD_LAST_ISSUE_DAY = dt.date(2024, 12, 1)


class IncomeBracket(StrEnum):
    """Income category that decides the co-pay from 70 (所得区分)."""

    GENERAL = "general"  # 一般・低所得
    CERTAIN_INCOME = "certain_income"  # 一定以上所得 (75+ only; 20 % since 2022-10-01)
    ACTIVE_WORKER = "active_worker"  # 現役並み所得


class AgeBand(StrEnum):
    """The co-pay age bands."""

    PRESCHOOL = "preschool"  # 未就学児
    SCHOOL_AGE_TO_69 = "school_age_to_69"
    ELDERLY_70_74 = "elderly_70_74"  # 高齢受給者
    LATE_ELDERLY = "late_elderly"  # 後期高齢者 (75+)


def school_age_starts_on(date_of_birth: dt.date) -> dt.date:
    """The first 1 April after the day the child reaches 6 (= on or after the 6th birthday)."""
    reached = reaches_age_on(date_of_birth, 6)
    april = dt.date(reached.year, 4, 1)
    return april if april > reached else dt.date(reached.year + 1, 4, 1)


def elderly_band_starts_on(date_of_birth: dt.date) -> dt.date:
    """The 1st of the month after the month of reaching 70 (the birthday, if born on a 1st)."""
    return first_of_next_month(reaches_age_on(date_of_birth, 70))


def late_elderly_starts_on(date_of_birth: dt.date) -> dt.date:
    """The first day as a late-stage elderly insured person: the day one is 75."""
    return reaches_age_on(date_of_birth, 75) + ONE_DAY


def age_band(*, date_of_birth: dt.date, on: dt.date) -> AgeBand:
    """The co-pay age band of a person born on ``date_of_birth`` on the day ``on``."""
    if on < date_of_birth:
        raise invalid(
            "date_of_birth",
            "The date of birth is after the day of care.",
            "生年月日が受診日より後です。",
        )
    if on >= late_elderly_starts_on(date_of_birth):
        return AgeBand.LATE_ELDERLY
    if on >= elderly_band_starts_on(date_of_birth):
        return AgeBand.ELDERLY_70_74
    if on >= school_age_starts_on(date_of_birth):
        return AgeBand.SCHOOL_AGE_TO_69
    return AgeBand.PRESCHOOL


def copay_percent(
    *, date_of_birth: dt.date, on: dt.date, income: IncomeBracket = IncomeBracket.GENERAL
) -> int:
    """The share of the cost the patient pays, in percent (30 = 3割), on the day ``on``."""
    band = age_band(date_of_birth=date_of_birth, on=on)
    if band is AgeBand.PRESCHOOL:
        return 20
    if band is AgeBand.SCHOOL_AGE_TO_69:
        return 30
    if income is IncomeBracket.ACTIVE_WORKER:
        return 30
    if band is AgeBand.ELDERLY_70_74:
        return 20
    if income is IncomeBracket.CERTAIN_INCOME and on >= CERTAIN_INCOME_BRACKET_FROM:
        return 20
    return 10


def latest_eligibility_letter_expiry(issued_on: dt.date) -> dt.date:
    """The latest expiry an insurer may give a 資格確認書 issued on ``issued_on``."""
    return period_last_day(issued_on, months=12 * ELIGIBILITY_LETTER_MAX_YEARS)


def check_eligibility_letter_expiry(*, issued_on: dt.date, expires_on: dt.date) -> dt.date:
    """``expires_on`` if it is a valid insurer's choice: not before issue, at most 5 years."""
    if expires_on < issued_on:
        raise invalid(
            "expires_on",
            "The eligibility letter cannot expire before it is issued.",
            "資格確認書の有効期限が交付日より前です。",
        )
    latest = latest_eligibility_letter_expiry(issued_on)
    if expires_on > latest:
        raise invalid(
            "expires_on",
            f"An eligibility letter is valid for at most 5 years (until {latest}).",
            f"資格確認書の有効期間は最長5年です（{latest} まで）。",
        )
    return expires_on


def paper_card_usable(*, expires_on: dt.date, today: dt.date) -> bool:
    """Whether an old paper insurance card still works: until its expiry, at most 2025-12-01."""
    return today <= min(expires_on, PAPER_CARD_LAST_USABLE_DAY)


# --- the expired user-authentication certificate (RULES.md "expired certificate") ----------

EXPIRED_CERTIFICATE_GRACE_MONTHS = 3
"""厚生労働省's measure (insurers' guidance): after the user-authentication certificate expires,
eligibility can still be confirmed with the card until 3 months after the end of the month of
expiry — eligibility only, no medication or check-up sharing — and the answer tells the
holder to renew."""


def expired_certificate_grace_ends(expires_on: dt.date) -> dt.date:
    """The last day a card whose user-authentication certificate's last valid day is
    ``expires_on`` still confirms eligibility: the last day of the 3rd month after the month
    of expiry (expired 2026-01-15 or 2026-01-31 → 2026-04-30; 2028-02-29 → 2028-05-31;
    2026-11-30 → 2027-02-28)."""
    month = expires_on.month - 1 + EXPIRED_CERTIFICATE_GRACE_MONTHS + 1  # the month after
    first_after = dt.date(expires_on.year + month // 12, month % 12 + 1, 1)
    return first_after - ONE_DAY


def in_expired_certificate_grace(expires_on: dt.date, today: dt.date) -> bool:
    """Expired (``today`` is after its last valid day) but still within the grace."""
    return expires_on < today <= expired_certificate_grace_ends(expires_on)


def renew_certificate_note(grace_ends: dt.date) -> tuple[str, str]:
    """What the eligibility answer tells the holder in the grace (English, Japanese)."""
    return (
        f"The card's user-authentication certificate has expired: renew it at the ward "
        f"office. Until {grace_ends} the card confirms eligibility only (no medication or "
        "check-up sharing).",
        f"利用者証明用電子証明書の有効期限が切れています。市区町村の窓口で更新してください。"
        f"{grace_ends}までは資格確認のみ可能です（薬剤情報・健診情報の提供はできません）。",
    )


# --- which paper each insured person gets (RULES.md "Health insurance", row "fallback") ------


class InsurancePaper(StrEnum):
    """The paper an insurer sends each insured person."""

    QUALIFICATION_NOTICE = "qualification_notice"
    """資格情報のお知らせ — the insurance numbers on paper, for holders of a マイナ保険証 (it is
    not a card: the clinic checks the My Number Card)."""
    ELIGIBILITY_LETTER = "eligibility_letter"
    """資格確認書 — shown at the clinic instead of the card."""


INSURANCE_USE_CANCELLABLE_FROM = dt.date(2024, 10, 28)
"""利用登録の解除: since this day a holder may cancel the insurance use of their card, and then
gets a 資格確認書 (RULES.md "Health insurance", fallback; 厚生労働省)."""
LATE_ELDERLY_LETTER_REGARDLESS_FROM = dt.date(2026, 8, 1)
LATE_ELDERLY_LETTER_REGARDLESS_AGE = 85
"""RULES.md "Health insurance", fallback: "Late-stage elderly: from 2026-08, everyone aged
85+ gets a 資格確認書 whatever their card" (健康保険法 改正 (2024); 厚生労働省). *Policy:*
"from 2026-08" is from 2026-08-01, and "aged 85+" is counted on the day the paper is sent
under 年齢計算ニ関スル法律 (``timelines.age_on``: a person born on 29 February 1941 is 85
from 1 March 2026)."""


def letter_regardless_of_card(
    *, late_elderly_insured: bool, date_of_birth: dt.date, on: dt.date
) -> bool:
    """Whether the person gets a 資格確認書 whatever their card: insured in the late-stage
    elderly system (後期高齢者医療制度), aged 85 or more on ``on``, from 2026-08-01."""
    return (
        late_elderly_insured
        and on >= LATE_ELDERLY_LETTER_REGARDLESS_FROM
        and age_on(date_of_birth, on) >= LATE_ELDERLY_LETTER_REGARDLESS_AGE
    )


def paper_for(
    *,
    has_insurance_card: bool,
    late_elderly_insured: bool,
    date_of_birth: dt.date,
    on: dt.date,
) -> InsurancePaper:
    """The paper an insured person gets on ``on``: a 資格確認書 for the late-stage elderly aged
    85+ from 2026-08 (whatever their card) and for everyone without a usable card registered
    for insurance use (no card, or its insurance use cancelled: 利用登録の解除); a 資格情報の
    お知らせ for every other holder of a マイナ保険証 (``has_insurance_card``)."""
    if letter_regardless_of_card(
        late_elderly_insured=late_elderly_insured, date_of_birth=date_of_birth, on=on
    ):
        return InsurancePaper.ELIGIBILITY_LETTER
    if has_insurance_card:
        return InsurancePaper.QUALIFICATION_NOTICE
    return InsurancePaper.ELIGIBILITY_LETTER


def check_insurance_use_cancellable(on: dt.date) -> None:
    """利用登録の解除 exists only since 2024-10-28."""
    if on < INSURANCE_USE_CANCELLABLE_FROM:
        raise invalid(
            "on",
            "The insurance use of a card can be cancelled only from 2024-10-28.",
            "マイナ保険証の利用登録の解除は2024年10月28日から可能です。",
        )
