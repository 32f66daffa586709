"""The resident's own filings over JSON (マイナポータル): the online 転出届 of the one-stop
moving service (引越しワンストップ), signed on the resident's card."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mynumber.api.deps import CallerDep, ServicesDep, UowDep
from mynumber.services.flows import moving_online

router = APIRouter(prefix="/residents", tags=["resident"])


class OnlineMovingOutRequest(BaseModel):
    card_serial: str = Field(max_length=32, description="The card the filing is signed with")
    destination: str = Field(max_length=6, examples=["271004"], description="Municipality code")
    planned_move_on: dt.date
    visit_on: dt.date = Field(description="The day you will come to the new office (来庁予定日)")
    signature_pin: str = Field(
        max_length=16, description="The signature PIN (6-16 characters): the card signs"
    )


class OnlineMovingOutResponse(BaseModel):
    destination: str
    planned_move_on: dt.date
    visit_on: dt.date
    visit_deadline: dt.date = Field(
        description="File the 転入届 in person with the card by this day, or the card lapses"
    )
    late: bool = Field(description="Filed more than 14 days after the move (accepted)")


@router.post("/moving-out", response_model=OnlineMovingOutResponse)
def file_moving_out(
    body: OnlineMovingOutRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> OnlineMovingOutResponse:
    """転出届 online (引越しワンストップ) — signed on your card; the new municipality is told
    when you will come. The 転入届 is still filed there, in person, with the card."""
    done = moving_online.file_moving_out_online(
        uow.session,
        svc,
        caller=caller,
        card_serial=body.card_serial.strip().upper(),
        destination=body.destination,
        planned_move_on=body.planned_move_on,
        visit_on=body.visit_on,
        signature_pin=body.signature_pin,
    )
    uow.commit()
    return OnlineMovingOutResponse(
        destination=done.destination,
        planned_move_on=done.planned_move_on,
        visit_on=done.visit_on,
        visit_deadline=done.visit_deadline,
        late=done.late,
    )
