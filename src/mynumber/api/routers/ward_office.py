"""Ward office counter: registration, letters, reading a number for a lawful purpose."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from mynumber.api.deps import CallerDep, MailPath, PersonPath, ServicesDep, UowDep
from mynumber.api.openapi import file_response
from mynumber.domain.access import MAX_PURPOSE_TEXT, parse_purpose
from mynumber.domain.errors import PurposeNotAllowed
from mynumber.domain.mail import DeliveryFailure
from mynumber.domain.number_change import NumberChangeGround
from mynumber.domain.registration import (
    ADDRESS_LENGTH,
    NAME_LENGTH,
    IdDocument,
    Sex,
    build_moving_in,
    parse_id_documents,
)
from mynumber.services.core.policy import refused
from mynumber.services.core.refs import MailId, NotificationLetterId, PersonId, RegistrationId
from mynumber.services.flows import moving, moving_online, number_change
from mynumber.services.registry import letters, residence_cards, residents, ward_office
from mynumber.services.registry.numbers import read_my_number

router = APIRouter(prefix="/ward-office", tags=["ward office"])


class MovingInRequest(BaseModel):
    municipality_code: str = Field(examples=["131016"])
    name_latin: str = Field(max_length=NAME_LENGTH, examples=["SMITH JOHN"])
    name_kana: str = Field("", max_length=NAME_LENGTH)
    name_kanji: str = Field("", max_length=NAME_LENGTH)
    date_of_birth: dt.date = Field(examples=["1995-04-12"])
    sex: Sex = Field(examples=["M"])
    nationality: str = Field(max_length=2, examples=["US"])
    address: str = Field(max_length=ADDRESS_LENGTH, examples=["1-1 Chiyoda, Chiyoda-ku, Tokyo"])
    started_living_on: dt.date
    id_documents: list[IdDocument] = Field(
        max_length=len(IdDocument), examples=[["residence_card", "passport"]]
    )
    residence_card_number: str | None = Field(
        default=None, max_length=12, examples=["AB12345678CD"]
    )
    status_of_residence: str | None = Field(
        default=None, max_length=60, examples=["Engineer/Specialist"]
    )
    period_of_stay_ends: dt.date | None = None


class MovingInResponse(BaseModel):
    person_id: PersonId
    registration_id: RegistrationId
    my_number: str = Field(description="Masked: **** **** 1234")
    late: bool
    returning: bool
    letter_id: NotificationLetterId | None
    application_id: str | None
    mail_id: MailId | None = Field(
        default=None, description="The mail item carrying the letter (to record it returned)"
    )


@router.post("/residents", status_code=201, response_model=MovingInResponse)
def register_moving_in(
    body: MovingInRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> MovingInResponse:
    """転入届 — register a person moving in."""
    form = build_moving_in(
        filed_on=svc.clock.today(), **body.model_dump(exclude={"municipality_code"})
    )
    result = moving.register_moving_in(
        uow.session, svc, caller=caller, municipality_code=body.municipality_code, form=form
    )
    uow.commit()
    return _moved_in(result)


def _moved_in(result: ward_office.MovingInResult) -> MovingInResponse:
    return MovingInResponse(
        person_id=result.person_id,
        registration_id=result.registration_id,
        my_number=result.masked_number,
        late=result.late,
        returning=result.returning,
        letter_id=result.letter_id,
        application_id=result.application_id,
        mail_id=result.mail_id,
    )


@router.get("/residents/{person_id}")
def get_resident(
    person_id: PersonPath, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> residents.ResidentView:
    """A resident's record, with the number masked."""
    view = residents.view_resident(uow.session, svc, caller=caller, person_id=person_id)
    uow.commit()
    return view


class MovingWithinRequest(BaseModel):
    new_address: str = Field(max_length=ADDRESS_LENGTH)
    moved_on: dt.date


class MovedWithinResponse(BaseModel):
    person_id: PersonId
    address: str
    late: bool = Field(description="Filed more than 14 days after the move (accepted)")


@router.post("/residents/{person_id}/moving-within", response_model=MovedWithinResponse)
def register_moving_within(
    person_id: PersonPath,
    body: MovingWithinRequest,
    caller: CallerDep,
    uow: UowDep,
    svc: ServicesDep,
) -> MovedWithinResponse:
    """転居届 — a new address in the same municipality."""
    reg = ward_office.register_moving_within(
        uow.session,
        svc,
        caller=caller,
        person_id=person_id,
        new_address=body.new_address,
        moved_on=body.moved_on,
    )
    uow.commit()
    return MovedWithinResponse(person_id=person_id, address=reg.address, late=reg.late)


