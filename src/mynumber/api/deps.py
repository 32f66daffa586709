"""Typed dependencies: the system, an open unit of work, and the authenticated caller."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from mynumber.adapters.db.uow import UnitOfWork
from mynumber.bootstrap import System
from mynumber.domain.errors import MyNumberError, Unauthenticated
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


REFRESH_AFTER = (0.6, 0.9)
"""A cached caller is looked up again in the background by the first request after this share
of ``TOKEN_CACHE_SECONDS`` (a point drawn in the range for each entry)."""


@dataclass(frozen=True, slots=True)
class _Known:
    caller: Caller
    refresh_at: float
    expires_at: float


class TokenCache:
    """Callers by token for ``TOKEN_CACHE_SECONDS`` (refusals are never remembered).

    ``caller`` looks a token up once however many requests bring it at the same moment. A busy
    terminal's requests never wait for it after the first: past a point drawn between 60 and
    90 % of the entry's time, the next request is answered from the entry while the token is
    looked up again in the background. The points are drawn so that the tokens of terminals
    that started together are not all looked up in the same instant (at the clinics' peak, 16
    expiring at once in each server process held its checks ~0.2 s: docs/benchmarks.md). No
    caller is ever used past ``seconds`` after its look-up, and a background look-up that finds
    the token refused forgets it at once: a revocation still takes effect within ``seconds``.
    """

    def __init__(
        self,
        seconds: float = TOKEN_CACHE_SECONDS,
        size: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds, self.size, self.clock = seconds, size, clock
        self._known: dict[str, _Known] = {}
        self._looking_up: dict[str, asyncio.Task[Caller]] = {}
        # The refresh points from a generator of the cache's own: a refresh in the background
        # puts its entry while the event loop's thread runs beside others, and drawing from the
        # ``random`` module's shared one there moved its state under them (Hypothesis, drawing
        # a test's arguments in the main thread, warned of it now and then in test_schemathesis).
        self._refresh_points = random.Random()
        self.look_ups = 0
        """Look-ups made so far (one per token and refresh or expiry, not per request)."""

    async def caller(self, token: str, look_up: Callable[[str], Caller]) -> Caller:
        """The caller behind ``token``, from the cache or from ``look_up`` run in a thread."""
        known = self._known.get(token)
        now = self.clock()
        if known is not None and now < known.expires_at:
            if now >= known.refresh_at and token not in self._looking_up:
                self._start(token, look_up)
            return known.caller
        # A task of its own, not the first request's: a request cancelled meanwhile (its client
        # hung up) leaves the look-up to the others waiting on it.
        pending = self._looking_up.get(token) or self._start(token, look_up)
        return await asyncio.shield(pending)

    def _start(self, token: str, look_up: Callable[[str], Caller]) -> asyncio.Task[Caller]:
        pending = asyncio.ensure_future(self._look_up(token, look_up))
        pending.add_done_callback(_retrieved)
        self._looking_up[token] = pending
        return pending

    async def _look_up(self, token: str, look_up: Callable[[str], Caller]) -> Caller:
        try:
            self.look_ups += 1
            found = await run_in_threadpool(look_up, token)
        except MyNumberError:
            self._known.pop(token, None)  # revoked or expired meanwhile: refused from now on
            raise
        except Exception:  # the database: no more tries in the background for this entry
            known = self._known.get(token)
            if known is not None:
                self._known[token] = replace(known, refresh_at=known.expires_at)
            raise
        else:
            self.put(token, found)
            return found
        finally:
            del self._looking_up[token]

    def get(self, token: str) -> Caller | None:
        found = self._known.get(token)
        if found is None or found.expires_at <= self.clock():
            return None
        return found.caller

    def put(self, token: str, caller: Caller) -> None:
        if len(self._known) >= self.size:
            self._known.clear()
        now = self.clock()
        refresh = self.seconds * self._refresh_points.uniform(*REFRESH_AFTER)
        self._known[token] = _Known(caller, now + refresh, now + self.seconds)


def _retrieved(look_up: asyncio.Task[Caller]) -> None:
    # A refusal whose requests have all gone is still retrieved: no "never retrieved" warning.
    if not look_up.cancelled():
        look_up.exception()


def system_of(request: Request) -> System:
    """The system the app serves (``api.app.create_app`` puts it on the app's state): the one
    way the dependencies below get it. A plain function, not a dependency: each dependency
    FastAPI resolves for a request costs tens of microseconds, and nearly every route takes
    the caller, the services or a unit of work."""
    system: System = request.app.state.system
    return system


async def get_system(request: Request) -> System:
    return system_of(request)


async def get_services(request: Request) -> Services:
    return system_of(request).services


async def get_uow(request: Request) -> AsyncIterator[UnitOfWork]:
    # Opened here, in the event loop: a new session has no connection yet, nothing waits (a
    # sync dependency would take a worker thread to open it and another to close it). Closed
    # in a worker thread only while a transaction is open: its rollback and the connection's
    # return to the pool may wait. After a commit, or a refusal before any statement, the
    # session holds no connection and closing it only forgets its objects.
    uow = system_of(request).uow()
    uow.__enter__()
    try:
        yield uow
    finally:
        if uow.session.in_transaction():
            await run_in_threadpool(uow.__exit__, None, None, None)
        else:
            uow.__exit__(None, None, None)


async def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None:
        raise Unauthenticated(
            "Send an API token: Authorization: Bearer <token>.",
            "APIトークンを Authorization ヘッダーで送ってください。",
        )
    caller = await caller_with_token(
        system_of(request), request.app.state.token_cache, credentials.credentials
    )
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
