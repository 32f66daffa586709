"""Insurers over HTTP: enrolment, loss of eligibility, 資格確認書, check-ups; and the card's
registration for insurance use and the owner's medical records (the portal builds on these)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from mynumber.api.deps import CallerDep, EnrolmentPath, LetterPath, PersonPath, ServicesDep, UowDep
from mynumber.api.openapi import file_response
from mynumber.domain.insurance import (
    IncomeClass,
    InsuranceUseChannel,
    InsuredNumbers,
    LossReason,
)
from mynumber.services.core.refs import EnrolmentId, LetterId, PersonId, PersonRef
from mynumber.services.insurance import insurer, medical_records
from mynumber.services.insurance.insurer import LetterReason
from mynumber.services.insurance.medical_records import AccessView, Checkup, RecordKind, RecordView

router = APIRouter(tags=["insurer"])


class EnrolmentIn(BaseModel):
    person_id: PersonRef
    symbol: str = Field("", examples=["1234"])
    number: str = Field(examples=["567890"])
    branch: str = Field(examples=["01"])
    income_class: IncomeClass = IncomeClass.GENERAL
    certain_income: bool = False
    valid_from: dt.date
    employer: str = Field(
        "",
        max_length=100,
        description="The employer, for an employer's "
        "insurer (shown to staff; at most 100 characters)",
    )


class EnrolmentOut(BaseModel):
    enrolment_id: EnrolmentId
    person_id: PersonId
    symbol: str
    number: str
    branch: str
    income_class: str
    valid_from: dt.date
    valid_until: dt.date | None


def _enrolment(row: insurer.Enrolment) -> EnrolmentOut:
    return EnrolmentOut(
        enrolment_id=row.id,
        person_id=row.person_id,
        symbol=row.symbol,
        number=row.number,
        branch=row.branch,
        income_class=row.income_class,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


@router.post("/insurer/enrolments", status_code=201, response_model=EnrolmentOut)
def enrol(body: EnrolmentIn, caller: CallerDep, uow: UowDep, svc: ServicesDep) -> EnrolmentOut:
    """資格取得 — insure a person from ``valid_from``."""
    row = insurer.enrol(
        uow.session,
        svc,
        caller=caller,
        person_id=body.person_id,
        numbers=InsuredNumbers(body.symbol, body.number, body.branch),
        income_class=body.income_class,
        certain_income=body.certain_income,
        valid_from=body.valid_from,
        employer=body.employer,
    )
    uow.commit()
    return _enrolment(row)


class EndIn(BaseModel):
    last_day: dt.date
    reason: LossReason = Field(examples=["moved_away", "left_job"])


@router.post("/insurer/enrolments/{enrolment_id}/end", response_model=EnrolmentOut)
def end_enrolment(
    enrolment_id: EnrolmentPath, body: EndIn, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> EnrolmentOut:
    """資格喪失 — the coverage ends after ``last_day``."""
    row = insurer.end_enrolment(
        uow.session,
        svc,
        caller=caller,
        enrolment_id=enrolment_id,
        last_day=body.last_day,
        reason=body.reason,
    )
    uow.commit()
    return _enrolment(row)


class IncomeIn(BaseModel):
    income_class: IncomeClass
    certain_income: bool = False


@router.post("/insurer/enrolments/{enrolment_id}/income-class", response_model=EnrolmentOut)
def update_income_class(
    enrolment_id: EnrolmentPath, body: IncomeIn, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> EnrolmentOut:
    """The yearly income class (limit-amount category and co-pay from 70)."""
    row = insurer.update_income_class(
        uow.session,
        svc,
        caller=caller,
        enrolment_id=enrolment_id,
        income_class=body.income_class,
        certain_income=body.certain_income,
    )
    uow.commit()
    return _enrolment(row)


class LetterIn(BaseModel):
    reason: LetterReason = LetterReason.ON_REQUEST
    valid_until: dt.date | None = None
    requested_by: str = Field(
        "", max_length=100, examples=["the person at the ward office", "employer HR"]
    )


class LetterOut(BaseModel):
    letter_id: LetterId
    enrolment_id: EnrolmentId
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date
    reason: str


def _letter(row: insurer.EligibilityLetter) -> LetterOut:
    return LetterOut(
        letter_id=row.id,
        enrolment_id=row.enrolment_id,
        issued_on=row.issued_on,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        reason=row.reason,
    )


@router.post(
    "/insurer/enrolments/{enrolment_id}/letters", status_code=201, response_model=LetterOut
)
def issue_letter(
    enrolment_id: EnrolmentPath, body: LetterIn, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> LetterOut:
    """Issue a 資格確認書 (refused if the card works as insurance card, unless assistance)."""
    row = insurer.issue_eligibility_letter(
        uow.session,
        svc,
        caller=caller,
        enrolment_id=enrolment_id,
        reason=body.reason,
        valid_until=body.valid_until,
        requested_by=body.requested_by,
    )
    uow.commit()
    return _letter(row)


@router.get("/insurer/number-change-notices", response_model=list[insurer.InsuredNumberChanged])
def number_change_notices(
    caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> list[insurer.InsuredNumberChanged]:
    """番号変更の通知 — insured persons whose My Number was changed (番号法 第7条第2項)."""
    views = insurer.number_change_notices(uow.session, svc, caller=caller)
    uow.commit()
    return views


@router.post("/insurer/letters/send-unasked", response_model=list[LetterOut])
def send_unasked(caller: CallerDep, uow: UowDep, svc: ServicesDep) -> list[LetterOut]:
    """Send a letter to each insured without a usable card-based insurance (職権交付)."""
    rows = insurer.send_letters_to_uncovered(uow.session, svc, caller=caller)
    uow.commit()
    return [_letter(r) for r in rows]


@router.get(
    "/insurer/letters/{letter_id}.pdf",
    response_class=Response,
    responses=file_response("application/pdf", "The 資格確認書, PDF"),
)
def letter_pdf(letter_id: LetterPath, caller: CallerDep, uow: UowDep, svc: ServicesDep) -> Response:
    """The 資格確認書 as a PDF (its insurer or its owner; audited)."""
    pdf = insurer.eligibility_letter_pdf(uow.session, svc, caller=caller, letter_id=letter_id)
    uow.commit()
    return Response(pdf, media_type="application/pdf")


class InsurerCheckupIn(BaseModel):
    results: dict[str, str]
    judgement: str = ""
    examined_on: dt.date


@router.post("/insurer/enrolments/{enrolment_id}/checkups", status_code=201)
def write_checkup(
    enrolment_id: EnrolmentPath,
    body: InsurerCheckupIn,
    caller: CallerDep,
    uow: UowDep,
    svc: ServicesDep,
) -> RecordView:
    """Record a check-up the insurer ran (特定健診) for one of its insured."""
    view = medical_records.write_checkup_by_insurer(
        uow.session,
        svc,
        caller=caller,
        enrolment_id=enrolment_id,
        checkup=Checkup(body.results, body.judgement),
        examined_on=body.examined_on,
    )
    uow.commit()
    return view


class InsuranceUseIn(BaseModel):
    channel: InsuranceUseChannel = Field(InsuranceUseChannel.PORTAL, examples=["portal", "counter"])


class InsuranceUseOut(BaseModel):
    person_id: PersonId
    card_serial: str
    insurance_use: bool = Field(description="Always true: the card now works as insurance card")


@router.post(
    "/residents/{person_id}/insurance-use", status_code=201, response_model=InsuranceUseOut
)
def register_insurance_use(
    person_id: PersonPath, body: InsuranceUseIn, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> InsuranceUseOut:
    """健康保険証利用登録 — register the card for insurance use (once)."""
    card = insurer.register_insurance_use(
        uow.session, svc, caller=caller, person_id=person_id, channel=body.channel
    )
    uow.commit()
    return InsuranceUseOut(person_id=person_id, card_serial=card.serial, insurance_use=True)


class InsuranceUseCancelledOut(BaseModel):
    person_id: PersonId
    card_serial: str
    insurance_use: bool = Field(description="Always false: the card no longer works as one")
    letters: list[LetterOut] = Field(
        description="The 資格確認書 each insurer covering the person issued at once"
    )


@router.delete("/residents/{person_id}/insurance-use", response_model=InsuranceUseCancelledOut)
def cancel_insurance_use(
    person_id: PersonPath, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> InsuranceUseCancelledOut:
    """利用登録の解除 — the holder (or their insurer on request) cancels the card's insurance
    use; a 資格確認書 is issued at once by each insurer covering them."""
    card, letters = insurer.cancel_insurance_use(
        uow.session, svc, caller=caller, person_id=person_id
    )
    uow.commit()
    return InsuranceUseCancelledOut(
        person_id=person_id,
        card_serial=card.serial,
        insurance_use=False,
        letters=[_letter(r) for r in letters],
    )


@router.get(
    "/insurer/enrolments/{enrolment_id}/qualification-notice.pdf",
    response_class=Response,
    responses=file_response("application/pdf", "The 資格情報のお知らせ, PDF"),
)
def qualification_notice_pdf(
    enrolment_id: EnrolmentPath, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> Response:
    """資格情報のお知らせ for an insured person whose card works as insurance card (refused
    for a person who gets a 資格確認書 instead; audited)."""
    pdf = insurer.qualification_notice_pdf(
        uow.session, svc, caller=caller, enrolment_id=enrolment_id
    )
    uow.commit()
    return Response(pdf, media_type="application/pdf")


@router.get("/residents/{person_id}/medical-records")
def my_records(
    person_id: PersonPath,
    caller: CallerDep,
    uow: UowDep,
    svc: ServicesDep,
    kind: RecordKind | None = None,
) -> list[RecordView]:
    """The owner's prescriptions and check-ups (audited)."""
    rows = medical_records.records_for_owner(
        uow.session, svc, caller=caller, person_id=person_id, kind=kind
    )
    uow.commit()
    return rows


@router.get("/residents/{person_id}/access-log")
def my_access_log(
    person_id: PersonPath, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> list[AccessView]:
    """Who looked at or changed the owner's data, newest first."""
    return medical_records.access_log(uow.session, svc, caller=caller, person_id=person_id)
