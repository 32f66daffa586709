"""Unauthenticated: the health check."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from mynumber.api.deps import SystemDep

router = APIRouter(tags=["public"])


@router.get("/health")
def health(system: SystemDep) -> dict[str, str]:
    """Liveness and database reachability."""
    with system.reader_engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "database": system.engine.dialect.name}
