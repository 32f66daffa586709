"""Asking the access policy (``domain.policy``): load the relationship, decide, audit.

Every use case that reads or acts on a person, a card or a record calls ``authorise`` before
it touches anything. An allowed decision is audited in the use case's transaction (it commits
with the use case); a refused one raises ``AccessRefused``, whose ``entry`` the entry point
appends in a transaction of its own after rolling the use case back, so a refusal is audited
even though nothing else of the request is kept. A use case's other refusals (the caller's
role: ``require_role``; a token not bound to an organisation; someone else's card…) carry
an entry the same way (``refused``), and every entry point — the API's problem handler, the
pages' route class and ``web.core.run``, the CLI's ``run_use_case`` — hands any error to the
one function that appends it, ``services.core.audit.record_refusal``.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import wraps
from typing import Any, Protocol, TypeVar

from sqlalchemy import Row, bindparam, exists, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Registration
from mynumber.adapters.db.models_card import Card, CardApplication
from mynumber.adapters.db.models_employer import Employee, Employer
from mynumber.adapters.db.models_immigration import ImmigrationBureau, StayCase
from mynumber.adapters.db.models_insurance import ClinicVisit, InsuranceEnrolment, Insurer
from mynumber.adapters.db.models_pki import TaxReceipt
from mynumber.domain import access, insurance
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import Forbidden, NotFound, PurposeNotAllowed
from mynumber.domain.policy import Action, Actor, Decision, Relationship, Visit, decide
from mynumber.domain.registration import RegistrationStatus
from mynumber.domain.special_residence import serves
from mynumber.services.core import audit
from mynumber.services.core.audit import AuditPurpose, NewEntry
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
    moving_in_to: str | None = None
    """The municipality a person is moving in to (転入届): the one relationship a moving-in
    has, asked before the person is looked up."""


class AccessRefused(Forbidden):
    """The policy refused: the caller has no relationship that allows this (audited)."""

    code = "access-refused"
    title = "No relationship allows this"

    def __init__(self, decision: Decision, entry: NewEntry) -> None:
        details: dict[str, object] = {
            "reason": decision.reason,
            "action": entry.action.removeprefix("refused:"),
        }
        if entry.person_id is not None:
            details["person_id"] = entry.person_id
        if entry.purpose:
            details["purpose"] = entry.purpose
        super().__init__(decision.message_en, decision.message_ja, **details)
        self.decision = decision
        self.entry = entry
        self.audit_entry = entry


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
    "no-consent": ConsentNotGiven,
    "visit-closed": ConsentNotGiven,
    "purpose-not-allowed": PurposeRefused,
}


RefusalT = TypeVar("RefusalT", bound=Forbidden)


def refused(
    caller: Caller,
    refusal: RefusalT,
    *,
    what: str | None = None,
    person_id: int | None = None,
    purpose: AuditPurpose = None,
    detail: str = "",
) -> RefusalT:
    """``refusal`` with the audit entry it leaves: ``refused:<what>`` (by default the
    refusal's reason or code), by ``caller``, about ``person_id`` (or the ``person_id`` the
    refusal names), for ``purpose`` (or the purpose it names, never as typed). A use case
    raises every refusal through this (or ``authorise``, ``require_role``) so that the
    API, the pages and the CLI audit it alike (``audit.record_refusal``)."""
    if refusal.audit_entry is not None:  # a refusal from deeper down keeps its own entry
        return refusal
    named = refusal.details.get("person_id")
    if person_id is None and isinstance(named, int) and not isinstance(named, bool):
        person_id = named
    reason = refusal.details.get("reason")
    what = what or (reason if isinstance(reason, str) and reason else refusal.code)
    refusal.audit_entry = NewEntry(
        caller,
        f"refused:{what}",
        person_id,
        detail or _detail(refusal),
        purpose if purpose is not None else audit.purpose_named(refusal.details.get("purpose")),
    )
    return refusal


class NamesPerson(Protocol):
    """A record about a person (an enrolment, a visit, an employee)."""

    @property
    def person_id(self) -> int | None: ...


def concealed(caller: Caller, not_found: NotFound, found: NamesPerson | None) -> NotFound:
    """``not_found``, the one answer for a record that is missing and for one that exists
    (``found``) outside ``caller``'s relationship (another insurer's enrolment, another
    clinic's visit, another employer's employee): the caller learns no more than of a
    missing record, while a found one leaves a refusal entry (``refused:relation``, about
    the person the record names) for the log and the person's own access page. A missing
    record leaves none: there is no one to tell."""
    if found is not None:
        not_found.audit_entry = NewEntry(
            caller, "refused:relation", found.person_id, "not-found; concealed"
        )
    return not_found


_DETAILS = ("reason", "action", "role", "staff_role")
"""What of a refusal's details the log keeps: codes the rules write, never typed text."""


