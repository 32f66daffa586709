"""マイナ受付 — the reception terminal of a clinic or pharmacy (オンライン資格確認).

The patient inserts the card; the terminal reads the user-authentication certificate (no PIN
needed), then identifies the holder one of three ways:

- **PIN**: the card signs the server's nonce after the 4-digit PIN (``services.card_auth``:
  the terminal's side is ``answer_at_terminal``, the server's ``check_with_pin``);
- **face**: the terminal's camera image against the photo on the chip (``adapters.face``;
  error rates in ``docs/face-matching.md``); the certificate is checked, nothing is signed.
  Refused for an infant's card, which has no photo; the only ways (with the visual check)
  for a face-authentication card, which has no PIN (RULES.md "The card");
- **staff visual check** (目視確認): the last fallback, only after a face attempt failed at this
  clinic for this card within ``VISUAL_CHECK_WINDOW`` (as the real terminals' 目視確認モード;
  at once for a card without a photo, an infant's: ``representation.photo_on_card``,
  *policy*: the clerk checks the child with the parent present),
  with the card in the terminal's reader (``reader``, the terminal's ``CardSession``: the
  certificate is read from it) and made by the clerk logged in (the audit names them).

Then the card's usability (``services.card_use``), its registration for insurance use (which
the patient may make there and then, on the first visit), and the enrolment give a real-time
answer: insurer, numbers, co-pay ratio, validity. A check opens the visit with no consent.

**Consent** (同意) is then a step of the visit at the terminal (``give_consent``): the patient
chooses, and the choice counts only when the visit's card proves it — the card signs
``domain.terminal.consent_message`` (a fresh nonce, the visit, the choice) with its
authentication key after its PIN (``SignedConsent``: the API), or the terminal's reader
session holds the visit's card (``reader``: the pages, where the server plays the reader).
The limit-amount category, past medication and check-ups are shared only with that consent,
stored on the visit; a flag in a check request never grants it. The clinic never receives the
My Number. A caller with ``Role.CLINIC`` acts for the clinic whose id is its ``scope_id``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Person
from mynumber.adapters.db.models_card import Card
from mynumber.adapters.db.models_insurance import (
    Clinic,
    ClinicVisit,
    FaceAttempt,
    InsuranceEnrolment,
    Insurer,
)
from mynumber.adapters.db.uow import UnitOfWork
from mynumber.card import Chip, KeySlot
from mynumber.card.session import CardSession
from mynumber.domain import insurance
from mynumber.domain.access import Role
from mynumber.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    MyNumberError,
    NotFound,
    PinLocked,
    invalid,
)
from mynumber.domain.insurance import Consent
from mynumber.domain.photo_rules import FaceNotFound
from mynumber.domain.policy import Action
from mynumber.domain.terminal import consent_message
from mynumber.pki.challenge import verify_challenge_signature
from mynumber.pki.errors import SignatureInvalid
from mynumber.services.cards import records as card_records
from mynumber.services.core import audit, refs
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import (
    Subject,
    authorise,
    concealed,
    refusals_audited,
    refused,
    require_role,
)
from mynumber.services.core.refs import VisitId
from mynumber.services.core.writes import flush_or_conflict
from mynumber.services.insurance.checks import CardCheck, check_cards
from mynumber.services.insurance.eligibility import (
    PURPOSE,
    EligibilityAnswer,
    InsuredRecord,
    eligibility_answer,
    visit_audit_detail,
)
from mynumber.services.insurance.insurer import letter_in_force
from mynumber.services.insurance.medical_records import RecordKind, RecordView, history
from mynumber.services.jpki import card_auth
from mynumber.services.jpki.card_auth import CardAnswer, Challenge

VISUAL_CHECK_WINDOW = dt.timedelta(minutes=10)
__all__ = ["PURPOSE", "EligibilityAnswer"]  # re-exported for the pages and the API


def create_clinic(
    session: Session, svc: Services, *, code: str, name: str, kind: str = "clinic"
) -> Clinic:
    """Set up a clinic or pharmacy by its 10-digit medical institution code (医療機関コード)."""
    if not (len(code) == 10 and code.isascii() and code.isdigit()):
        raise invalid(
            "code", "A medical institution code has 10 digits.", "医療機関コードは10桁の数字です。"
        )
    if kind not in ("clinic", "hospital", "pharmacy"):
        raise invalid("kind", "A clinic, a hospital or a pharmacy.", "医療機関の種別が不正です。")
    clinic = Clinic(code=code, name=name, kind=kind, created_at=svc.clock.now())
    session.add(clinic)
    flush_or_conflict(session)
    return clinic


@refusals_audited
def clinic_of(session: Session, caller: Caller) -> Clinic:
    """The clinic a ``CLINIC`` caller acts for."""
    require_role(caller, Role.CLINIC)
    clinic = session.get(Clinic, caller.scope_id) if caller.scope_id is not None else None
    if clinic is None:
        raise Forbidden(
            "This token is not bound to a clinic.", "このトークンは医療機関に紐付いていません。"
        )
    return clinic


# --- the terminal's side (the card is in its reader) --------------------------------------


def new_challenge(session: Session, svc: Services, *, caller: Caller) -> Challenge:
    """A nonce for the next card at this terminal (``card_auth.issue_challenge``)."""
    clinic_of(session, caller)
    return card_auth.issue_challenge(session, svc, caller=caller)


def answer_at_terminal(chip: Chip, *, pin: str, nonce: bytes) -> CardAnswer:
    """The card answers the nonce after the PIN (``card_auth.answer_challenge``); a locked PIN
    is refused in the guide's words, with the face-recognition alternative."""
    try:
        return card_auth.answer_challenge(chip, pin=pin, nonce=nonce)
    except PinLocked as locked:
        raise PinLocked(
            "PIN locked — unlock it at the ward office or a convenience-store terminal; "
            "today you can use face recognition at this terminal instead.",
            "暗証番号がロックされています。市区町村の窓口またはコンビニのキオスク端末で解除して"
            "ください。本日はこの端末で顔認証をご利用いただけます。",
            **locked.details,
        ) from None


