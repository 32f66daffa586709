"""保険者 — the insurer: enrolment, loss of eligibility, and the 資格確認書 fallback.

National Health Insurance is run by each municipality for the people registered there
(国民健康保険法 第5条); employer insurance by an association for the employer's staff; the
late-stage elderly system by the prefecture's union from 75 (``domain.insurance``).

The eligibility confirmation letter (資格確認書) goes to people without a usable card-based
insurance: sent without request to those who have none (``send_letters_to_uncovered``), or
on request — at the ward office for National Health Insurance, through the employer's HR for
employer insurance (``issue_eligibility_letter``). Its validity is the insurer's choice, at most
5 years (``insurance_rules.check_eligibility_letter_expiry``), and never past the coverage.
A caller with ``Role.INSURER`` acts for the insurer whose id is its ``scope_id``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_card import Card
from mynumber.adapters.db.models_insurance import (
    EligibilityLetterRecord,
    InsuranceEnrolment,
    Insurer,
)
from mynumber.adapters.db.models_register import NumberChangeNotice
from mynumber.domain import insurance
from mynumber.domain.access import Purpose, Role
from mynumber.domain.errors import (
    CardError,
    Conflict,
    Forbidden,
    MyNumberError,
    NotFound,
    invalid,
)
from mynumber.domain.insurance import IncomeClass, InsuredNumbers, InsurerKind
from mynumber.domain.insurance_rules import (
    InsurancePaper,
    check_eligibility_letter_expiry,
    check_insurance_use_cancellable,
    latest_eligibility_letter_expiry,
    letter_regardless_of_card,
    paper_for,
)
from mynumber.domain.pins import PinKind
from mynumber.domain.policy import Action
from mynumber.services.cards import use as card_use
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import (
    Subject,
    authorise,
    concealed,
    refusals_audited,
    require_role,
)
from mynumber.services.core.records import active_registration, get_municipality, get_person
from mynumber.services.core.refs import EnrolmentId, PersonId
from mynumber.services.core.writes import flush_or_conflict

#: The rows these use cases return, named here so entry points need not import the adapters.
Enrolment = InsuranceEnrolment
EligibilityLetter = EligibilityLetterRecord

PURPOSE = Purpose.SOCIAL_SECURITY


class LetterReason(StrEnum):
    """Why a 資格確認書 was issued."""

    NO_USABLE_CARD = "no_usable_card"  # sent without request: no card-based insurance
    ON_REQUEST = "on_request"  # the person (or HR for them) asked
    NEEDS_ASSISTANCE = "needs_assistance"  # 要配慮者: asked, though the card works
    AGED_85_PLUS = "aged_85_plus"  # late-stage elderly aged 85+ from 2026-08: whatever the card
    USE_CANCELLED = (
        "use_cancelled"  # the holder cancelled the card's insurance use (利用登録の解除)
    )


def paper_of(session: Session, svc: Services, row: InsuranceEnrolment) -> InsurancePaper:
    """The paper this insured person gets today (``insurance_rules.paper_for``): a 資格情報の
    お知らせ when their card works as insurance card, else a 資格確認書 — and a 資格確認書
    whatever the card for the late-stage elderly aged 85+ from 2026-08."""
    kind = session.scalars(select(Insurer.kind).where(Insurer.id == row.insurer_id)).one()
    return paper_for(
        has_insurance_card=card_problem(session, svc, person_id=row.person_id) is None,
        late_elderly_insured=kind == InsurerKind.LATE_ELDERLY,
        date_of_birth=get_person(session, row.person_id).date_of_birth,
        on=svc.clock.today(),
    )


def _letter_reason(session: Session, svc: Services, row: InsuranceEnrolment) -> LetterReason:
    kind = session.scalars(select(Insurer.kind).where(Insurer.id == row.insurer_id)).one()
    if letter_regardless_of_card(
        late_elderly_insured=kind == InsurerKind.LATE_ELDERLY,
        date_of_birth=get_person(session, row.person_id).date_of_birth,
        on=svc.clock.today(),
    ):
        return LetterReason.AGED_85_PLUS
    return LetterReason.NO_USABLE_CARD


def create_insurer(
    session: Session,
    svc: Services,
    *,
    kind: InsurerKind,
    insurer_number: str,
    name_ja: str,
    name_en: str = "",
    municipality_code: str | None = None,
) -> Insurer:
    """Set up an insurer (system set-up, as municipalities are seeded)."""
    number = insurance.parse_insurer_number(insurer_number, kind)
    if (kind is InsurerKind.NATIONAL_HEALTH_INSURANCE) != (municipality_code is not None):
        raise invalid(
            "municipality_code",
            "National Health Insurance, and only it, is run by a municipality.",
            "市区町村が保険者となるのは国民健康保険のみです。",
        )
    if municipality_code is not None:
        get_municipality(session, municipality_code)
    insurer = Insurer(
        insurer_number=number,
        kind=kind.value,
        name_ja=name_ja,
        name_en=name_en,
        municipality_code=municipality_code,
        created_at=svc.clock.now(),
    )
    session.add(insurer)
    flush_or_conflict(session)
    return insurer


@refusals_audited
def insurer_of(session: Session, caller: Caller) -> Insurer:
    """The insurer an ``INSURER`` caller acts for."""
    require_role(caller, Role.INSURER)
    insurer = session.get(Insurer, caller.scope_id) if caller.scope_id is not None else None
    if insurer is None:
        raise Forbidden(
            "This token is not bound to an insurer.", "このトークンは保険者に紐付いていません。"
        )
    return insurer


def enrol(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    numbers: InsuredNumbers,
    income_class: IncomeClass,
    valid_from: dt.date,
    certain_income: bool = False,
    employer: str = "",
) -> InsuranceEnrolment:
    """資格取得: insure a person from ``valid_from`` with the given numbers and income class.

    The policy first (``Action.ENROL_INSURED``, ``domain.insurance.may_enrol``): only an
    insurer entitled to insure the person goes on to learn their state — an age for another
    system, an enrolment elsewhere."""
    insurer = insurer_of(session, caller)
    insurance.check_certain_income(income_class, certain_income)
    person = get_person(session, person_id)
    authorise(session, svc, caller, Action.ENROL_INSURED, Subject(person_id), PURPOSE)
    kind = InsurerKind(insurer.kind)
    insurance.check_insurer_for_age(kind, date_of_birth=person.date_of_birth, on=valid_from)
    _refuse_overlap(session, person_id, valid_from)
    row = InsuranceEnrolment(
        insurer_id=insurer.id,
        person_id=person_id,
        symbol=numbers.symbol,
        number=numbers.number,
        branch=numbers.branch,
        income_class=income_class.value,
        certain_income=certain_income,
        valid_from=valid_from,
        employer=employer,
        created_at=svc.clock.now(),
    )
    session.add(row)
    flush_or_conflict(session)
    audit.record(
        session,
        caller=caller,
        action="insurance_enrol",
        person_id=person_id,
        purpose=PURPOSE,
        at=svc.clock.now(),
        detail=f"insurer {insurer.insurer_number} from {valid_from.isoformat()}",
    )
    return row


def _refuse_overlap(session: Session, person_id: int, valid_from: dt.date) -> None:
    for other in enrolments_of(session, person_id):
        if other.valid_until is None or other.valid_until >= valid_from:
            raise Conflict(
                "This person is still insured elsewhere on that day: the other insurer must "
                "record the loss of eligibility (資格喪失) first.",
                "この方は同じ日に他の医療保険の資格があります。先に資格喪失の手続きが必要です。",
                enrolment_id=other.id,
            )


def enrolments_of(session: Session, person_id: int) -> list[InsuranceEnrolment]:
    """Every enrolment of a person, newest first."""
    return list(
        session.scalars(
            select(InsuranceEnrolment)
            .where(InsuranceEnrolment.person_id == person_id)
            .order_by(InsuranceEnrolment.valid_from.desc(), InsuranceEnrolment.id.desc())
        )
    )


def own_enrolment(session: Session, caller: Caller, enrolment_id: int) -> InsuranceEnrolment:
    """An enrolment of the caller's insurer (another insurer's is not found)."""
    insurer = insurer_of(session, caller)
    row = session.get(InsuranceEnrolment, enrolment_id)
    if row is None or row.insurer_id != insurer.id:
        missing = NotFound(
            f"No enrolment {enrolment_id} at this insurer.",
            f"この保険者に資格 {enrolment_id} はありません。",
            enrolment_id=enrolment_id,
        )
        raise concealed(caller, missing, row)
    return row


def end_enrolment(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    enrolment_id: int,
    last_day: dt.date,
    reason: insurance.LossReason,
) -> InsuranceEnrolment:
    """資格喪失: the coverage ends after ``last_day`` (moved away, left the job, turned 75…)."""
    row = own_enrolment(session, caller, enrolment_id)
    if row.valid_until is not None:
        raise Conflict("This enrolment has already ended.", "この資格は既に喪失しています。")
    if last_day < row.valid_from - dt.timedelta(days=1):
        raise invalid(
            "last_day",
            "The coverage cannot end before it starts.",
            "資格喪失日が資格取得日より前です。",
        )
    row.valid_until, row.loss_reason = last_day, insurance.LossReason(reason).value
    audit.record(
        session,
        caller=caller,
        action="insurance_end",
        person_id=row.person_id,
        purpose=PURPOSE,
        at=svc.clock.now(),
        detail=f"last day {last_day.isoformat()}: {row.loss_reason}",
    )
    return row


def update_income_class(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    enrolment_id: int,
    income_class: IncomeClass,
    certain_income: bool = False,
) -> InsuranceEnrolment:
    """The yearly income class (each August, from the new tax data)."""
    row = own_enrolment(session, caller, enrolment_id)
    insurance.check_certain_income(income_class, certain_income)
    row.income_class, row.certain_income = income_class.value, certain_income
    audit.record(
        session,
        caller=caller,
        action="insurance_income_class",
        purpose=PURPOSE,
        person_id=row.person_id,
        at=svc.clock.now(),
        detail=income_class.value,
    )
    return row


# --- the card as a health insurance card (マイナ保険証の利用登録) ---------------------------------


def person_card(session: Session, person_id: int) -> Card | None:
    """The person's newest card (whatever its status), or ``None``."""
    return session.scalars(
        select(Card).where(Card.person_id == person_id).order_by(Card.id.desc())
    ).first()


