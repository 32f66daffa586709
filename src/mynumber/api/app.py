"""The FastAPI application, built by ``create_app(system)`` (nothing at import time)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig

from mynumber import __version__
from mynumber.adapters.db.checkpoints import WalCheckpointer
from mynumber.api import docs, openapi, problems, route_index
from mynumber.api.check_desk import CheckDesk
from mynumber.api.check_lane import CheckLane
from mynumber.api.deps import ReferenceScope, SandboxClockFollower, TokenCache
from mynumber.api.edges import Edges
from mynumber.api.observability import Observed
from mynumber.api.routers import (
    card_auth,
    immigration,
    jpki,
    numbers,
    oidc,
    operations,
    portal,
    public,
    residents,
    sandbox,
    tax_office,
    ward_office,
)
from mynumber.api.routers import cards as cards_router
from mynumber.api.routers import clinic as clinic_router
from mynumber.api.routers import employer as employer_router
from mynumber.api.routers import insurer as insurer_router
from mynumber.bootstrap import System
from mynumber.services.core.refs import References
from mynumber.services.sandbox.cards import VirtualReaders
from mynumber.web import mount_web

DESCRIPTION = """
Japan's My Number system: the ward office, the card centre, clinics, employers, the tax office,
and the resident. Every call but `/health` and the public guide needs an organisation's API
token (**Authorize** above; `make serve` prints a demo token for each role). Errors are
RFC 9457 problem+json with `detail` (English) and `detail_ja` (Japanese).
"""


@asynccontextmanager
async def _serving(app: FastAPI) -> AsyncIterator[None]:
    system: System = app.state.system
    checkpointer = app.state.checkpointer = _checkpointer(system)
    # The audit log's signed checkpoints: at start, every N entries, and at stop.
    audit_checkpointer = app.state.audit_checkpointer = system.audit_checkpointer()
    audit_checkpointer.start()
    # What exists once the app has started (modules, routes, mappers, the system) lives as
    # long as the process: moved out of the collector's reach, a full collection no longer
    # walks it, and the pauses it caused in the middle of requests become short.
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        await app.state.check_desk.close()
        audit_checkpointer.stop()
        if checkpointer is not None:
            checkpointer.stop()
        if app.state.closes_system:
            system.close()


def _checkpointer(system: System) -> WalCheckpointer | None:
    """SQLite files: the WAL checkpointed beside the requests, not inside one's commit."""
    if not WalCheckpointer.applies_to(system.engine):
        return None
    checkpointer = WalCheckpointer(system.engine)
    checkpointer.start()
    return checkpointer


NO_OPENTELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def create_app(system: System, *, closes_system: bool = False) -> FastAPI:
    """The app serving ``system``. The system stays its builder's to close, unless the app
    was its one user (``closes_system``: a server worker's factory): then the end of the app's
    lifespan closes it."""
    # The docs pages are our own (docs.install): served from local files, under a CSP.
    app = FastAPI(
        title="mynumber",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_serving,
        docs_url=None,
        redoc_url=None,
        generate_unique_id_function=openapi.operation_id,
        responses=openapi.PROBLEM_RESPONSES,
        # The service's metrics are Prometheus' (GET /metrics, docs/operations.md). FastAPI's
        # own OpenTelemetry hooks, on by default, looked up three global providers on every
        # request (~3 % of a server process's time in the eligibility benchmark) to find
        # none configured.
        telemetry=NO_OPENTELEMETRY,
    )
    app.state.system = system
    app.state.closes_system = closes_system
    app.state.token_cache = TokenCache()
    app.state.check_desk = CheckDesk(system)
    app.state.sandbox_readers = VirtualReaders()
    problems.install(app)
    openapi.install(app)
    # Requests are matched against the routers in this order: the clinic terminals' checks,
    # by far the busiest route, come right after the health check.
    for module in (
        public,
        operations,
        clinic_router,
        numbers,
        ward_office,
        jpki,
        card_auth,
        tax_office,
        immigration,
        insurer_router,
        cards_router,
        employer_router,
        residents,
        portal,
        sandbox,
        oidc,
    ):
        app.include_router(module.router)
    mount_web(app)
    docs.install(app)
    # A request tries only the routes its path can match, not all ~180 (api.route_index).
    route_index.install(app)
    # The clinic terminals' checks, well formed, answered inside every middleware of ours but
    # beside FastAPI's routing (api.check_lane).
    app.add_middleware(CheckLane)
    # Ids leave and enter as opaque references, under this system's key (services.core.refs).
    app.add_middleware(ReferenceScope, references=References.from_keys(system.services.keys))
    if system.settings.sandbox:
        # Another process may move the sandbox clock (`mynumber sandbox clock`).
        app.add_middleware(SandboxClockFollower, system=system)
    # Body limits, text that cannot be stored, security headers: before any route.
    app.add_middleware(Edges)
    # Outermost: the request id and the access log see every answer, the edge's refusals too.
    app.add_middleware(Observed)
    return app
