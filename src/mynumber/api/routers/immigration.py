"""The regional immigration bureau: the special residence card (特定在留カード), issued with a
stay application and renewed with a stay renewal (``services.immigration``)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mynumber.api.deps import CallerDep, ServicesDep, UowDep
from mynumber.domain.cards import IdentityShown
from mynumber.domain.registration import NAME_LENGTH
from mynumber.services.cards.counter import InitialPins
from mynumber.services.immigration import special_residence_cards as cards

router = APIRouter(prefix="/immigration", tags=["immigration bureau"])


class StayGrantRequest(BaseModel):
    """The applicant as their residence card shows them, the stay the bureau grants with the
    new card, and the PINs the holder chooses at the bureau."""

    name_latin: str = Field(max_length=NAME_LENGTH)
    date_of_birth: dt.date
    residence_card_number: str = Field(
        max_length=12, description="The residence card the applicant holds now"
    )
    new_residence_card_number: str = Field(
        max_length=12, description="The number of the special residence card issued now"
    )
    status_of_residence: str = Field(max_length=60, examples=["Engineer/Specialist"])
    period_of_stay_ends: dt.date | None = Field(
        default=None, description="None only for a status without a period of stay"
    )
    user_authentication_pin: str = Field(max_length=4)
    resident_registry_pin: str = Field(max_length=4)
    card_info_input_pin: str = Field(max_length=4)
    signature_pin: str | None = Field(default=None, max_length=16, description="From 15")

    def shown(self) -> IdentityShown:
        return IdentityShown(self.name_latin, self.date_of_birth, self.residence_card_number)

    def granted(self) -> cards.GrantedStay:
        return cards.GrantedStay(
            self.new_residence_card_number, self.status_of_residence, self.period_of_stay_ends
        )

    def pins(self) -> InitialPins:
        return InitialPins(
            self.user_authentication_pin,
            self.resident_registry_pin,
            self.card_info_input_pin,
            self.signature_pin,
        )


class IssueRequest(StayGrantRequest):
    nationality: str = Field(
        min_length=2, max_length=2, description="ISO 3166 alpha-2, from the passport"
    )


class SpecialResidenceCardResponse(BaseModel):
    card_serial: str
    residence_card_number: str
    status_of_residence: str
    period_of_stay_ends: dt.date | None
    expires_on: dt.date
    certificates_expire_on: dt.date | None
    signature_certificate: bool
    replaced_card_serial: str | None


def _response(card: cards.SpecialResidenceCard) -> SpecialResidenceCardResponse:
    return SpecialResidenceCardResponse(
        card_serial=card.card_serial,
        residence_card_number=card.residence_card_number,
        status_of_residence=card.status_of_residence,
        period_of_stay_ends=card.period_of_stay_ends,
        expires_on=card.expires_on,
        certificates_expire_on=card.certificates_expire_on,
        signature_certificate=card.signature_certificate,
        replaced_card_serial=card.replaced_card_serial,
    )


@router.post(
    "/special-residence-cards", status_code=201, response_model=SpecialResidenceCardResponse
)
def issue_special_residence_card(
    body: IssueRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> SpecialResidenceCardResponse:
    """特定在留カード — issue the special residence card with the stay granted (from
    2026-06-14; not for Japanese nationals, special permanent residents or short stays)."""
    issued = cards.issue_special_residence_card(
        uow.session,
        svc,
        caller=caller,
        applicant=body.shown(),
        nationality=body.nationality,
        granted=body.granted(),
        pins=body.pins(),
    )
    uow.commit()
    return _response(issued)


@router.post(
    "/special-residence-cards/renewals",
    status_code=201,
    response_model=SpecialResidenceCardResponse,
)
def renew_special_residence_card(
    body: StayGrantRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> SpecialResidenceCardResponse:
    """在留期間更新 — renew the special residence card with the stay renewal: a new card until
    the new end of stay (birthday rule cap), the old card invalidated, its certificates
    revoked. Only at the bureau holding the person's stay case."""
    renewed = cards.renew_with_stay(
        uow.session,
        svc,
        caller=caller,
        applicant=body.shown(),
        granted=body.granted(),
        pins=body.pins(),
    )
    uow.commit()
    return _response(renewed)