def card_refusal(
    session: Session, svc: Services, card: Card, *, pin_matters: bool = True
) -> CardError | None:
    """Why this card cannot be used at a clinic now, or ``None`` (``card_use`` decides: status,
    expiry, a lapse after a move, and — when ``pin_matters`` — a locked user-authentication
    PIN; never the chip's address: ``insurance.CLINIC_CHECK_NEEDS_CURRENT_ADDRESS``)."""
    try:
        card_use.require_usable(
            session,
            svc,
            card=card,
            checks_address=insurance.CLINIC_CHECK_NEEDS_CURRENT_ADDRESS,
            # a face-authentication card has no PIN to lock: it works by face at the clinic
            pin=PinKind.USER_AUTHENTICATION
            if pin_matters and not card.face_authentication
            else None,
        )
    except CardError as refusal:
        return refusal
    return None


def card_problem(session: Session, svc: Services, *, person_id: int) -> MyNumberError | None:
    """Why the person has no usable card-based insurance (no card, the card cannot be used,
    or it is not registered for insurance use), or ``None`` when they have one."""
    card = person_card(session, person_id)
    if card is None:
        return insurance.no_card()
    refusal = card_refusal(session, svc, card)
    if refusal is not None:
        return refusal
    return None if card.insurance_use else insurance.not_registered_for_insurance()


