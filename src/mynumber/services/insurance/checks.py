"""Card checks at reception terminals (マイナ受付), many answered in one transaction.

A ``CardCheck`` is one patient at one clinic's terminal whose card was read: the
user-authentication certificate and, for a PIN check, the card's signature over the terminal's
nonce (face and staff visual checks prove the holder another way, in ``services.clinic``).
``check_cards`` answers each with an ``EligibilityAnswer`` or the error that names the cause
and the fix — the rules of ``card_auth`` (nonce, certificate, card), ``card_use`` (is the card
usable, is its address current), the insurance registration and ``domain.insurance`` (the
enrolment, the answer) — in a fixed number of statements for the whole group instead of about
twenty per check. Every rule is decided before anything is written, and only accepted checks
write: one check's refusal leaves the others' answers alone.

``clinic.check_with_pin`` and the face and visual checks call this with a group of one; the API
groups the PIN checks that arrive together (``api.check_desk``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from cryptography import x509
from sqlalchemy import and_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from mynumber.adapters.db.bulk_insert import insert_rows
from mynumber.adapters.db.lists import ListStatement
from mynumber.adapters.db.models import ACTIVE, Person, Registration
from mynumber.adapters.db.models_card import Card, Certificate
from mynumber.adapters.db.models_insurance import (
    Clinic,
    ClinicVisit,
    InsuranceEnrolment,
    Insurer,
)
from mynumber.domain import insurance
from mynumber.domain.access import Role
from mynumber.domain.cards import CardSnapshot, card_facts, card_problem, missing_pin_refusal
from mynumber.domain.errors import Forbidden, MyNumberError
from mynumber.domain.insurance import Consent
from mynumber.domain.pins import PinKind
from mynumber.pki.challenge import verify_challenge_signature
from mynumber.pki.revocation import RevokedEntry
from mynumber.pki.verify import RevocationLookup
from mynumber.services.cards import records as card_records
from mynumber.services.cards import use as card_use
from mynumber.services.core import audit, metrics
from mynumber.services.core.audit import NewEntry
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import refusals_audited, require_role
from mynumber.services.insurance.eligibility import (
    PURPOSE,
    EligibilityAnswer,
    InsuredRecord,
    eligibility_answer,
    visit_audit_detail,
)
from mynumber.services.insurance.insurer import register_insurance_use
from mynumber.services.jpki import card_auth
from mynumber.services.jpki.certificates import reason_flag, serial_text

NO_CONSENT = Consent()
"""What a visit opens with: the patient consents at the terminal afterwards."""


@dataclass(frozen=True)
class CardCheck:
    """One card read at one terminal; ``nonce`` and ``signature`` for a PIN check only.

    It carries no consent: a check opens the visit without any, and the patient consents
    afterwards at the terminal with the card (``clinic.give_consent``)."""

    caller: Caller
    certificate_der: bytes
    method: str = "pin"
    nonce: bytes | None = None
    signature: bytes | None = None
    register_insurance_use: bool = False


Outcome = EligibilityAnswer | MyNumberError


@dataclass
class _Accepted:
    index: int
    check: CardCheck
    clinic: _Clinic
    card_serial: str
    person_id: int
    insured: InsuredRecord
    visit_id: int = 0
    certificate_grace_until: dt.date | None = None  # expired, within the grace


@dataclass(frozen=True, slots=True)
class _Clinic:
    id: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class _Found:
    """A certificate's record, its card and the holder's registered address."""

    certificate_serial: str
    der: bytes
    revoked_at: dt.datetime | None
    revocation_reason: str | None
    card: CardSnapshot
    registered_address: str | None


@dataclass
class _Loaded:
    """What the group's checks need from the database, read in three statements."""

    clinics: dict[int, _Clinic]
    spent: set[tuple[str, str]]
    found: dict[str, _Found]
    insured: dict[int, list[InsuredRecord]] = field(default_factory=dict)


def check_cards(session: Session, svc: Services, checks: Sequence[CardCheck]) -> list[Outcome]:
    """Answer each check (in order): its eligibility answer, or why it was refused."""
    now = svc.clock.now()
    outcomes: list[Outcome | None] = [None] * len(checks)
    certificates = [_parse(check) for check in checks]
    loaded = _load(session, checks, certificates, now)
    accepted: list[_Accepted] = []
    for index, (check, certificate) in enumerate(zip(checks, certificates, strict=True)):
        try:
            accepted.append(_decide(session, svc, index, check, certificate, loaded, now))
        except MyNumberError as refused:
            outcomes[index] = refused
    _open_visits(session, accepted, now)
    _audit(session, accepted, now)
    for done in accepted:
        outcomes[done.index] = eligibility_answer(
            done.insured,
            visit_id=done.visit_id,
            method=done.check.method,
            consent=NO_CONSENT,
            today=svc.clock.today(),
            certificate_grace_until=done.certificate_grace_until,
        )
    answered = [outcome for outcome in outcomes if outcome is not None]
    for check, outcome in zip(checks, answered, strict=True):
        metrics.eligibility_checked(check.method, outcome)
    return answered


