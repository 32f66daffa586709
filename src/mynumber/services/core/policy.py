"""Asking the access policy (``domain.policy``): load the relationship, decide, audit.

Every use case that reads or acts on a person, a card or a record calls ``authorise`` before
it touches anything. An allowed decision is audited in the use case's transaction (it commits
with the use case); a refused one raises ``AccessRefused``, whose ``entry`` the entry point
appends in a transaction of its own after rolling the use case back (``record_refusal``: the
API's problem handler, the pages' route class and the CLI call it), so a refusal is audited
even though nothing else of the request is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Registration
from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.adapters.db.models_insurance import ClinicVisit, InsuranceEnrolment
from mynumber.adapters.db.models_pki import TaxReceipt
from mynumber.domain import insurance
from mynumber.domain.access import Purpose
from mynumber.domain.errors import Forbidden, PurposeNotAllowed
from mynumber.domain.policy import Action, Actor, Decision, Relationship, Visit, decide
from mynumber.domain.registration import RegistrationStatus
from mynumber.services.core import audit
from mynumber.services.core.audit import NewEntry
from mynumber.services.core.context import Caller, Services

PROVEN_BY_CHIP = frozenset({"pin", "face", "visual"})
"""Visit methods in which the patient's card proved itself at the clinic's terminal."""


@dataclass(frozen=True)
class Subject:
    """Whom the use case is about: a person, and the visit when a clinic asks."""

    person_id: int | None
    visit_id: int | None = None
    card_in_terminal: bool = False
    """Set by the use case only when it holds a terminal session with this person's card."""


class AccessRefused(Forbidden):
    """The policy refused: the caller has no relationship that allows this (audited)."""

    code = "access-refused"
    title = "No relationship allows this"

    def __init__(self, decision: Decision, entry: NewEntry) -> None:
        details: dict[str, object] = {"reason": decision.reason,
                                      "action": entry.action.removeprefix("refused:")}
        if entry.person_id is not None:
            details["person_id"] = entry.person_id
        if entry.purpose:
            details["purpose"] = entry.purpose
        super().__init__(decision.message_en, decision.message_ja, **details)
        self.decision = decision
        self.entry = entry


class ConsentNotGiven(AccessRefused):
    """A clinic asked for history the patient did not consent to at this visit (or the
    visit, and its consent, is over)."""

    code = "consent-required"
    title = "The patient's consent is required"


class PurposeRefused(AccessRefused, PurposeNotAllowed):
    """The law does not allow this caller the number for this purpose (番号法 第9条)."""

    code = "purpose-not-allowed"
    title = "Purpose not allowed by the My Number Act"


_REFUSALS: dict[str, type[AccessRefused]] = {
    "no-consent": ConsentNotGiven, "visit-closed": ConsentNotGiven,
    "purpose-not-allowed": PurposeRefused}


def actor_of(caller: Caller) -> Actor:
    return Actor(role=caller.role, municipality_code=caller.municipality_code,
                 scope_id=caller.scope_id, clerk=getattr(caller, "clerk", None))


def authorise(session: Session, svc: Services, caller: Caller, action: Action,
              subject: Subject, purpose: Purpose | None = None) -> Decision:
    """Allow (audited here) or raise ``AccessRefused`` (audited by the entry point)."""
    facts = load_relationship(session, svc, subject)
    decision = decide(actor_of(caller), action, facts, purpose)
    detail = f"{action.value}: {decision.reason}"
    if subject.visit_id is not None:
        detail += f" (visit {subject.visit_id})"
    if not decision.allowed:
        raise _REFUSALS.get(decision.reason, AccessRefused)(decision, NewEntry(
            caller, f"refused:{action.value}", subject.person_id, detail,
            purpose))
    audit.record(session, caller=caller, action=f"allowed:{action.value}",
                 person_id=subject.person_id, detail=detail, at=svc.clock.now(),
                 purpose=purpose)
    return decision


def record_refusal(session: Session, refused: AccessRefused, *, at: dt.datetime) -> None:
    """Append the refusal's audit entry (in the entry point's own transaction)."""
    audit.record_entries(session, [refused.entry], at=at)


def load_relationship(session: Session, svc: Services, subject: Subject) -> Relationship:
    """The facts ``domain.policy.decide`` needs about ``subject``."""
    person_id = subject.person_id
    visit = _visit(session, svc, subject.visit_id)
    if person_id is None:
        return Relationship(visit=visit, card_in_terminal=subject.card_in_terminal)
    return Relationship(
        person_id=person_id,
        municipalities=_municipalities(session, person_id),
        insured_by=frozenset(session.scalars(
            select(InsuranceEnrolment.insurer_id)
            .where(InsuranceEnrolment.person_id == person_id))),
        tax_records=bool(session.scalar(select(
            exists().where(TaxReceipt.person_id == person_id)))),
        card_record=bool(session.scalar(select(
            exists().where(Card.person_id == person_id)))) or bool(session.scalar(select(
                exists().where(CardApplication.person_id == person_id)))),
        visit=visit, card_in_terminal=subject.card_in_terminal)


def _municipalities(session: Session, person_id: int) -> frozenset[str]:
    """Where the person is registered; with no active registration, the municipality they
    last moved out of and the one they are moving to (both still have business with them)."""
    rows = session.execute(
        select(Registration.municipality_code, Registration.status, Registration.moved_to)
        .where(Registration.person_id == person_id).order_by(Registration.id.desc())).all()
    active = {row.municipality_code for row in rows if row.status == RegistrationStatus.ACTIVE}
    if active or not rows:
        return frozenset(active)
    latest = rows[0]
    return frozenset(code for code in (latest.municipality_code, latest.moved_to) if code)


def _visit(session: Session, svc: Services, visit_id: int | None) -> Visit | None:
    if visit_id is None:
        return None
    row = session.get(ClinicVisit, visit_id)
    if row is None:
        return None
    now = svc.clock.now()
    consent_live = (row.consent_at is not None
                    and now < insurance.consent_expires_at(row.consent_at))
    return Visit(
        clinic_id=row.clinic_id,
        proven_by_chip=row.method in PROVEN_BY_CHIP and row.card_serial is not None,
        open=row.closed_at is None,
        consent_history=consent_live and (row.consent_medication or row.consent_checkups))