def _detail(refusal: Forbidden) -> str:
    named = [
        f"{k} {refusal.details[k]}" for k in _DETAILS if isinstance(refusal.details.get(k), str)
    ]
    return "; ".join([refusal.code, *named])


UseCase = TypeVar("UseCase", bound=Callable[..., Any])


def refusals_audited(use_case: UseCase) -> UseCase:
    """A use case whose refusals by the rules it calls (``domain`` knows the rule, not the
    caller) carry the entry of its caller: the keyword argument ``caller``, or ``staff``'s
    caller (``refused``), however it is passed."""

    @wraps(use_case)
    def audited(*args: Any, **kwargs: Any) -> Any:
        try:
            return use_case(*args, **kwargs)
        except Forbidden as refusal:
            named = inspect.signature(use_case).bind_partial(*args, **kwargs).arguments
            caller = named.get("caller", getattr(named.get("staff"), "caller", None))
            if isinstance(caller, Caller):
                refused(caller, refusal)
            raise

    return audited  # type: ignore[return-value]


def require_role(caller: Caller, *allowed: Role) -> None:
    """Refuse (audited, ``refused:role``) a caller whose role is none of ``allowed``
    (``domain.access.require_role``)."""
    try:
        access.require_role(caller.role, *allowed)
    except Forbidden as refusal:
        raise role_refused(caller, refusal, allowed) from None


def role_refused(caller: Caller, refusal: RefusalT, allowed: Iterable[Role]) -> RefusalT:
    """``refusal`` of a caller outside ``allowed`` roles, with its entry (``refused:role``):
    a use case's check and a page's (``web.auth.staff``) leave the same kind of entry."""
    names = ", ".join(sorted(r.value for r in allowed))
    return refused(caller, refusal, what="role", detail=f"role {caller.role.value}, for {names}")


def actor_of(caller: Caller) -> Actor:
    return Actor(
        role=caller.role,
        municipality_code=caller.municipality_code,
        scope_id=caller.scope_id,
        clerk=getattr(caller, "clerk", None),
    )


def authorise(
    session: Session,
    svc: Services,
    caller: Caller,
    action: Action,
    subject: Subject,
    purpose: Purpose | None = None,
) -> Decision:
    """Allow (audited here) or raise ``AccessRefused`` (audited by the entry point)."""
    facts = load_relationship(session, svc, subject)
    if action is Action.ENROL_INSURED and subject.person_id is not None:
        facts = replace(facts, insurable_by=_insurable_by(session, svc, subject.person_id))
    if action in _STAY_ACTIONS and subject.person_id is not None:
        facts = _with_stay(session, facts, subject.person_id)
    if caller.role is Role.CARD_CENTRE and subject.person_id is not None:
        # Only the card centre's decision reads it: not on every authorisation, as cards are
        # partitioned by serial (migration 0016) and a look-up by person probes every partition.
        facts = replace(facts, card_record=_card_record(session, subject.person_id))
    decision = decide(actor_of(caller), action, facts, purpose)
    detail = f"{action.value}: {decision.reason}"
    if subject.visit_id is not None:
        detail += f" (visit {subject.visit_id})"
    if not decision.allowed:
        raise _REFUSALS.get(decision.reason, AccessRefused)(
            decision,
            NewEntry(caller, f"refused:{action.value}", subject.person_id, detail, purpose),
        )
    audit.record(
        session,
        caller=caller,
        action=f"allowed:{action.value}",
        person_id=subject.person_id,
        detail=detail,
        at=svc.clock.now(),
        purpose=purpose,
    )
    return decision


_STAY_ACTIONS = frozenset(
    {Action.ISSUE_SPECIAL_RESIDENCE_CARD, Action.RENEW_SPECIAL_RESIDENCE_CARD}
)
"""The immigration bureau's actions: only they load the stay facts (no other caller pays
for the queries)."""


def _with_stay(session: Session, facts: Relationship, person_id: int) -> Relationship:
    """The facts the immigration bureau's access turns on: a residence card on the active
    registration, and the bureaus holding the person's stay case."""
    row = session.execute(
        select(Registration.residence_card_number, Registration.municipality_code).where(
            Registration.person_id == person_id,
            Registration.status == RegistrationStatus.ACTIVE,
        )
    ).first()
    cases = session.scalars(select(StayCase.bureau_id).where(StayCase.person_id == person_id))
    serving = frozenset(
        bureau.id
        for bureau in session.scalars(select(ImmigrationBureau))
        if row is not None and serves(bureau.prefectures, row.municipality_code)
    )
    return replace(
        facts,
        foreign_resident=row is not None and row.residence_card_number is not None,
        bureaus_serving=serving,
        stay_cases=frozenset(cases),
    )


