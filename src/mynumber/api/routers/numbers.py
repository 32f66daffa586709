"""Checking a My Number's form (no look-up: this says nothing about whose it is)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from mynumber.api.deps import CallerDep
from mynumber.domain.numbers import IndividualNumber

router = APIRouter(prefix="/numbers", tags=["numbers"])


class ValidateRequest(BaseModel):
    number: str


@router.post("/validate")
def validate_number(body: ValidateRequest, caller: CallerDep) -> dict[str, object]:
    """Valid → 200 with the masked number; invalid → 422 naming the problem."""
    number = IndividualNumber.parse(body.number, field="number")
    return {"valid": True, "masked": number.masked}
