"""The eligibility answer a clinic's terminal shows (資格確認結果), built from what is on record.

One builder for every way a patient is identified (PIN, face, staff visual check, the numbers
of a 資格確認書): ``answer`` turns the enrolment, its insurer, the person and the visit's
consent into the real-time answer, with the co-pay and limit-amount rules of
``domain.insurance``. It reads nothing itself: callers pass the values they loaded (one row per
patient in ``card_checks``, ORM objects in ``clinic.answer_for``). No My Number is part of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mynumber.domain import insurance
from mynumber.domain.access import Purpose
from mynumber.domain.insurance import Consent, IncomeClass

PURPOSE = Purpose.SOCIAL_SECURITY
"""The purpose under which a clinic reads a patient's insurance (番号法 別表: 医療保険)."""


@dataclass(frozen=True)
class EligibilityAnswer:
    """The real-time answer to the clinic (no My Number)."""

    visit_id: int
    eligible: bool
    status: str  # "eligible" or "ended"
    message_en: str
    message_ja: str
    method: str
    name: str
    name_kana: str
    date_of_birth: dt.date
    sex: str
    insurer_number: str
    insurer_name: str
    symbol: str
    number: str
    branch: str
    copay_percent: int
    limit_category: str | None
    valid_from: dt.date
    valid_until: dt.date | None
    consent: Consent
    letter_valid_until: dt.date | None = None


@dataclass(frozen=True)
class Insured:
    """What the answer is made of: the person, the enrolment and its insurer."""

    name: str
    name_kana: str
    date_of_birth: dt.date
    sex: str
    insurer_number: str
    insurer_name: str
    enrolment_id: int
    symbol: str
    number: str
    branch: str
    income_class: str
    certain_income: bool
    valid_from: dt.date
    valid_until: dt.date | None


def answer(insured: Insured, *, visit_id: int, method: str, consent: Consent, today: dt.date,
           letter_valid_until: dt.date | None = None) -> EligibilityAnswer:
    """The answer for a visit: the enrolment's numbers, co-pay today, validity; the
    limit-amount category only with the patient's consent at this visit."""
    income = IncomeClass(insured.income_class)
    eligible = insurance.covered_on(valid_from=insured.valid_from,
                                    valid_until=insured.valid_until, on=today)
    if eligible:
        en, ja = "Insured: eligible today.", "資格確認済み（有効）。"
    else:
        ended = insurance.insurance_ended(insured.valid_until or today)
        en, ja = ended.message_en, ended.message_ja
    limit = insurance.limit_category(date_of_birth=insured.date_of_birth, on=today,
                                     income_class=income)
    return EligibilityAnswer(
        visit_id=visit_id, eligible=eligible, status="eligible" if eligible else "ended",
        message_en=en, message_ja=ja, method=method, name=insured.name,
        name_kana=insured.name_kana, date_of_birth=insured.date_of_birth, sex=insured.sex,
        insurer_number=insured.insurer_number, insurer_name=insured.insurer_name,
        symbol=insured.symbol, number=insured.number, branch=insured.branch,
        copay_percent=insurance.copay_for(date_of_birth=insured.date_of_birth, on=today,
                                          income_class=income,
                                          certain_income=insured.certain_income),
        limit_category=limit.value if consent.limit_amount else None,
        valid_from=insured.valid_from, valid_until=insured.valid_until, consent=consent,
        letter_valid_until=letter_valid_until)


def visit_audit_detail(*, visit_id: int, clinic_code: str, method: str,
                       consent: Consent) -> str:
    """The audit entry's detail for an eligibility check (the patient reads it on the portal)."""
    return (f"visit {visit_id} at clinic {clinic_code} by {method}; consent "
            f"medication={consent.medication} checkups={consent.checkups} "
            f"limit={consent.limit_amount}")