class ResidenceCardRequest(BaseModel):
    residence_card_number: str = Field(max_length=14, examples=["CD87654321EF"])
    status_of_residence: str = Field(max_length=60, examples=["Engineer/Specialist"])
    period_of_stay_ends: dt.date | None = None


class ResidenceCardRecorded(BaseModel):
    person_id: PersonId
    residence_card_number: str
    status_of_residence: str
    period_of_stay_ends: dt.date | None


@router.post("/residents/{person_id}/residence-card", response_model=ResidenceCardRecorded)
def record_residence_card_renewal(
    person_id: PersonPath,
    body: ResidenceCardRequest,
    caller: CallerDep,
    uow: UowDep,
    svc: ServicesDep,
) -> ResidenceCardRecorded:
    """在留カードの更新 — record a renewed residence card (its new number and the new stay).
    The My Number Card's validity follows only at its validity change."""
    reg = residence_cards.record_residence_card_renewal(
        uow.session,
        svc,
        caller=caller,
        person_id=person_id,
        residence_card_number=body.residence_card_number,
        status_of_residence=body.status_of_residence,
        period_of_stay_ends=body.period_of_stay_ends,
    )
    uow.commit()
    return ResidenceCardRecorded(
        person_id=person_id,
        residence_card_number=reg.residence_card_number or "",
        status_of_residence=reg.status_of_residence or "",
        period_of_stay_ends=reg.period_of_stay_ends,
    )


class NumberChangeRequest(BaseModel):
    ground: NumberChangeGround = Field(
        description="on_request (the holder asked) or ex_officio (the office's own finding)"
    )
    leaked: bool = Field(description="The number has leaked (checked by the office)")
    fraud_feared: bool = Field(description="It may be used fraudulently (checked by the office)")


class NumberChangedResponse(BaseModel):
    person_id: PersonId
    my_number: str = Field(description="The new number, masked: **** **** 1234")
    cards_cancelled: int
    letter_id: NotificationLetterId
    application_id: str = Field(description="For the new card, on the new notification letter")
    employers_notified: int
    insurers_notified: int


@router.post("/residents/{person_id}/my-number/change", response_model=NumberChangedResponse)
def change_my_number(
    person_id: PersonPath,
    body: NumberChangeRequest,
    caller: CallerDep,
    uow: UowDep,
    svc: ServicesDep,
) -> NumberChangedResponse:
    """個人番号の変更 (番号法 第7条第2項) — a leaked number, fraud feared: a new number, the
    card cancelled, a new notification letter, notices to the old number's holders."""
    done = number_change.change_number(
        uow.session,
        svc,
        caller=caller,
        person_id=person_id,
        ground=body.ground.value,
        leaked=body.leaked,
        fraud_feared=body.fraud_feared,
    )
    uow.commit()
    return NumberChangedResponse(
        person_id=person_id,
        my_number=done.masked_number,
        cards_cancelled=done.cards_cancelled,
        letter_id=done.letter_id,
        application_id=done.application_id,
        employers_notified=done.employers_notified,
        insurers_notified=done.insurers_notified,
    )


