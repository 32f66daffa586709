"""The operator's routes: liveness, readiness and the Prometheus metrics.

``/livez`` answers while the process serves (no database: a restart would not help a
database that is down). ``/readyz`` answers 200 only when the database answers and has
every migration — a load balancer sends no traffic to an instance that would fail.
``/metrics`` is for the operator's Prometheus only: it needs ``MYNUMBER_METRICS_TOKEN`` as a
bearer token and is not served when none is configured (docs/security.md).
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from prometheus_client import CONTENT_TYPE_LATEST, Gauge, generate_latest
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from mynumber.api.deps import SystemDep
from mynumber.api.openapi import file_response
from mynumber.domain.errors import NotFound, Unauthenticated

router = APIRouter(tags=["operations"])
METRICS_BEARER = HTTPBearer(
    auto_error=False, scheme_name="MetricsToken", description="The operator's metrics token"
)

AUDIT_ENTRIES = Gauge("mynumber_audit_log_entries", "Entries in the audit log (all chains)")
AUDIT_CHAINS = Gauge(
    "mynumber_audit_log_chains", "Hash chains in the audit log (one per organisation)"
)


class Liveness(BaseModel):
    status: str = Field(examples=["alive"])


class Readiness(BaseModel):
    status: str = Field(examples=["ready", "not_ready"])
    database: str = Field(examples=["ok", "unreachable"])
    pending_migrations: list[str] = Field(
        description="Migration heads the database has not reached"
    )


@router.get("/livez", response_model=Liveness)
async def livez() -> Liveness:
    """The process is up (no database asked)."""
    return Liveness(status="alive")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "Not ready: the body says why"}},
)
async def readyz(system: SystemDep) -> JSONResponse:
    """Ready to serve: the database answers and has every migration; 503 otherwise."""
    found = await run_in_threadpool(system.readiness)
    body = Readiness(
        status="ready" if found.ready else "not_ready",
        database=found.database,
        pending_migrations=found.pending_migrations,
    )
    return JSONResponse(body.model_dump(), status_code=200 if found.ready else 503)


@router.get(
    "/metrics",
    response_class=Response,
    responses=file_response("text/plain", "Prometheus text exposition format"),
)
async def metrics(
    system: SystemDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(METRICS_BEARER)],
) -> Response:
    """The Prometheus metrics (the operator's metrics token only, not an organisation's)."""
    expected = system.settings.metrics_token
    if not expected:
        raise NotFound(
            "The metrics are not served: no metrics token is configured.",
            "メトリクスは提供されていません（メトリクス用トークンが未設定です）。",
        )
    sent = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Unauthenticated(
            "Send the metrics token as 'Authorization: Bearer <token>'.",
            "メトリクス用トークンを Authorization: Bearer で送ってください。",
        )
    entries, chains = await run_in_threadpool(system.audit_chain_length)
    AUDIT_ENTRIES.set(entries)
    AUDIT_CHAINS.set(chains)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