# --- the server's side --------------------------------------------------------------------


def check_with_pin(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    nonce: bytes,
    certificate_der: bytes,
    signature: bytes,
    register_insurance_use: bool = False,
) -> EligibilityAnswer:
    """The card signed the nonce after the PIN: who it is, and their insurance now (the visit
    opens without consent: ``give_consent`` is the patient's step at the terminal)."""
    return _one(
        session,
        svc,
        CardCheck(
            caller,
            certificate_der,
            "pin",
            nonce=nonce,
            signature=signature,
            register_insurance_use=register_insurance_use,
        ),
    )


def _one(session: Session, svc: Services, check: CardCheck) -> EligibilityAnswer:
    """One check through ``check_cards`` (which also refuses a caller that is no clinic)."""
    (outcome,) = check_cards(session, svc, [check])
    if isinstance(outcome, MyNumberError):
        raise outcome
    return outcome


def check_with_face(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    certificate_der: bytes,
    live_image: bytes,
    register_insurance_use: bool = False,
) -> EligibilityAnswer:
    """Face recognition: the camera image against the photo **read from the card's chip**
    (never an image the terminal sends as the reference: a cat photo sent twice would
    match itself), then the answer.

    A failed attempt is added to the session before the error is raised (``FaceNotMatched``,
    ``FaceNotFound``, or ``InvalidInput`` for an unreadable chip photo); the entry points
    call ``check_with_face_kept``, which commits it.
    """
    refused = _match_face(
        session, svc, caller=caller, certificate_der=certificate_der, live_image=live_image
    )
    if refused is not None:
        raise refused
    return _one(
        session,
        svc,
        CardCheck(caller, certificate_der, "face", register_insurance_use=register_insurance_use),
    )