@router.get("/arrivals", response_model=list[moving_online.ArrivalView])
def announced_arrivals(
    caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> list[moving_online.ArrivalView]:
    """来庁予定 — arrivals announced to this municipality by an online 転出届
    (引越しワンストップ), by the announced visit day."""
    views = moving_online.announced_arrivals(uow.session, svc, caller=caller)
    uow.commit()
    return views


class ArrivalRequest(BaseModel):
    address: str = Field(max_length=ADDRESS_LENGTH)
    started_living_on: dt.date


@router.post("/residents/{person_id}/arrival", status_code=201, response_model=MovingInResponse)
def complete_arrival(
    person_id: PersonPath, body: ArrivalRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> MovingInResponse:
    """転入届 for an announced arrival — in person, with the card the 転出届 was signed with."""
    result = moving_online.complete_announced_arrival(
        uow.session,
        svc,
        caller=caller,
        person_id=person_id,
        address=body.address,
        started_living_on=body.started_living_on,
    )
    uow.commit()
    return _moved_in(result)


class MovingOutRequest(BaseModel):
    destination: str = Field(
        description="Municipality code, or 'abroad'",
        examples=["abroad"],
        pattern=r"^([0-9]{6}|abroad)$",
    )
    planned_move_on: dt.date


class MovedOutResponse(BaseModel):
    person_id: PersonId
    status: str = Field(description="The registration's status after the 転出届")
    moved_to: str | None = Field(description="Municipality code, or 'abroad'")


@router.post("/residents/{person_id}/moving-out", response_model=MovedOutResponse)
def register_moving_out(
    person_id: PersonPath, body: MovingOutRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> MovedOutResponse:
    """転出届 — moving to another municipality or abroad."""
    reg = moving.register_moving_out(
        uow.session,
        svc,
        caller=caller,
        person_id=person_id,
        destination=body.destination,
        planned_move_on=body.planned_move_on,
    )
    uow.commit()
    return MovedOutResponse(person_id=person_id, status=reg.status, moved_to=reg.moved_to)


class PurposeRequest(BaseModel):
    # Bounded here as everywhere (domain.access.MAX_PURPOSE_TEXT): an unknown purpose is
    # refused by the law's rule and audited as "invalid"; a longer text is malformed (422).
    purpose: str = Field(max_length=MAX_PURPOSE_TEXT, examples=["tax"])


class NumberResponse(BaseModel):
    my_number: str = Field(description="The full 12 digits")
    purpose: str


@router.post("/residents/{person_id}/my-number", response_model=NumberResponse)
def read_number(
    person_id: PersonPath, body: PurposeRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> NumberResponse:
    """The full My Number, for a purpose the law allows (audited)."""
    try:
        purpose = parse_purpose(body.purpose, person_id=person_id)
    except PurposeNotAllowed as refusal:  # audited as the use case's refusals are
        raise refused(caller, refusal) from None
    number = read_my_number(uow.session, svc, caller=caller, person_id=person_id, purpose=purpose)
    uow.commit()
    return NumberResponse(my_number=number.digits, purpose=body.purpose)


@router.get(
    "/residents/{person_id}/letter.pdf",
    response_class=Response,
    responses=file_response("application/pdf", "The letter, PDF"),
)
def letter_pdf(person_id: PersonPath, caller: CallerDep, uow: UowDep, svc: ServicesDep) -> Response:
    """The notification letter (個人番号通知書) as a PDF, with its QR code (audited)."""
    pdf = letters.letter_pdf(uow.session, svc, caller=caller, person_id=person_id)
    uow.commit()
    return Response(pdf, media_type="application/pdf")


class HandOverRequest(BaseModel):
    id_documents: list[IdDocument] = Field(max_length=len(IdDocument))


class LetterHandedOverResponse(BaseModel):
    letter_id: NotificationLetterId
    status: str


@router.post("/residents/{person_id}/letter/hand-over", response_model=LetterHandedOverResponse)
def hand_over_letter(
    person_id: PersonPath, body: HandOverRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> LetterHandedOverResponse:
    """Hand a returned letter to its owner, against photo ID."""
    letter = letters.hand_over_letter(
        uow.session,
        svc,
        caller=caller,
        person_id=person_id,
        id_documents=parse_id_documents(body.id_documents),
    )
    uow.commit()
    return LetterHandedOverResponse(letter_id=letter.id, status=letter.status)


class LetterReissuedResponse(BaseModel):
    letter_id: NotificationLetterId
    application_id: str = Field(description="The new 23-digit application ID")
    mail_id: MailId | None = Field(default=None, description="The mail item carrying it")


@router.post(
    "/residents/{person_id}/letter/reissue", status_code=201, response_model=LetterReissuedResponse
)
def reissue_letter(
    person_id: PersonPath, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> LetterReissuedResponse:
    """Reissue a lost letter; the old application ID stops working."""
    letter, mail = letters.reissue_letter(uow.session, svc, caller=caller, person_id=person_id)
    uow.commit()
    return LetterReissuedResponse(
        letter_id=letter.id, application_id=letter.application_id, mail_id=mail.id
    )


@router.get("/residents/{person_id}/mail", response_model=list[letters.MailView])
def mail_to_resident(
    person_id: PersonPath, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> list[letters.MailView]:
    """What the post carried to a resident, with each item's id and where it stands."""
    items = letters.mail_to(uow.session, svc, caller=caller, person_id=person_id)
    uow.commit()
    return items


class ReturnedRequest(BaseModel):
    reason: DeliveryFailure


class MailReturnedResponse(BaseModel):
    mail_id: MailId
    status: str
    failure: str | None


@router.post("/mail/{mail_id}/returned", response_model=MailReturnedResponse)
def record_returned(
    mail_id: MailPath, body: ReturnedRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> MailReturnedResponse:
    """The post brought an item back: it is held at the counter."""
    item = letters.record_mail_returned(
        uow.session, svc, caller=caller, mail_id=mail_id, failure=body.reason
    )
    uow.commit()
    return MailReturnedResponse(mail_id=item.id, status=item.status, failure=item.failure)