def _parse(check: CardCheck) -> x509.Certificate | MyNumberError:
    try:
        return card_auth.load_certificate(check.certificate_der)
    except MyNumberError as refused:
        return refused


# --- reading ------------------------------------------------------------------------------


def _load(
    session: Session,
    checks: Sequence[CardCheck],
    certificates: Sequence[x509.Certificate | MyNumberError],
    now: dt.datetime,
) -> _Loaded:
    scopes = {c.caller.scope_id for c in checks if c.caller.scope_id is not None}
    # Core rows on the session's connection: no ORM objects for what is only read here.
    conn = session.connection()
    clinics = (
        {
            row.id: _Clinic(*row)
            for row in conn.execute(_CLINICS.on(conn.dialect.name), {"ids": sorted(scopes)})
        }
        if scopes
        else {}
    )
    answers = [
        (c.caller, c.nonce)
        for c in checks
        if c.nonce is not None
        and _well_formed(c.nonce)
        and c.caller.scope_id in clinics
        and c.caller.role is Role.CLINIC
    ]
    spent = card_auth.spend_challenges(session, answers, now)
    serials = [
        serial_text(c.serial_number) for c in certificates if isinstance(c, x509.Certificate)
    ]
    loaded = _Loaded(clinics, spent, {})
    if serials:
        _read_cards(conn, serials, loaded)
    return loaded


def _read_cards(conn: Connection, serials: list[str], loaded: _Loaded) -> None:
    """Each certificate's record, card and holder, with the holder's enrolments newest first:
    one row per certificate and enrolment (one statement, one round trip to the server)."""
    known: set[int] = set()
    for row in conn.execute(_CARDS.on(conn.dialect.name), {"serials": serials}):
        values = cast(tuple[Any, ...], row)
        serial, der, revoked_at, revocation_reason = values[:4]
        found = _Found(
            serial,
            der,
            revoked_at,
            revocation_reason,
            card_records.snapshot(values[4 : _FOUND_COLUMNS - 1]),
            values[_FOUND_COLUMNS - 1],
        )
        loaded.found[found.certificate_serial] = found
        insured = values[_FOUND_COLUMNS:]
        if insured[0] is not None and insured[0] not in known:  # the same card twice
            known.add(insured[0])
            loaded.insured.setdefault(found.card.person_id, []).append(_insured(*insured))


def _well_formed(nonce: bytes) -> bool:
    try:
        card_auth.check_nonce_format(nonce)
    except MyNumberError:
        return False
    return True


_CLINICS = ListStatement(
    lambda one_of: select(Clinic.id, Clinic.code, Clinic.name).where(one_of(Clinic.id, "ids"))
)
_FOUND = (
    Certificate.serial,
    Certificate.der,
    Certificate.revoked_at,
    Certificate.revocation_reason,
    *card_records.SNAPSHOT_COLUMNS,
    Registration.address,
)
_FOUND_COLUMNS = len(_FOUND)
_CARDS = ListStatement(
    lambda one_of: (
        select(
            *_FOUND,
            InsuranceEnrolment.id,
            InsuranceEnrolment.symbol,
            InsuranceEnrolment.number,
            InsuranceEnrolment.branch,
            InsuranceEnrolment.income_class,
            InsuranceEnrolment.certain_income,
            InsuranceEnrolment.valid_from,
            InsuranceEnrolment.valid_until,
            Insurer.insurer_number,
            Insurer.name_ja,
            Person.name_kanji,
            Person.name_latin,
            Person.name_kana,
            Person.date_of_birth,
            Person.sex,
        )
        .join(Card, Card.serial == Certificate.card_serial)
        .join(Person, Person.id == Card.person_id)
        .outerjoin(
            Registration,
            and_(Registration.person_id == Card.person_id, Registration.status == ACTIVE),
        )
        .outerjoin(InsuranceEnrolment, InsuranceEnrolment.person_id == Card.person_id)
        .outerjoin(Insurer, Insurer.id == InsuranceEnrolment.insurer_id)
        .where(one_of(Certificate.serial, "serials"))
        .order_by(InsuranceEnrolment.valid_from.desc(), InsuranceEnrolment.id.desc())
    )
)


def _insured(
    enrolment_id: int,
    symbol: str,
    number: str,
    branch: str,
    income_class: str,
    certain_income: bool,
    valid_from: dt.date,
    valid_until: dt.date | None,
    insurer_number: str,
    insurer_name: str,
    name_kanji: str | None,
    name_latin: str,
    name_kana: str,
    date_of_birth: dt.date,
    sex: str,
) -> InsuredRecord:
    return InsuredRecord(
        name=name_kanji or name_latin,
        name_kana=name_kana,
        date_of_birth=date_of_birth,
        sex=sex,
        insurer_number=insurer_number,
        insurer_name=insurer_name,
        enrolment_id=enrolment_id,
        symbol=symbol,
        number=number,
        branch=branch,
        income_class=income_class,
        certain_income=certain_income,
        valid_from=valid_from,
        valid_until=valid_until,
    )


# --- deciding (the same order of rules as a single check) ---------------------------------