def check_with_face_kept(
    uow: UnitOfWork,
    svc: Services,
    *,
    caller: Caller,
    certificate_der: bytes,
    live_image: bytes,
    register_insurance_use: bool = False,
) -> EligibilityAnswer:
    """``check_with_face`` in the entry point's unit of work, committed — a failed attempt
    too, since it is what opens the staff visual check (目視確認). The one place that
    decides which refusals keep their attempt: those after the faces were compared (or the
    chip photo could not be), not a refusal of the card or the caller before that."""
    refused = _match_face(
        uow.session, svc, caller=caller, certificate_der=certificate_der, live_image=live_image
    )
    if refused is not None:
        uow.commit()
        raise refused
    answer = _one(
        uow.session,
        svc,
        CardCheck(caller, certificate_der, "face", register_insurance_use=register_insurance_use),
    )
    uow.commit()
    return answer


def _match_face(
    session: Session, svc: Services, *, caller: Caller, certificate_der: bytes, live_image: bytes
) -> MyNumberError | None:
    """``None`` when the live face matches the chip's photo; otherwise the refusal, with the
    failed attempt recorded (a refusal of the clinic or the card raises at once)."""
    from mynumber.adapters.face import FaceMatcher

    clinic = clinic_of(session, caller)
    card = _identify(session, svc, caller=caller, certificate_der=certificate_der)
    if not card_records.carries_photo(session, card):
        raise insurance.no_photo_on_card()
    try:
        chip_photo = card_records.chip_photo_of(svc, card)
        matched = FaceMatcher().match(chip_photo, live_image).matched
    except FaceNotFound as no_face:
        _record_face_failure(session, svc, clinic, card, "no-face")
        return no_face
    except InvalidInput as unreadable:
        _record_face_failure(session, svc, clinic, card, "chip-photo-unreadable")
        return unreadable
    if not matched:
        _record_face_failure(session, svc, clinic, card, "not-matched")
        return insurance.face_not_matched()
    return None


def check_with_visual(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    reader: CardSession | None,
    certificate_der: bytes | None = None,
    register_insurance_use: bool = False,
) -> EligibilityAnswer:
    """目視確認: the clerk logged in at the terminal compared the patient's face with the card
    in the terminal's reader, after a failed face attempt with this card here (the last
    fallback).

    The card must be in the reader: ``reader`` is the terminal's session with it, and the
    certificate is read from it. A certificate alone (``certificate_der``, all an HTTP
    terminal can send) proves nothing — every clinic that ever checked the card has seen it —
    so without the reader the check is refused (``card-not-in-terminal``, audited), as it is
    for a caller with no clerk (a machine's token): the audit names the clerk
    (``Caller.clerk``) who answers for the comparison.
    """
    clinic = clinic_of(session, caller)
    if reader is not None:
        certificate_der = reader.read_certificate(KeySlot.USER_AUTH).public_bytes(
            serialization.Encoding.DER
        )
    if certificate_der is None:
        raise invalid(
            "certificate",
            "Insert the card in the terminal's reader.",
            "カードを端末の読取機に置いてください。",
        )
    card = _identify(session, svc, caller=caller, certificate_der=certificate_der)
    in_reader = reader is not None and reader.chip.card_id == card.serial
    authorise(
        session,
        svc,
        caller,
        Action.VISUAL_CHECK,
        Subject(card.person_id, card_in_terminal=in_reader),
    )
    since = svc.clock.now() - VISUAL_CHECK_WINDOW
    failures = (
        session.scalar(
            select(func.count())
            .select_from(FaceAttempt)
            .where(
                FaceAttempt.clinic_id == clinic.id,
                FaceAttempt.card_serial == card.serial,
                FaceAttempt.at >= since,
            )
        )
        or 0
    )
    # A card without a photo (an infant's) cannot be matched by face: the photo checks do not
    # apply, so the visual check needs no failed face attempt first.
    if not failures and card_records.carries_photo(session, card):
        raise Conflict(
            "The staff visual check is the last fallback: try face recognition (or the PIN) "
            "at the terminal first.",
            "目視確認は最後の手段です。先に端末で顔認証（または暗証番号）をお試しください。",
            reason="face-not-tried",
        )
    answer = _one(
        session,
        svc,
        CardCheck(caller, certificate_der, "visual", register_insurance_use=register_insurance_use),
    )
    audit.record(
        session,
        caller=caller,
        action="visual_identity_check",
        person_id=card.person_id,
        purpose=PURPOSE,
        at=svc.clock.now(),
        detail=f"visit {answer.visit_id}: card {card.serial} in the reader",
    )
    return answer


