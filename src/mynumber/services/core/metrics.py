"""What the operator counts (Prometheus, ``prometheus-client``): eligibility checks by
outcome, PIN locks, the audit log's length. The HTTP requests are counted at the edge
(``api.observability``). Labels are closed lists — a method, an outcome code, a PIN's kind —
never a person, a number, a serial or a path."""

from __future__ import annotations

from prometheus_client import Counter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import AuditHead
from mynumber.card.chip import on_pin_locked
from mynumber.card.pins import PinRef
from mynumber.domain.errors import MyNumberError
from mynumber.domain.insurance import EligibilityAnswer

ELIGIBILITY_CHECKS = Counter(
    "mynumber_eligibility_checks",
    "Eligibility checks at clinics, by how the patient was identified and the outcome "
    "(eligible, ended, or the refusal's code)",
    ["method", "outcome"],
)
CHALLENGES_FORGOTTEN = Counter(
    "mynumber_card_auth_challenges_forgotten",
    "Card-authentication nonces deleted by the daily jobs, a day after they expired",
)
PIN_LOCKS = Counter(
    "mynumber_pin_locks", "PINs locked by a wrong entry on the chip, by the PIN's kind", ["pin"]
)


def eligibility_checked(method: str, outcome: EligibilityAnswer | MyNumberError) -> None:
    """Count one check: the answer's status, or the refusal's code."""
    label = outcome.status if isinstance(outcome, EligibilityAnswer) else outcome.code
    ELIGIBILITY_CHECKS.labels(method=method, outcome=label).inc()


def _pin_locked(pin: PinRef) -> None:
    PIN_LOCKS.labels(pin=pin.value).inc()


on_pin_locked(_pin_locked)


def audit_chain_length(session: Session) -> tuple[int, int]:
    """The audit log's entries (the sum of every chain's length) and its number of chains."""
    entries, chains = session.execute(
        select(func.coalesce(func.sum(AuditHead.last_seq), 0), func.count(AuditHead.id))
    ).one()
    return int(entries), int(chains)


def challenges_forgotten(count: int) -> None:
    """Count the nonces one run of the daily jobs forgot."""
    CHALLENGES_FORGOTTEN.inc(count)
