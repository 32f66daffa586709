"""Card authentication over HTTP (利用者証明): the nonce, then the card's signed answer.

Used by clinic terminals, the portal, kiosks and the ward office. Binary values are base64.
The answer names the person by id only: no My Number crosses this interface.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mynumber.api.deps import CallerDep, ServicesDep, UowDep
from mynumber.domain.errors import invalid
from mynumber.services.core.refs import PersonId
from mynumber.services.jpki import card_auth

router = APIRouter(prefix="/card-auth", tags=["card authentication"])


class ChallengeResponse(BaseModel):
    nonce: str = Field(description="32 random bytes, base64: the card signs them")
    expires_at: dt.datetime


class CardAnswerRequest(BaseModel):
    nonce: str = Field(description="The nonce, base64, as received")
    certificate: str = Field(description="The user-authentication certificate, DER, base64")
    signature: str = Field(description="The card's PKCS#1 v1.5 SHA-256 signature, base64")


class AuthenticatedResponse(BaseModel):
    person_id: PersonId


def decode(field: str, text: str) -> bytes:
    """Strict base64, or a clear 422 naming the field."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(
            field, f"{field} is not valid base64.", f"{field} がbase64形式ではありません。"
        ) from None


@router.post("/challenges", status_code=201, response_model=ChallengeResponse)
def new_challenge(caller: CallerDep, uow: UowDep, svc: ServicesDep) -> ChallengeResponse:
    """A fresh nonce for the card to sign (valid for 5 minutes, once)."""
    challenge = card_auth.issue_challenge(uow.session, svc, caller=caller)
    uow.commit()
    return ChallengeResponse(
        nonce=base64.b64encode(challenge.nonce).decode(), expires_at=challenge.expires_at
    )


@router.post("/responses", response_model=AuthenticatedResponse)
def answer(
    body: CardAnswerRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> AuthenticatedResponse:
    """Check the card's answer: the person who holds the card, or why not."""
    person_id = card_auth.authenticate_card(
        uow.session,
        svc,
        caller=caller,
        nonce=decode("nonce", body.nonce),
        certificate_der=decode("certificate", body.certificate),
        signature=decode("signature", body.signature),
    )
    uow.commit()
    return AuthenticatedResponse(person_id=person_id)