@refusals_audited
def register_insurance_use(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    person_id: int,
    channel: insurance.InsuranceUseChannel,
    card_in_terminal: bool = False,
) -> Card:
    """健康保険証利用登録: once per card — by the holder on the portal, at the ward office, or
    at a clinic's terminal on the first visit (``channel``: portal, counter, clinic).

    The policy first (``Action.REGISTER_INSURANCE_USE``): the person themself, the ward office
    of their municipality, or a clinic whose terminal holds the card that just proved itself
    (``card_in_terminal``, set only by the clinic's check); anyone else learns nothing of the
    card (none, unusable, already registered)."""
    require_role(caller, Role.RESIDENT, Role.WARD_OFFICE, Role.CLINIC)
    authorise(
        session,
        svc,
        caller,
        Action.REGISTER_INSURANCE_USE,
        Subject(person_id, card_in_terminal=card_in_terminal),
        PURPOSE,
    )
    card = person_card(session, person_id)
    if card is None:
        raise insurance.no_card()
    refusal = card_refusal(session, svc, card)
    if refusal is not None:
        raise refusal
    if card.insurance_use:
        raise Conflict(
            "This card is already registered as a health insurance card.",
            "このカードは既に健康保険証として利用登録されています。",
            reason="already-registered",
        )
    card.insurance_use = True
    audit.record(
        session,
        caller=caller,
        action="register_insurance_use",
        person_id=person_id,
        purpose=PURPOSE,
        at=svc.clock.now(),
        detail=f"card {card.serial} via {channel}",
    )
    return card