# --- consent: the patient's step at the terminal, proved by the visit's card -------------


@dataclass(frozen=True)
class SignedConsent:
    """The card's proof of the choice, made at the terminal: its user-authentication
    certificate and its signature over ``domain.terminal.consent_message(nonce, visit
    reference, choice)``, ``nonce`` fresh from ``new_challenge``."""

    nonce: bytes
    certificate_der: bytes
    signature: bytes


def give_consent(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    visit_id: int,
    consent: Consent,
    signed: SignedConsent | None = None,
    reader: CardSession | None = None,
) -> EligibilityAnswer:
    """同意: the patient's choice for this visit, recorded on the visit, and the answer again
    (with the limit-amount category if consented).

    Counted only when the visit's card proves it at this clinic's terminal now: ``signed``
    (the card signed the choice, bound to a fresh nonce issued to this clinic and to this
    visit) or ``reader`` (the terminal's reader session holds the visit's card). Otherwise —
    a choice the clinic's software merely states, another card, a letter's visit, another
    clinic's or a closed visit — it is refused (``AccessRefused``, audited) and the visit
    keeps what it had. A new choice replaces the one before; it holds until the visit closes
    or the day ends (``domain.insurance.consent_expires_at``).
    """
    clinic_of(session, caller)
    visit = session.get(ClinicVisit, visit_id)
    in_terminal = False
    if visit is not None and visit.card_serial is not None:
        if reader is not None:
            in_terminal = reader.chip.card_id == visit.card_serial
        elif signed is not None:
            in_terminal = _card_signed(session, svc, caller, visit, consent, signed)
    authorise(
        session,
        svc,
        caller,
        Action.GIVE_CONSENT,
        Subject(
            visit.person_id if visit else None, visit_id=visit_id, card_in_terminal=in_terminal
        ),
    )
    assert visit is not None and visit.enrolment_id is not None  # the policy refused otherwise
    if (consent.medication or consent.checkups) and _certificate_expired(session, svc, visit):
        raise refused(
            caller,
            Forbidden(
                "The card's user-authentication certificate has expired: it confirms eligibility "
                "only, and medication and check-up information cannot be shared. Renew the "
                "certificate at the ward office.",
                "利用者証明用電子証明書の有効期限が切れているため、資格確認のみ可能です。薬剤情報・"
                "健診情報は提供できません。市区町村の窓口で電子証明書を更新してください。",
                reason="certificate_expired_eligibility_only",
            ),
            person_id=visit.person_id,
        )
    now = svc.clock.now()
    visit.consent_medication = consent.medication
    visit.consent_checkups = consent.checkups
    visit.consent_limit_amount = consent.limit_amount
    visit.consent_at = now if consent != Consent() else None
    session.flush()
    audit.record(
        session,
        caller=caller,
        action="give_consent",
        person_id=visit.person_id,
        purpose=PURPOSE,
        at=now,
        detail=f"visit {visit.id}: medication={consent.medication} "
        f"checkups={consent.checkups} limit={consent.limit_amount}",
    )
    enrolment = session.get(InsuranceEnrolment, visit.enrolment_id)
    assert enrolment is not None
    return eligibility_answer(
        insured_of(session, enrolment),
        visit_id=visit.id,
        method=visit.method,
        consent=consent,
        today=svc.clock.today(),
    )


def _certificate_expired(session: Session, svc: Services, visit: ClinicVisit) -> bool:
    """Whether the visit's card was checked in the expired certificate's grace (RULES.md
    "expired certificate": eligibility only, no medication or check-up sharing)."""
    if visit.card_serial is None:
        return False
    card = card_records.get_card(session, visit.card_serial)
    return (
        card.certificates_expire_on is not None and card.certificates_expire_on < svc.clock.today()
    )


