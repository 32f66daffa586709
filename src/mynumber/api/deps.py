"""Typed dependencies: the system, an open unit of work, and the authenticated caller."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from mynumber.adapters.db.uow import UnitOfWork
from mynumber.bootstrap import System
from mynumber.domain.errors import Unauthenticated
from mynumber.services.core import refs
from mynumber.services.core.context import Caller, Services
from mynumber.services.sandbox import clock as sandbox_clock
from mynumber.web.core import EmployeePath as EmployeePath
from mynumber.web.core import PersonPath as PersonPath
from mynumber.web.core import VisitPath as VisitPath
from mynumber.web.core import path_reference

_bearer = HTTPBearer(auto_error=False, description="An organisation's API token")

TOKEN_CACHE_SECONDS = 10.0
"""How long a token's caller is remembered: a revoked token stops working within this time
(a busy clinic terminal sends hundreds of requests a minute with the same token)."""


class TokenCache:
    """Callers by token for ``TOKEN_CACHE_SECONDS`` (refusals are never remembered).

    ``caller`` looks a token up once however many requests bring it at the same moment: when
    the entry of a terminal sending hundreds of requests expires, they all wait for one look-up
    instead of each making its own.
    """

    def __init__(self, seconds: float = TOKEN_CACHE_SECONDS, size: int = 10_000) -> None:
        self.seconds, self.size = seconds, size
        self._known: dict[str, tuple[float, Caller]] = {}
        self._looking_up: dict[str, asyncio.Task[Caller]] = {}
        self.look_ups = 0
        """Look-ups made so far (one per token and expiry, not per request)."""

    async def caller(self, token: str, look_up: Callable[[str], Caller]) -> Caller:
        """The caller behind ``token``, from the cache or from ``look_up`` run in a thread."""
        known = self.get(token)
        if known is not None:
            return known
        pending = self._looking_up.get(token)
        if pending is None:
            # A task of its own, not the first request's: a request cancelled meanwhile (its
            # client hung up) leaves the look-up to the others waiting on it.
            pending = asyncio.ensure_future(self._look_up(token, look_up))
            pending.add_done_callback(_retrieved)
            self._looking_up[token] = pending
        return await asyncio.shield(pending)

    async def _look_up(self, token: str, look_up: Callable[[str], Caller]) -> Caller:
        try:
            self.look_ups += 1
            found = await run_in_threadpool(look_up, token)
            self.put(token, found)
            return found
        finally:
            del self._looking_up[token]

    def get(self, token: str) -> Caller | None:
        found = self._known.get(token)
        if found is None or found[0] < time.monotonic():
            return None
        return found[1]

    def put(self, token: str, caller: Caller) -> None:
        if len(self._known) >= self.size:
            self._known.clear()
        self._known[token] = (time.monotonic() + self.seconds, caller)


def _retrieved(look_up: asyncio.Task[Caller]) -> None:
    # A refusal whose requests have all gone is still retrieved: no "never retrieved" warning.
    if not look_up.cancelled():
        look_up.exception()


async def get_system(request: Request) -> System:
    system: System = request.app.state.system
    return system


async def get_services(system: Annotated[System, Depends(get_system)]) -> Services:
    return system.services


async def get_uow(system: Annotated[System, Depends(get_system)]) -> AsyncIterator[UnitOfWork]:
    # Opened here, in the event loop: a new session has no connection yet, nothing waits (a
    # sync dependency would take a worker thread to open it and another to close it). Closed
    # in a worker thread: its rollback and the connection's return to the pool may wait.
    uow = system.uow()
    uow.__enter__()
    try:
        yield uow
    finally:
        await run_in_threadpool(uow.__exit__, None, None, None)


async def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    # The system straight from the app, not as a sub-dependency: every request needs a caller,
    # and each dependency FastAPI resolves costs tens of microseconds.
    system: System = request.app.state.system
    if credentials is None:
        raise Unauthenticated(
            "Send an API token: Authorization: Bearer <token>.",
            "APIトークンを Authorization ヘッダーで送ってください。",
        )
    caller = await caller_with_token(system, request.app.state.token_cache, credentials.credentials)
    request.state.caller = caller
    return caller


async def caller_with_token(system: System, cache: TokenCache, token: str) -> Caller:
    """The caller behind an API token, through the process's cache, or ``Unauthenticated``:
    the one look-up of every route and of ``api.check_lane``."""
    return await cache.caller(token, system.caller_of)


SystemDep = Annotated[System, Depends(get_system)]
ServicesDep = Annotated[Services, Depends(get_services)]
UowDep = Annotated[UnitOfWork, Depends(get_uow)]
CallerDep = Annotated[Caller, Depends(get_caller)]


class ReferenceScope:
    """ASGI middleware: every request (API and pages) turns ids into opaque references and
    back under this system's key (``services.core.refs``)."""

    def __init__(self, app: ASGIApp, references: refs.References) -> None:
        self.app, self.references = app, references

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with refs.using(self.references):
            await self.app(scope, receive, send)


# Path parameters that name a record: an opaque reference in the URL, the id in the route.
EnrolmentPath = Annotated[int, Depends(path_reference(refs.Kind.ENROLMENT, "enrolment_id"))]
LetterPath = Annotated[int, Depends(path_reference(refs.Kind.LETTER, "letter_id"))]
MailPath = Annotated[int, Depends(path_reference(refs.Kind.MAIL, "mail_id"))]


class SandboxClockFollower:
    """ASGI middleware of the sandbox: before each request, the clock catches up with a move
    made by another process (``mynumber sandbox clock``), kept in the sandbox's database."""

    def __init__(self, app: ASGIApp, system: System) -> None:
        self.app, self.system = app, system

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await run_in_threadpool(self._follow)
        await self.app(scope, receive, send)

    def _follow(self) -> None:
        with self.system.reading() as uow:
            sandbox_clock.follow(uow.session, self.system.services)