@refusals_audited
def cancel_insurance_use(
    session: Session, svc: Services, *, caller: Caller, person_id: int
) -> tuple[Card, list[EligibilityLetterRecord]]:
    """利用登録の解除 (since 2024-10-28): the holder (on the portal) or their insurer (on the
    holder's request) cancels the insurance use of the card; each insurer covering them today
    then issues a 資格確認書 without being asked (``LetterReason.USE_CANCELLED``), unless one
    is in force. The card keeps working for everything else."""
    require_role(caller, Role.RESIDENT, Role.INSURER)
    authorise(session, svc, caller, Action.CANCEL_INSURANCE_USE, Subject(person_id), PURPOSE)
    today = svc.clock.today()
    check_insurance_use_cancellable(today)
    card = person_card(session, person_id)
    if card is None or not card.insurance_use:
        raise Conflict(
            "This person's card is not registered as a health insurance card: there is "
            "nothing to cancel.",
            "この方のカードは健康保険証として利用登録されていないため、解除するものはありません。",
            reason="not-registered",
        )
    card.insurance_use = False
    session.flush()
    audit.record(
        session,
        caller=caller,
        action="cancel_insurance_use",
        person_id=person_id,
        purpose=PURPOSE,
        at=svc.clock.now(),
        detail=f"card {card.serial}",
    )
    letters = [
        _issue_letter(
            session,
            svc,
            row,
            by=caller
            if caller.scope_id == row.insurer_id and caller.role is Role.INSURER
            # the holder cancelled on the portal: the letter is each insurer's own act
            else _insurer_caller(session, row),
            reason=LetterReason.USE_CANCELLED,
        )
        for row in enrolments_of(session, person_id)
        if insurance.covered_on(valid_from=row.valid_from, valid_until=row.valid_until, on=today)
        and letter_in_force(session, row.id, today) is None
    ]
    return card, letters


# --- 資格確認書 -------------------------------------------------------------------------------


def issue_eligibility_letter(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    enrolment_id: int,
    reason: LetterReason = LetterReason.ON_REQUEST,
    valid_until: dt.date | None = None,
    requested_by: str = "",
) -> EligibilityLetterRecord:
    """Issue a 資格確認書 for one enrolment, valid until ``valid_until`` (default: as long as
    the rules allow) and never past the coverage's end.

    Refused when the person has a usable card registered as health insurance, unless they
    need assistance (要配慮者) — then the card is all they need.
    """
    if reason in (LetterReason.AGED_85_PLUS, LetterReason.USE_CANCELLED):
        raise invalid(
            "reason",
            "This reason is the system's own: it is given when the letter is sent unasked.",
            "この理由は職権交付の際にシステムが付けるものです。",
        )
    return _issue_on_enrolment(
        session,
        svc,
        caller=caller,
        enrolment_id=enrolment_id,
        reason=reason,
        valid_until=valid_until,
        requested_by=requested_by,
    )


def _issue_on_enrolment(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    enrolment_id: int,
    reason: LetterReason,
    valid_until: dt.date | None = None,
    requested_by: str = "",
) -> EligibilityLetterRecord:
    row = own_enrolment(session, caller, enrolment_id)
    today = svc.clock.today()
    _require_in_force(row, today)
    if (
        reason is not LetterReason.NEEDS_ASSISTANCE
        and paper_of(session, svc, row) is InsurancePaper.QUALIFICATION_NOTICE
    ):
        raise Conflict(
            "This person's My Number Card works as their health insurance card: no letter "
            "is needed (unless they need assistance to use it).",
            "この方はマイナ保険証を利用できるため、資格確認書は不要です（配慮が必要な場合を除く）。",
            reason="card-usable",
        )
    return _issue_letter(
        session,
        svc,
        row,
        by=caller,
        reason=reason,
        valid_until=valid_until,
        requested_by=requested_by,
    )