def _card_signed(
    session: Session,
    svc: Services,
    caller: Caller,
    visit: ClinicVisit,
    consent: Consent,
    signed: SignedConsent,
) -> bool:
    """Whether the visit's own card signed this choice for this visit over a fresh nonce
    issued to this clinic (the nonce is spent whatever the verdict: one answer per nonce)."""
    now = svc.clock.now()
    card_auth.check_nonce_format(signed.nonce)
    if not card_auth.spend_challenges(session, [(caller, signed.nonce)], now):
        raise card_auth.challenge_refusal(session, caller, signed.nonce, now)
    # an expired certificate in its grace proves the card too: the visit is then eligibility
    # only (give_consent refuses medication and check-ups)
    certificate, card = card_auth.identify_card(
        session, svc, certificate_der=signed.certificate_der, expired_grace=True
    )
    if card.serial != visit.card_serial:
        return False
    reference = refs.References.from_keys(svc.keys).reference(refs.Kind.VISIT, visit.id)
    try:
        verify_challenge_signature(
            certificate, consent_message(signed.nonce, reference, consent), signed.signature
        )
    except SignatureInvalid:
        return False
    return True


def _identify(session: Session, svc: Services, *, caller: Caller, certificate_der: bytes) -> Card:
    """The card of a user-authentication certificate read from the chip, checked as
    ``card_auth`` checks it but without a signature (face or visual check: no PIN); the
    identification is audited with the answer (``card_checks``)."""
    _, card = card_auth.identify_card(
        session, svc, certificate_der=certificate_der, expired_grace=True
    )  # eligibility only, then renew
    return card


def _record_face_failure(
    session: Session, svc: Services, clinic: Clinic, card: Card, outcome: str
) -> None:
    session.add(
        FaceAttempt(
            clinic_id=clinic.id, card_serial=card.serial, at=svc.clock.now(), outcome=outcome
        )
    )
    session.flush()


def _open_visit(
    session: Session,
    svc: Services,
    *,
    clinic: Clinic,
    person_id: int,
    enrolment: InsuranceEnrolment,
    letter_id: int | None,
) -> ClinicVisit:
    """A visit identified by a 資格確認書's numbers (no card, so no consent can be given)."""
    now = svc.clock.now()
    visit = ClinicVisit(
        clinic_id=clinic.id,
        person_id=person_id,
        enrolment_id=enrolment.id,
        card_serial=None,
        letter_id=letter_id,
        method="letter",
        started_at=now,
    )
    session.add(visit)
    session.flush()
    audit.record(
        session,
        caller=Caller(name=clinic.name, role=Role.CLINIC),
        action="eligibility_check",
        person_id=person_id,
        purpose=PURPOSE,
        at=now,
        detail=visit_audit_detail(
            visit_id=visit.id, clinic_code=clinic.code, method="letter", consent=Consent()
        ),
    )
    return visit


def insured_of(session: Session, enrolment: InsuranceEnrolment) -> InsuredRecord:
    """The answer's values for an enrolment loaded through the ORM."""
    person = session.get(Person, enrolment.person_id)
    insurer = session.get(Insurer, enrolment.insurer_id)
    assert person is not None and insurer is not None
    return InsuredRecord(
        name=person.name_kanji or person.name_latin,
        name_kana=person.name_kana,
        date_of_birth=person.date_of_birth,
        sex=person.sex,
        insurer_number=insurer.insurer_number,
        insurer_name=insurer.name_ja,
        enrolment_id=enrolment.id,
        symbol=enrolment.symbol,
        number=enrolment.number,
        branch=enrolment.branch,
        income_class=enrolment.income_class,
        certain_income=enrolment.certain_income,
        valid_from=enrolment.valid_from,
        valid_until=enrolment.valid_until,
    )


# --- the letter's numbers, and the records view -----------------------------------------


