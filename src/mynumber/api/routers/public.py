"""Unauthenticated: the health check."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from mynumber.api.deps import SystemDep

router = APIRouter(tags=["public"])


class HealthResponse(BaseModel):
    status: str = Field(examples=["ok"])
    database: str = Field(description="The database's dialect", examples=["sqlite", "postgresql"])


@router.get("/health", response_model=HealthResponse)
def health(system: SystemDep) -> HealthResponse:
    """Liveness and database reachability."""
    return HealthResponse(status="ok", database=system.database_answers())