def _issue_letter(
    session: Session,
    svc: Services,
    row: InsuranceEnrolment,
    *,
    by: Caller,
    reason: LetterReason,
    valid_until: dt.date | None = None,
    requested_by: str = "",
) -> EligibilityLetterRecord:
    """Write the letter of ``row``'s insurer (``by``: who the audit log names)."""
    today = svc.clock.today()
    until = valid_until or latest_eligibility_letter_expiry(today)
    check_eligibility_letter_expiry(issued_on=today, expires_on=until)
    if row.valid_until is not None:
        until = min(until, row.valid_until)
    letter = EligibilityLetterRecord(
        enrolment_id=row.id,
        person_id=row.person_id,
        issued_on=today,
        valid_from=today,
        valid_until=until,
        reason=reason.value,
        requested_by=requested_by[:100],
        created_at=svc.clock.now(),
    )
    session.add(letter)
    session.flush()
    audit.record(
        session,
        caller=by,
        action="issue_eligibility_letter",
        purpose=PURPOSE,
        person_id=row.person_id,
        at=svc.clock.now(),
        detail=f"letter {letter.id} until {until.isoformat()} ({reason.value})",
    )
    return letter


def _insurer_caller(session: Session, row: InsuranceEnrolment) -> Caller:
    insurer = session.get(Insurer, row.insurer_id)
    assert insurer is not None
    return Caller(name=insurer.name_en or insurer.name_ja, role=Role.INSURER, scope_id=insurer.id)


def _require_in_force(row: InsuranceEnrolment, today: dt.date) -> None:
    if row.valid_until is not None and row.valid_until < today:
        raise Conflict(
            "This person's coverage has ended: no letter can be issued.",
            "資格を喪失しているため資格確認書は発行できません。",
            reason="ended",
        )


def send_letters_to_uncovered(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
) -> list[EligibilityLetterRecord]:
    """Send a letter, unasked, to each insured without a usable card-based insurance who has
    no letter in force (健康保険法 改正 2024: 職権交付), and from 2026-08 to each late-stage
    elderly insured aged 85+ whatever their card (``insurance_rules.paper_for``)."""
    insurer = insurer_of(session, caller)
    today = svc.clock.today()
    sent = []
    for row in session.scalars(
        select(InsuranceEnrolment)
        .where(InsuranceEnrolment.insurer_id == insurer.id)
        .order_by(InsuranceEnrolment.id)
    ):
        if not insurance.covered_on(
            valid_from=row.valid_from, valid_until=row.valid_until, on=max(today, row.valid_from)
        ):
            continue
        if letter_in_force(session, row.id, today) is not None:
            continue
        if paper_of(session, svc, row) is InsurancePaper.QUALIFICATION_NOTICE:
            continue
        sent.append(
            _issue_on_enrolment(
                session,
                svc,
                caller=caller,
                enrolment_id=row.id,
                reason=_letter_reason(session, svc, row),
            )
        )
    return sent


def letter_in_force(
    session: Session, enrolment_id: int, today: dt.date
) -> EligibilityLetterRecord | None:
    """A letter of this enrolment valid on ``today``, if any."""
    return session.scalars(
        select(EligibilityLetterRecord).where(
            EligibilityLetterRecord.enrolment_id == enrolment_id,
            EligibilityLetterRecord.withdrawn.is_(False),
            EligibilityLetterRecord.valid_from <= today,
            EligibilityLetterRecord.valid_until >= today,
        )
    ).first()


@refusals_audited
def eligibility_letter_pdf(
    session: Session, svc: Services, *, caller: Caller, letter_id: int
) -> bytes:
    """The letter as a PDF, for its insurer or its owner (audited)."""
    letter = session.get(EligibilityLetterRecord, letter_id)
    if letter is None:
        raise NotFound(
            f"No eligibility letter {letter_id}.", f"資格確認書 {letter_id} はありません。"
        )
    enrolment = session.get(InsuranceEnrolment, letter.enrolment_id)
    assert enrolment is not None
    if caller.role is Role.RESIDENT:
        if caller.scope_id != letter.person_id:
            raise Forbidden("This letter is someone else's.", "他の方の資格確認書です。")
    else:
        own_enrolment(session, caller, enrolment.id)
    audit.record(
        session,
        caller=caller,
        action="eligibility_letter_pdf",
        purpose=PURPOSE,
        person_id=letter.person_id,
        at=svc.clock.now(),
        detail=f"letter {letter.id}",
    )
    return _render(session, letter, enrolment)


