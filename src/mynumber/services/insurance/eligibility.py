"""The eligibility answer a clinic's terminal shows (資格確認結果): the purpose it is read
under and the audit entry it leaves.

The answer itself — its one declaration and its rules — is ``domain.insurance``
(``EligibilityAnswer``, built by ``eligibility_answer`` from an ``InsuredRecord``): one builder
for every way a patient is identified (PIN, face, staff visual check, the numbers of a
資格確認書). It reads nothing itself: callers pass the values they loaded (one row per patient
in ``checks``, ORM objects in ``clinic.insured_of``). No My Number is part of it.
"""

from __future__ import annotations

from mynumber.domain.access import Purpose
from mynumber.domain.insurance import (
    Consent,
    EligibilityAnswer,
    InsuredRecord,
    eligibility_answer,
)

__all__ = [
    "PURPOSE",
    "EligibilityAnswer",
    "InsuredRecord",
    "eligibility_answer",
    "visit_audit_detail",
]

PURPOSE = Purpose.SOCIAL_SECURITY
"""The purpose under which a clinic reads a patient's insurance (番号法 別表: 医療保険)."""


def visit_audit_detail(*, visit_id: int, clinic_code: str, method: str, consent: Consent) -> str:
    """The audit entry's detail for an eligibility check (the patient reads it on the portal)."""
    return (
        f"visit {visit_id} at clinic {clinic_code} by {method}; consent "
        f"medication={consent.medication} checkups={consent.checkups} "
        f"limit={consent.limit_amount}"
    )
