"""Unauthenticated: the health check."""

from __future__ import annotations

from fastapi import APIRouter

from mynumber.api.deps import SystemDep

router = APIRouter(tags=["public"])


@router.get("/health")
def health(system: SystemDep) -> dict[str, str]:
    """Liveness and database reachability."""
    return {"status": "ok", "database": system.database_answers()}
