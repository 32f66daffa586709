"""The clinic's reception terminal (マイナ受付) over HTTP: eligibility checks, consent, records.

A check is one request once the terminal holds a nonce: every answer to a PIN check carries
the nonce for the next card (``next_nonce``), so a busy terminal asks ``/clinic/challenges``
only when it starts or when its nonce has expired. Binary values are base64. No My Number
crosses this interface.

Consent is the patient's, given at the terminal with the card: a check opens the visit
without consent, and ``POST /clinic/visits/{visit}/consent`` records the patient's choice only
with the card's signature over ``domain.terminal.consent_message`` (a fresh nonce from
``/clinic/challenges``, the visit's reference, the choice). A check request that still sets a
consent choice is **refused** (422, field ``consent``): a flag the clinic's software sends never
grants anything, and refusing tells an old terminal so instead of letting it believe it has
consent (an absent or all-false ``consent`` grants nothing and is accepted).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import MISSING, fields
from typing import Any, get_type_hints

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field, create_model

from mynumber.api.check_desk import CheckDesk
from mynumber.api.deps import CallerDep, ServicesDep, UowDep, VisitPath
from mynumber.api.routers.card_auth import decode
from mynumber.domain.errors import invalid
from mynumber.domain.insurance import Consent, EligibilityAnswer
from mynumber.services.core.context import Caller
from mynumber.services.core.refs import VisitId
from mynumber.services.insurance import clinic, medical_records
from mynumber.services.insurance.checks import CardCheck
from mynumber.services.insurance.medical_records import Checkup, Medicine

router = APIRouter(prefix="/clinic", tags=["clinic"])


class ConsentBody(BaseModel):
    """What the patient chose on the terminal's screen for this visit (in a check request:
    refused if any is set — consent is ``/clinic/visits/{visit}/consent``, signed by the
    card)."""

    medication: bool = Field(default=False, description="Share past medication (薬剤情報)")
    checkups: bool = Field(default=False, description="Share check-up results (特定健診情報)")
    limit_amount: bool = Field(
        default=False, description="Share the limit-amount category (限度額)"
    )

    def domain(self) -> Consent:
        return Consent(self.medication, self.checkups, self.limit_amount)


class ChallengeOut(BaseModel):
    nonce: str = Field(description="32 random bytes, base64: the card signs them")
    expires_at: dt.datetime


class PinCheck(BaseModel):
    nonce: str
    certificate: str = Field(description="User-authentication certificate, DER, base64")
    signature: str = Field(description="The card's signature over the nonce, base64")
    consent: ConsentBody = Field(default_factory=ConsentBody)
    register_insurance_use: bool = Field(
        default=False, description="The patient chose to register the card as insurance card now"
    )


class FaceCheck(BaseModel):
    certificate: str
    chip_photo: str | None = Field(
        default=None,
        description="Ignored: the live image is compared with the photo the "
        "server reads from the card's chip, never with an image the terminal sends",
    )
    live_image: str = Field(description="The terminal camera's image (JPEG/PNG), base64")
    consent: ConsentBody = Field(default_factory=ConsentBody)
    register_insurance_use: bool = False


class VisualCheck(BaseModel):
    certificate: str
    staff_name: str = Field(
        default="",
        description="Ignored: the audit names the clerk logged in, never a name the terminal sends",
    )
    consent: ConsentBody = Field(default_factory=ConsentBody)
    register_insurance_use: bool = False


class LetterCheck(BaseModel):
    insurer_number: str = Field(examples=["131011"])
    symbol: str = ""
    number: str
    branch: str = Field(examples=["01"])
    date_of_birth: dt.date


class ConsentIn(ConsentBody):
    """The patient's choice, signed by the visit's card at the terminal after its PIN."""

    nonce: str = Field(description="A fresh nonce from /clinic/challenges, base64")
    certificate: str = Field(description="User-authentication certificate, DER, base64")
    signature: str = Field(
        description="The card's signature over consent_message(nonce, "
        "visit reference, choice) (domain.terminal), base64"
    )


def refuse_consent_flag(consent: ConsentBody) -> None:
    """A check request may not grant consent (see the module's docstring): 422 if it tries."""
    if consent.domain() != Consent():
        raise invalid(
            "consent",
            "Consent is the patient's choice at the terminal, signed by "
            "their card: POST /clinic/visits/{visit}/consent after the check. A "
            "check request cannot grant it.",
            "同意は患者さんご本人が端末でカードを用いて選択します（受付後に同意の操作を"
            "してください）。資格確認の要求で同意を指定することはできません。",
        )


def _api_name(field: str) -> str:
    # The API has said ``message`` (English, the default language) since its first version.
    return "message" if field == "message_en" else field


_ANSWER_FIELDS = tuple(fields(EligibilityAnswer))
# The visit leaves as its opaque reference (services.core.refs), never its id.
_ANSWER_TYPES = get_type_hints(EligibilityAnswer) | {"visit_id": VisitId}
_ANSWER_MODEL: dict[str, Any] = {
    _api_name(f.name): (_ANSWER_TYPES[f.name], ... if f.default is MISSING else f.default)
    for f in _ANSWER_FIELDS
}

AnswerOut = create_model(
    "AnswerOut",
    __doc__=EligibilityAnswer.__doc__,
    **_ANSWER_MODEL,
    next_nonce=(
        ChallengeOut | None,
        Field(default=None, description="PIN checks: the terminal's nonce for the next card"),
    ),
)
"""The eligibility answer over HTTP: ``domain.insurance.EligibilityAnswer``'s fields (the one
declaration), ``message_en`` as ``message``, and the next nonce."""


def _out(answer: EligibilityAnswer, next_nonce: ChallengeOut | None = None) -> BaseModel:
    return AnswerOut(
        **{_api_name(f.name): getattr(answer, f.name) for f in _ANSWER_FIELDS},
        next_nonce=next_nonce,
    )


@router.post("/challenges", status_code=201, response_model=ChallengeOut)
def new_challenge(caller: CallerDep, uow: UowDep, svc: ServicesDep) -> ChallengeOut:
    """A nonce for the next card (valid 5 minutes, once)."""
    challenge = clinic.new_challenge(uow.session, svc, caller=caller)
    uow.commit()
    return ChallengeOut(nonce=decode_out(challenge.nonce), expires_at=challenge.expires_at)


def decode_out(data: bytes) -> str:
    return base64.b64encode(data).decode()


@router.post("/checks/pin", response_model=AnswerOut)
async def check_with_pin(body: PinCheck, caller: CallerDep, request: Request) -> Response:
    """The card signed the nonce after the PIN: the eligibility answer, and the terminal's
    nonce for the next card. Checks arriving together are answered together
    (``api.check_desk``). A well-formed check is answered by ``api.check_lane`` before it
    reaches this route, with the same ``answer_pin_check``."""
    answer = await answer_pin_check(body, caller, request.app.state.check_desk)
    return Response(answer, media_type="application/json")


async def answer_pin_check(body: PinCheck, caller: Caller, desk: CheckDesk) -> bytes:
    """A PIN check's answer as JSON (``AnswerOut``), or its refusal raised: the route's and
    the check lane's one way to answer."""
    refuse_consent_flag(body.consent)
    done = await desk.check(
        CardCheck(
            caller,
            decode("certificate", body.certificate),
            "pin",
            nonce=decode("nonce", body.nonce),
            signature=decode("signature", body.signature),
            register_insurance_use=body.register_insurance_use,
        )
    )
    following = done.next_challenge
    out = _out(
        done.answer,
        ChallengeOut(nonce=decode_out(following.nonce), expires_at=following.expires_at),
    )
    # Serialised once here: the busiest route skips FastAPI's second validation of the model.
    return out.model_dump_json().encode()


@router.post("/checks/face", response_model=AnswerOut)
def check_with_face(body: FaceCheck, caller: CallerDep, uow: UowDep, svc: ServicesDep) -> BaseModel:
    """Face recognition against the chip photo; a failure is kept (the staff visual check
    needs one) and answered with the fallback."""
    refuse_consent_flag(body.consent)
    return _out(
        clinic.check_with_face_kept(
            uow,
            svc,
            caller=caller,
            certificate_der=decode("certificate", body.certificate),
            live_image=decode("live_image", body.live_image),
            register_insurance_use=body.register_insurance_use,
        )
    )


@router.post("/checks/visual", response_model=AnswerOut)
def check_with_visual(
    body: VisualCheck, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> BaseModel:
    """目視確認 by staff, after a failed face attempt with this card — only with the card in
    the terminal's reader and by a logged-in clerk (``clinic.check_with_visual``). A request
    over HTTP brings only a certificate, which proves no card is present: it is refused (403
    ``card-not-in-terminal``, audited); the visual check is made on the terminal's page,
    whose reader holds the card."""
    refuse_consent_flag(body.consent)
    answer = clinic.check_with_visual(
        uow.session,
        svc,
        caller=caller,
        reader=None,
        certificate_der=decode("certificate", body.certificate),
        register_insurance_use=body.register_insurance_use,
    )
    uow.commit()
    return _out(answer)


@router.post("/checks/letter", response_model=AnswerOut)
def check_letter(body: LetterCheck, caller: CallerDep, uow: UowDep, svc: ServicesDep) -> BaseModel:
    """The numbers of a 資格確認書 and the date of birth: the eligibility answer."""
    answer = clinic.check_letter(
        uow.session,
        svc,
        caller=caller,
        insurer_number=body.insurer_number,
        symbol=body.symbol,
        number=body.number,
        branch=body.branch,
        date_of_birth=body.date_of_birth,
    )
    uow.commit()
    return _out(answer)


@router.get("/visits/{visit_id}/history")
def view_history(
    visit_id: VisitPath, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> clinic.HistoryView:
    """Past medication and check-ups, as far as the patient consented at this visit."""
    view = clinic.view_history(uow.session, svc, caller=caller, visit_id=visit_id)
    uow.commit()
    return view


@router.post("/visits/{visit_id}/consent", response_model=AnswerOut)
def give_consent(
    visit_id: VisitPath, body: ConsentIn, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> BaseModel:
    """同意: the patient's choice at the terminal, signed by the visit's card after its PIN;
    the answer again (with the limit-amount category if consented). A choice the card did not
    sign, or another card's, is refused (403, audited)."""
    answer = clinic.give_consent(
        uow.session,
        svc,
        caller=caller,
        visit_id=visit_id,
        consent=body.domain(),
        signed=clinic.SignedConsent(
            nonce=decode("nonce", body.nonce),
            certificate_der=decode("certificate", body.certificate),
            signature=decode("signature", body.signature),
        ),
    )
    uow.commit()
    return _out(answer)


@router.post("/visits/{visit_id}/close", status_code=204)
def close_visit(visit_id: VisitPath, caller: CallerDep, uow: UowDep, svc: ServicesDep) -> None:
    """The visit is over; its consent no longer opens anything."""
    clinic.close_visit(uow.session, svc, caller=caller, visit_id=visit_id)
    uow.commit()


class MedicineIn(BaseModel):
    name: str
    dose: str = ""
    days: int


class PrescriptionIn(BaseModel):
    medicines: list[MedicineIn]
    prescribed_on: dt.date | None = None


class VisitCheckupIn(BaseModel):
    results: dict[str, str]
    judgement: str = ""
    examined_on: dt.date | None = None


@router.post("/visits/{visit_id}/prescriptions", status_code=201)
def write_prescription(
    visit_id: VisitPath, body: PrescriptionIn, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> medical_records.RecordView:
    """Record what was prescribed or dispensed at this visit."""
    view = medical_records.write_prescription(
        uow.session,
        svc,
        caller=caller,
        visit_id=visit_id,
        medicines=[Medicine(m.name, m.dose, m.days) for m in body.medicines],
        prescribed_on=body.prescribed_on,
    )
    uow.commit()
    return view


@router.post("/visits/{visit_id}/checkups", status_code=201)
def write_checkup(
    visit_id: VisitPath, body: VisitCheckupIn, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> medical_records.RecordView:
    """Record a check-up carried out at this visit."""
    view = medical_records.write_checkup_at_clinic(
        uow.session,
        svc,
        caller=caller,
        visit_id=visit_id,
        checkup=Checkup(body.results, body.judgement),
        examined_on=body.examined_on,
    )
    uow.commit()
    return view
