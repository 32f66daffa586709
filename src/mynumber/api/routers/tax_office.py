"""e-Tax reception: a signed final tax return (確定申告書) in, a receipt out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from mynumber.api.deps import CallerDep, ServicesDep, UowDep
from mynumber.domain.errors import invalid
from mynumber.services.tax import tax_office

router = APIRouter(prefix="/tax-office", tags=["tax office (e-Tax)"])
MAX_RETURN_BYTES = 1024 * 1024


class ReceiptResponse(BaseModel):
    receipt_number: str
    tax_year: int
    signed_at: dt.datetime
    received_at: dt.datetime


async def raw_body(request: Request) -> bytes:
    """The request body as sent (the signed XML must reach the verifier byte for byte)."""
    return await request.body()


@router.post(
    "/returns",
    status_code=201,
    response_model=ReceiptResponse,
    openapi_extra={"requestBody": {"content": {"application/xml": {}}}},
)
def submit_return(
    body: Annotated[bytes, Depends(raw_body)], caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> ReceiptResponse:
    """Submit a return signed with the card's signature certificate (body: the signed XML)."""
    if not body or len(body) > MAX_RETURN_BYTES:
        raise invalid(
            "body",
            "Send the signed return as XML (at most 1 MB).",
            "署名済みの申告書をXMLで送信してください（1MB以内）。",
        )
    receipt = tax_office.submit_tax_return(uow.session, svc, caller=caller, signed_xml=body)
    uow.commit()
    return ReceiptResponse(
        receipt_number=receipt.receipt_number,
        tax_year=receipt.tax_year,
        signed_at=receipt.signed_at,
        received_at=receipt.received_at,
    )
