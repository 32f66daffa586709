"""The check lane: a well-formed ``POST /clinic/checks/pin`` answered beside FastAPI's routing.

The clinic terminals' PIN check is the service's busiest request by far (the country's
morning peak is ~700 a second, docs/scale.md). Through FastAPI's own layers (its exception
and exit-stack middleware, the routers tried in turn, the dependencies solved, the request
and response objects) a check spent over a third of a server process's CPU before it reached
the check desk (docs/benchmarks.md, "The check lane"). The lane is the innermost of the
service's own middleware: the request id, the access log and the metrics (``Observed``), the
body and text limits and the security headers (``Edges``), the opaque references
(``ReferenceScope``) and the sandbox's clock are theirs, as for every request.

A check the lane recognises — the route's method and path, an ``Authorization: Bearer``
token as FastAPI's ``HTTPBearer`` reads it, and a JSON body that is a valid ``PinCheck`` — is
answered here by ``answer_pin_check``, the function the route itself calls. Anything else (no
token, a body that does not parse, a field of the wrong type) goes on to the route, so every
malformed request is refused exactly as before. A refusal or error raised while answering
goes to the application's own exception handlers (problem+json in English and Japanese; a
refusal's audit entry), as the route's would.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import dataclass
from typing import Any

from fastapi.security.utils import get_authorization_scheme_param
from pydantic import ValidationError
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from mynumber.api.check_desk import CheckDesk
from mynumber.api.deps import caller_with_token
from mynumber.api.edges import disconnected, header, limits_for, read_body, replay, too_large
from mynumber.api.routers.clinic import PinCheck, answer_pin_check
from mynumber.bootstrap import System

METHOD, PATH = "POST", "/clinic/checks/pin"
JSON = (b"content-type", b"application/json")


@dataclass(frozen=True)
class LaneRoute:
    """What ``Observed`` reads of the route that answered: its template."""

    path: str = PATH


ROUTE = LaneRoute()


class CheckLane:
    """The ASGI middleware (see the module's docstring). Added first in ``create_app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != METHOD:
            await self.app(scope, receive, send)
            return
        limit = limits_for(METHOD, PATH).body_bytes
        body = await read_body(receive, limit)
        if body is None:  # never behind ``Edges``, which refused it already
            await too_large(limit)(scope, receive, send)
            return
        recognised = _recognised(scope, body)
        if recognised is None:
            await self.app(scope, replay(body, receive), send)
            return
        token, check = recognised
        scope["route"] = ROUTE
        fastapi = scope["app"]
        state = fastapi.state
        try:
            system: System = state.system
            desk: CheckDesk = state.check_desk
            caller = await caller_with_token(system, state.token_cache, token)
            answer = await answer_pin_check(check, caller, desk)
        except Exception as exc:
            await _answer_error(fastapi, scope, exc, send)
            return
        await send({"type": "http.response.start", "status": 200, "headers": _headers(answer)})
        await send({"type": "http.response.body", "body": answer})


def _recognised(scope: Scope, body: bytes) -> tuple[str, PinCheck] | None:
    """The bearer token and the check, or ``None`` where the route must answer."""
    token = _bearer_token(scope)
    if token is None or not _sent_as_json(scope):
        return None
    try:
        value = json.loads(body)
        if not isinstance(value, dict):
            return None
        return token, PinCheck.model_validate(value)
    except (ValueError, ValidationError):  # not JSON, not a check: the route's refusal
        return None


def _bearer_token(scope: Scope) -> str | None:
    """The token as FastAPI's ``HTTPBearer`` reads it (``Authorization: Bearer …``), else
    ``None``."""
    sent = (header(scope, b"authorization") or b"").decode("latin-1")
    scheme, token = get_authorization_scheme_param(sent)
    return token if scheme.lower() == "bearer" and token else None


def _sent_as_json(scope: Scope) -> bool:
    """``Content-Type: application/json`` (FastAPI also reads a body of no type, or of any
    ``+json`` type, as JSON: those go to the route)."""
    kind = (header(scope, b"content-type") or b"").decode("latin-1").split(";", 1)[0]
    return kind.strip().lower() == "application/json"


def _headers(body: bytes) -> list[tuple[bytes, bytes]]:
    return [(b"content-length", str(len(body)).encode()), JSON]


async def _answer_error(fastapi: Any, scope: Scope, exc: Exception, send: Send) -> None:
    """The application's handler for ``exc``'s class (the nearest in its MRO), as the route's
    errors are handled."""
    handlers = fastapi.exception_handlers
    handler = next(
        (handlers[kind] for kind in type(exc).__mro__ if kind in handlers), handlers[Exception]
    )
    response = handler(Request(scope), exc)
    if inspect.isawaitable(response):
        response = await response
    await response(scope, disconnected, send)
