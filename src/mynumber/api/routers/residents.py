"""A resident's own API token, from a card login (利用者証明), as the portal's login does it:
the resident's software asks for a nonce, their card signs it after the 4-digit PIN (in
their own reader, or the sandbox's virtual one), and the signed answer is exchanged for a
token bound to the card's holder. No token is needed to ask: the card is the credential."""

from __future__ import annotations

import base64
import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mynumber.api.deps import ServicesDep, UowDep
from mynumber.api.openapi import CARD_IS_CREDENTIAL
from mynumber.api.routers.card_auth import CardAnswerRequest, ChallengeResponse, decode
from mynumber.services.core.refs import PersonId
from mynumber.services.portal import resident

router = APIRouter(prefix="/residents/login", tags=["resident"])


class ResidentTokenResponse(BaseModel):
    token: str = Field(description="The resident's API token (Authorization: Bearer), shown once")
    person_id: PersonId
    expires_at: dt.datetime


@router.post("/challenges", status_code=201, response_model=ChallengeResponse)
def login_challenge(uow: UowDep, svc: ServicesDep) -> ChallengeResponse:
    """A fresh nonce for the resident's card to sign (valid for 5 minutes, once)."""
    challenge = resident.login_challenge(uow.session, svc)
    uow.commit()
    return ChallengeResponse(
        nonce=base64.b64encode(challenge.nonce).decode(), expires_at=challenge.expires_at
    )


@router.post(
    "", status_code=201, response_model=ResidentTokenResponse, openapi_extra=CARD_IS_CREDENTIAL
)
def log_in(body: CardAnswerRequest, uow: UowDep, svc: ServicesDep) -> ResidentTokenResponse:
    """Exchange the card's signed nonce for the resident's API token (one hour)."""
    made = resident.log_in_for_token(
        uow.session,
        svc,
        nonce=decode("nonce", body.nonce),
        certificate_der=decode("certificate", body.certificate),
        signature=decode("signature", body.signature),
    )
    uow.commit()
    return ResidentTokenResponse(
        token=made.token, person_id=made.person_id, expires_at=made.expires_at
    )