def record_refusal(session: Session, refused: AccessRefused, *, at: dt.datetime) -> None:
    """Append the refusal's audit entry (in the entry point's own transaction)."""
    audit.record_entries(session, [refused.entry], at=at)


def load_relationship(session: Session, svc: Services, subject: Subject) -> Relationship:
    """The facts ``domain.policy.decide`` needs about ``subject``."""
    person_id = subject.person_id
    visit = _visit(session, svc, subject.visit_id)
    if person_id is None:
        return Relationship(
            municipalities=frozenset({subject.moving_in_to})
            if subject.moving_in_to
            else frozenset(),
            visit=visit,
            card_in_terminal=subject.card_in_terminal,
        )
    # Asked before nearly every request's use case (and every refusal): the statements are
    # built once and run on the session's connection, without the ORM's per-query work; the
    # flush is the one autoflush would make (a use case's own rows are seen, as before).
    session.flush()
    conn = session.connection()
    key = {"person_id": person_id}
    return Relationship(
        person_id=person_id,
        municipalities=_municipalities_of(conn.execute(_REGISTRATIONS, key).all()),
        insured_by=frozenset(conn.scalars(_INSURERS, key)),
        tax_records=bool(conn.scalar(_TAX_RECORDS, key)),
        visit=visit,
        card_in_terminal=subject.card_in_terminal,
    )


_REGISTRATIONS = (
    select(Registration.municipality_code, Registration.status, Registration.moved_to)
    .where(Registration.person_id == bindparam("person_id"))
    .order_by(Registration.id.desc())
)
_INSURERS = select(InsuranceEnrolment.insurer_id).where(
    InsuranceEnrolment.person_id == bindparam("person_id")
)
_TAX_RECORDS = select(exists().where(TaxReceipt.person_id == bindparam("person_id")))


def _card_record(session: Session, person_id: int) -> bool:
    """The person has a card application or a card (the application first: one table)."""
    return bool(
        session.scalar(select(exists().where(CardApplication.person_id == person_id)))
    ) or bool(session.scalar(select(exists().where(Card.person_id == person_id))))


def _municipalities_of(rows: Sequence[Row[str, str, str | None]]) -> frozenset[str]:
    """Where the person is registered, from their registrations (newest first); with no
    active registration, the municipality they last moved out of and the one they are
    moving to (both still have business with them)."""
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
    consent_live = row.consent_at is not None and now < insurance.consent_expires_at(row.consent_at)
    return Visit(
        clinic_id=row.clinic_id,
        proven_by_chip=row.method in PROVEN_BY_CHIP and row.card_serial is not None,
        open=row.closed_at is None,
        consent_history=consent_live and (row.consent_medication or row.consent_checkups),
    )


def _insurable_by(session: Session, svc: Services, person_id: int) -> frozenset[int]:
    """The insurers entitled to enrol the person (``domain.insurance.may_enrol``): from
    where they are registered now and the employers that employ them today."""
    registered_in = frozenset(
        session.scalars(
            select(Registration.municipality_code).where(
                Registration.person_id == person_id,
                Registration.status == RegistrationStatus.ACTIVE,
            )
        )
    )
    today = svc.clock.today()
    employer_insurers = frozenset(
        insurer_id
        for insurer_id in session.scalars(
            select(Employer.insurer_id)
            .join(Employee, Employee.employer_id == Employer.id)
            .where(
                Employee.person_id == person_id,
                (Employee.left_on.is_(None)) | (Employee.left_on >= today),
            )
        )
        if insurer_id is not None
    )
    candidates = session.scalars(
        select(Insurer).where(
            Insurer.municipality_code.in_(registered_in)
            | Insurer.id.in_(employer_insurers)
            | (Insurer.kind == insurance.InsurerKind.LATE_ELDERLY.value)
        )
    )
    return frozenset(
        row.id
        for row in candidates
        if insurance.may_enrol(
            insurance.InsurerKind(row.kind),
            insurer_id=row.id,
            insurer_number=row.insurer_number,
            insurer_municipality=row.municipality_code,
            registered_in=registered_in,
            employer_insurers=employer_insurers,
        )
    )