def qualification_notice_pdf(
    session: Session, svc: Services, *, caller: Caller, enrolment_id: int
) -> bytes:
    """資格情報のお知らせ: the insurer's notice of the insurance numbers to an insured person
    whose card works as health insurance card (``insurance_rules.paper_for``). Refused for a
    person who gets a 資格確認書 instead (no usable insurance card; the late-stage elderly
    aged 85+ from 2026-08) — their paper is the letter. Audited."""
    row = own_enrolment(session, caller, enrolment_id)
    today = svc.clock.today()
    _require_in_force(row, today)
    if paper_of(session, svc, row) is not InsurancePaper.QUALIFICATION_NOTICE:
        raise Conflict(
            "This person gets an eligibility letter (資格確認書), not a notice of insurance "
            "information: their card does not work as their health insurance card, or they "
            "are 85 or older in the late-stage elderly system.",
            "この方には資格情報のお知らせではなく資格確認書を交付します（マイナ保険証を利用できない、"
            "または後期高齢者医療制度の85歳以上の方です）。",
            reason="gets-eligibility-letter",
        )
    audit.record(
        session,
        caller=caller,
        action="qualification_notice_pdf",
        purpose=PURPOSE,
        person_id=row.person_id,
        at=svc.clock.now(),
        detail=f"enrolment {row.id}",
    )
    notice = EligibilityLetterRecord(
        enrolment_id=row.id,
        person_id=row.person_id,
        issued_on=today,
        valid_from=row.valid_from,
        valid_until=row.valid_until or today,
    )
    return _render(session, notice, row, notice=True)


def _render(
    session: Session,
    letter: EligibilityLetterRecord,
    enrolment: InsuranceEnrolment,
    *,
    notice: bool = False,
) -> bytes:
    from mynumber.adapters.documents import (
        EligibilityLetter,
        render_eligibility_letter,
        render_qualification_notice,
    )

    insurer = session.get(Insurer, enrolment.insurer_id)
    person = get_person(session, letter.person_id)
    reg = active_registration(session, person.id)
    assert insurer is not None
    render = render_qualification_notice if notice else render_eligibility_letter
    return render(
        EligibilityLetter(
            insurer_name=insurer.name_ja,
            insurer_name_en=insurer.name_en,
            insurer_number=insurer.insurer_number,
            symbol=enrolment.symbol,
            number=enrolment.number,
            branch=enrolment.branch,
            name=person.name_latin,
            name_kana=person.name_kana,
            date_of_birth=person.date_of_birth,
            sex=person.sex,
            address=reg.address if reg else "",
            copay_percent=insurance.copay_for(
                date_of_birth=person.date_of_birth,
                on=letter.issued_on,
                income_class=IncomeClass(enrolment.income_class),
                certain_income=enrolment.certain_income,
            ),
            valid_from=letter.valid_from,
            valid_until=letter.valid_until,
            issue_date=letter.issued_on,
        )
    )


@dataclass(frozen=True)
class InsuredNumberChanged:
    """番号変更の通知: an insured person's My Number was changed; update the number the
    insurer keeps for them (read it anew, for social security). No digits."""

    enrolment_id: EnrolmentId
    person_id: PersonId
    changed_on: dt.date


def number_change_notices(
    session: Session, svc: Services, *, caller: Caller
) -> list[InsuredNumberChanged]:
    """The insurer's notices that an insured person's number was changed (番号法 第7条
    第2項); only its own; each reading is audited."""
    insurer = insurer_of(session, caller)
    rows = session.scalars(
        select(NumberChangeNotice)
        .where(
            NumberChangeNotice.holder_role == Role.INSURER.value,
            NumberChangeNotice.holder_id == insurer.id,
        )
        .order_by(NumberChangeNotice.id.desc())
    ).all()
    views = []
    for notice in rows:
        assert notice.enrolment_id is not None
        audit.record(
            session,
            caller=caller,
            action="insurer_read_number_change_notice",
            person_id=notice.person_id,
            purpose=PURPOSE,
            at=svc.clock.now(),
            detail=f"enrolment {notice.enrolment_id}",
        )
        views.append(
            InsuredNumberChanged(
                enrolment_id=notice.enrolment_id,
                person_id=notice.person_id,
                changed_on=notice.changed_on,
            )
        )
    return views