def _decide(
    session: Session,
    svc: Services,
    index: int,
    check: CardCheck,
    certificate: x509.Certificate | MyNumberError,
    loaded: _Loaded,
    now: dt.datetime,
) -> _Accepted:
    clinic = _clinic(check.caller, loaded)
    if check.nonce is not None:
        card_auth.check_nonce_format(check.nonce)
        key = (check.nonce.hex(), check.caller.name)
        if key not in loaded.spent:
            raise card_auth.challenge_refusal(session, check.caller, check.nonce, now)
        loaded.spent.remove(key)  # a second check with the same nonce in this group: replayed
    if isinstance(certificate, MyNumberError):
        raise certificate
    found = loaded.found.get(serial_text(certificate.serial_number))
    # An expired certificate still confirms eligibility within the grace (RULES.md "expired
    # certificate"): the answer then tells the holder to renew.
    grace = card_auth.check_certificate(
        certificate, svc, is_revoked=_revocation(found), expired_grace=True
    )
    if found is not None and found.der != check.certificate_der:
        found = None  # the serial is known, the certificate is not the one on record
    card = card_auth.active_card(found.card if found else None, certificate)
    if check.nonce is not None:
        _refuse_pin_less(card)
        verify_challenge_signature(certificate, check.nonce, check.signature or b"")
    _require_usable(card, found.registered_address if found else None, svc)
    if not (card.insurance_use or check.register_insurance_use):
        raise insurance.not_registered_for_insurance()
    insured = insurance.enrolment_on(loaded.insured.get(card.person_id, []), svc.clock.today())
    if not card.insurance_use:
        # The card just proved itself at this clinic's terminal: it is in the reader.
        register_insurance_use(
            session,
            svc,
            caller=check.caller,
            person_id=card.person_id,
            channel=insurance.InsuranceUseChannel.CLINIC,
            card_in_terminal=True,
        )
    return _Accepted(
        index, check, clinic, card.serial, card.person_id, insured, certificate_grace_until=grace
    )


@refusals_audited
def _clinic(caller: Caller, loaded: _Loaded) -> _Clinic:
    require_role(caller, Role.CLINIC)
    clinic = loaded.clinics.get(caller.scope_id) if caller.scope_id is not None else None
    if clinic is None:
        raise Forbidden(
            "This token is not bound to a clinic.", "このトークンは医療機関に紐付いていません。"
        )
    return clinic


def _revocation(found: _Found | None) -> RevocationLookup:
    def lookup(serial: int) -> RevokedEntry | None:
        if found is None or found.revoked_at is None:
            return None
        return RevokedEntry(serial, found.revoked_at, reason_flag(found.revocation_reason))

    return lookup


def _refuse_pin_less(card: CardSnapshot) -> None:
    """A PIN check of a face-authentication card is refused by name (it has no PIN: face or
    staff visual check only; RULES.md "face-authentication card")."""
    refusal = missing_pin_refusal(
        PinKind.USER_AUTHENTICATION,
        face_authentication=card.face_authentication,
        no_signature=card.no_signature,
    )
    if refusal is not None:
        raise card_use.refusal_error(refusal, card.serial)


def _require_usable(card: CardSnapshot, registered_address: str | None, svc: Services) -> None:
    today = svc.clock.today()
    refusal = card_problem(
        card_facts(card, registered_address=registered_address, today=today),
        today=today,
        checks_address=insurance.CLINIC_CHECK_NEEDS_CURRENT_ADDRESS,
    )
    if refusal is not None:
        raise card_use.refusal_error(refusal, card.serial)


# --- writing (accepted checks only) -------------------------------------------------------


def _open_visits(session: Session, accepted: list[_Accepted], now: dt.datetime) -> None:
    if not accepted:
        return
    rows = [
        dict(
            clinic_id=a.clinic.id,
            person_id=a.person_id,
            enrolment_id=a.insured.enrolment_id,
            card_serial=a.card_serial,
            letter_id=None,
            method=a.check.method,
            started_at=now,
            consent_medication=False,
            consent_checkups=False,
            consent_limit_amount=False,
            consent_at=None,
            closed_at=None,
        )
        for a in accepted
    ]
    ids = insert_rows(session, ClinicVisit, rows, return_ids=True)
    for done, visit_id in zip(accepted, ids, strict=True):
        done.visit_id = visit_id


def _audit(session: Session, accepted: list[_Accepted], now: dt.datetime) -> None:
    entries: list[NewEntry] = []
    for a in accepted:
        how = "card_authentication" if a.check.nonce is not None else "card_identification"
        entries.append(NewEntry(a.check.caller, how, a.person_id, f"card {a.card_serial}"))
        entries.append(
            NewEntry(
                Caller(name=a.clinic.name, role=Role.CLINIC),
                "eligibility_check",
                a.person_id,
                visit_audit_detail(
                    visit_id=a.visit_id,
                    clinic_code=a.clinic.code,
                    method=a.check.method,
                    consent=NO_CONSENT,
                ),
                PURPOSE,
            )
        )
    audit.record_entries(session, entries, at=now)
