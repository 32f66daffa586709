"""Checking a My Number's form (no look-up: this says nothing about whose it is)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mynumber.api.deps import CallerDep
from mynumber.domain.numbers import IndividualNumber

router = APIRouter(prefix="/numbers", tags=["numbers"])


class ValidateRequest(BaseModel):
    number: str


class ValidateResponse(BaseModel):
    valid: bool = Field(description="Always true: an invalid number is a 422")
    masked: str = Field(description="**** **** 1234")


@router.post("/validate", response_model=ValidateResponse)
def validate_number(body: ValidateRequest, caller: CallerDep) -> ValidateResponse:
    """Valid → 200 with the masked number; invalid → 422 naming the problem."""
    number = IndividualNumber.parse(body.number, field="number")
    return ValidateResponse(valid=True, masked=number.masked)