def check_letter(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    insurer_number: str,
    symbol: str,
    number: str,
    branch: str,
    date_of_birth: dt.date,
) -> EligibilityAnswer:
    """A patient shows a 資格確認書: check its numbers online (with the date of birth, so that
    numbers alone reveal nothing). No consent can be given without the card."""
    clinic = clinic_of(session, caller)
    numbers = insurance.InsuredNumbers(symbol.strip(), number.strip(), branch.strip())
    enrolment = session.scalars(
        select(InsuranceEnrolment)
        .join(Insurer, Insurer.id == InsuranceEnrolment.insurer_id)
        .where(
            Insurer.insurer_number == insurer_number.strip(),
            InsuranceEnrolment.symbol == numbers.symbol,
            InsuranceEnrolment.number == numbers.number,
            InsuranceEnrolment.branch == numbers.branch,
        )
    ).first()
    person = session.get(Person, enrolment.person_id) if enrolment else None
    if enrolment is None or person is None or person.date_of_birth != date_of_birth:
        raise NotFound(
            "No insured person has these numbers and this date of birth — check the letter, "
            "or ask the patient to call the insurer printed on it.",
            "この記号・番号と生年月日に該当する被保険者はいません。資格確認書の記載を確認するか、"
            "記載の保険者に問い合わせるよう患者さんにお伝えください。",
            reason="no-match",
        )
    letter = letter_in_force(session, enrolment.id, svc.clock.today())
    visit = _open_visit(
        session,
        svc,
        clinic=clinic,
        person_id=person.id,
        enrolment=enrolment,
        letter_id=letter.id if letter else None,
    )
    return eligibility_answer(
        insured_of(session, enrolment),
        visit_id=visit.id,
        method="letter",
        consent=Consent(),
        today=svc.clock.today(),
        letter_valid_until=letter.valid_until if letter else None,
    )


@dataclass(frozen=True)
class HistoryView:
    """What the clinic may see at this visit: each part only with its consent."""

    visit_id: VisitId
    medication: list[RecordView] | None
    checkups: list[RecordView] | None


def view_history(session: Session, svc: Services, *, caller: Caller, visit_id: int) -> HistoryView:
    """Past medication and check-ups of the visit's patient, as far as they consented at
    this visit and while the consent holds; each part read is audited (the patient sees it)."""
    clinic_of(session, caller)
    visit = session.get(ClinicVisit, visit_id)
    # The policy decides (and the decision is audited either way): this clinic's own open
    # visit, opened by the patient's card at its terminal, with the consent given in it.
    authorise(
        session,
        svc,
        caller,
        Action.VIEW_HISTORY,
        Subject(visit.person_id if visit else None, visit_id=visit_id),
    )
    assert visit is not None  # the policy refuses a visit that does not exist
    now = svc.clock.now()
    today = svc.clock.today()
    medication = checkups = None
    if visit.consent_medication:
        medication = history(
            session,
            person_id=visit.person_id,
            kind=RecordKind.PRESCRIPTION,
            today=today,
            years=insurance.MEDICATION_HISTORY_YEARS,
        )
        _audit_view(session, caller, visit, "view_medication", len(medication), now)
    if visit.consent_checkups:
        checkups = history(
            session,
            person_id=visit.person_id,
            kind=RecordKind.CHECKUP,
            years=insurance.CHECKUP_HISTORY_YEARS,
            today=today,
        )
        _audit_view(session, caller, visit, "view_checkups", len(checkups), now)
    return HistoryView(visit.id, medication, checkups)


def _audit_view(
    session: Session, caller: Caller, visit: ClinicVisit, action: str, count: int, at: dt.datetime
) -> None:
    audit.record(
        session,
        caller=caller,
        action=action,
        person_id=visit.person_id,
        purpose=PURPOSE,
        at=at,
        detail=f"visit {visit.id}: {count} records",
    )


def close_visit(session: Session, svc: Services, *, caller: Caller, visit_id: int) -> None:
    """The visit is over: the consent given at it no longer lets the clinic read anything."""
    clinic = clinic_of(session, caller)
    visit = session.get(ClinicVisit, visit_id)
    if visit is None or visit.clinic_id != clinic.id:
        missing = NotFound(
            f"No visit {visit_id} at this clinic.",
            f"この医療機関に受付 {visit_id} はありません。",
            visit_id=visit_id,
        )
        raise concealed(caller, missing, visit)
    visit.closed_at = visit.closed_at or svc.clock.now()
