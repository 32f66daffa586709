"""The service's edge (境界): what every request and answer passes through before any route.

One ASGI middleware, ``Edges``, in front of the API and the pages alike:

- **Body size, per route, before reading.** A declared ``Content-Length`` over the route's
  limit is refused at once, without reading a byte; a body without one (chunked) is counted
  while it streams and refused as soon as it passes the limit. Photos (card applications,
  face checks, kiosk cameras) may carry a photo of up to ``MAX_FILE_BYTES`` each (base64 in
  JSON); e-Tax returns up to the tax office's 1 MB; everything else 64 KiB. Refusal: 413.
- **Text that the stores cannot keep, refused once for all routes.** A NUL (PostgreSQL's text
  cannot hold it) or an unpaired surrogate (U+D800–U+DFFF: not encodable as UTF-8, so a
  page that shows it fails for good) anywhere in a JSON body, a form, the query or the
  path, and any string longer than the route's limit: 422, before a route sees it.
- **Security headers on every answer**: a Content Security Policy without inline script,
  no framing, no MIME sniffing, no referrer, and ``Cache-Control: no-store`` on everything
  but the static assets (personal data must not stay in a shared cache or the browser's).
  A route that sets one of these headers itself (the API docs' policy) keeps its own.

Refusals are problem+json with English and Japanese messages; they never echo the value
(it could be a My Number).
"""

from __future__ import annotations

import inspect
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mynumber.api.problems import problem
from mynumber.api.routers.tax_office import MAX_RETURN_BYTES
from mynumber.domain.photo_rules import MAX_FILE_BYTES
from mynumber.services.sandbox.cards import MAX_APDU, MAX_SIGNED_CHARS

KIB = 1024


@dataclass(frozen=True)
class Limits:
    """What one route accepts: body bytes, and characters in any one string of it."""

    body_bytes: int
    text_chars: int


TEXT_CHARS = 4096
"""Any string a person or a terminal types or sends (names, addresses, prescriptions,
certificates in base64): a DER certificate is under 3,000 characters in base64."""
DEFAULT = Limits(body_bytes=64 * KIB, text_chars=TEXT_CHARS)
PHOTO_BASE64_CHARS = 4 * math.ceil(MAX_FILE_BYTES / 3)
_ROOM = 64 * KIB  # the other fields beside a photo or a return, and the framing


def _photos_in_json(count: int) -> Limits:
    return Limits(body_bytes=count * PHOTO_BASE64_CHARS + _ROOM, text_chars=PHOTO_BASE64_CHARS)


PHOTO_FORM = Limits(body_bytes=MAX_FILE_BYTES + _ROOM, text_chars=TEXT_CHARS)

ROUTE_LIMITS: tuple[tuple[str, re.Pattern[str], Limits], ...] = tuple(
    (method, re.compile(pattern), limits)
    for method, pattern, limits in (
        # API: photos in base64. A face check carries the chip's photo and the camera's.
        ("POST", r"/cards/applications", _photos_in_json(1)),
        ("POST", r"/cards/applications/online", _photos_in_json(1)),
        ("POST", r"/clinic/checks/face", _photos_in_json(2)),
        ("POST", r"/kiosk/cards/[^/]+/pins/[^/]+/reset", _photos_in_json(1)),
        ("POST", r"/cards/[^/]+/pins/[^/]+/pre-application", _photos_in_json(1)),
        # Pages: one uploaded photo or camera image (multipart).
        ("POST", r"/apply", PHOTO_FORM),
        ("POST", r"/staff/card-counter/apply", PHOTO_FORM),
        ("POST", r"/staff/clinic/cards/[^/]+", PHOTO_FORM),
        ("POST", r"/staff/kiosk", PHOTO_FORM),
        # The sandbox's virtual readers: an APDU up to 16 KiB in hex, data to sign in base64.
        ("POST", r"/sandbox/cards/[^/]+/apdu", Limits(64 * KIB, 2 * MAX_APDU + 200)),
        ("POST", r"/sandbox/cards/[^/]+/signature", Limits(64 * KIB, MAX_SIGNED_CHARS)),
        # e-Tax: a signed XML return (the router refuses over 1 MB with its own message).
        ("POST", r"/tax-office/returns", Limits(MAX_RETURN_BYTES + _ROOM, TEXT_CHARS)),
    )
)

STATIC_PREFIXES = ("/static/", "/docs-assets/")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
NO_STORE = (b"cache-control", b"no-store")

_BUFFERED = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")
_BAD_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def limits_for(method: str, path: str) -> Limits:
    """The limits of the route ``method path`` (``DEFAULT`` unless listed)."""
    for route_method, pattern, limits in ROUTE_LIMITS:
        if method == route_method and pattern.fullmatch(path):
            return limits
    return DEFAULT


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when a streamed body passes its limit. An ``HTTPException`` so
    that the framework's body parsing lets it through instead of calling it malformed."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail="request body too large")
        self.limit = limit


@dataclass(frozen=True)
class BadText:
    """Where a string breaks the rules, and which rule (never the string itself)."""

    field: str
    too_long: bool


def too_large(limit: int) -> Any:
    size = f"{limit / 1_000_000:.1f} MB" if limit >= 1_000_000 else f"{limit // KIB} KB"
    return problem(
        413,
        "body-too-large",
        "Request too large",
        f"The request is too large: this address accepts at most {size}.",
        f"リクエストが大きすぎます。このアドレスで受け付けるのは{size}までです。",
        limit_bytes=limit,
    )


def bad_text(bad: BadText, limits: Limits) -> Any:
    if bad.too_long:
        en = (
            f"The request is not valid: {bad.field} is too long "
            f"(at most {limits.text_chars} characters)."
        )
        ja = f"入力内容に誤りがあります（{bad.field}）：{limits.text_chars}文字以内にしてください。"
        message = f"at most {limits.text_chars} characters"
    else:
        en = (
            f"The request is not valid: {bad.field} contains a character that cannot be "
            "stored (a NUL or an unpaired surrogate)."
        )
        ja = (
            f"入力内容に誤りがあります（{bad.field}）：保存できない文字（NUL文字または"
            "対になっていないサロゲート）が含まれています。"
        )
        message = "contains a NUL or an unpaired surrogate"
    return problem(
        422,
        "invalid-input",
        "Invalid input",
        en,
        ja,
        errors=[{"field": bad.field, "message": message}],
    )


def check_text(field: str, text: str, limits: Limits) -> BadText | None:
    """``None`` when ``text`` may be stored and shown; else where and why not."""
    if _BAD_CHARACTER.search(text):
        return BadText(field, too_long=False)
    if len(text) > limits.text_chars:
        return BadText(field, too_long=True)
    return None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a decoded JSON value, keys included, with where it is (no recursion:
    a deeply nested body must not exhaust the stack)."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            yield where or "body", item
        elif isinstance(item, dict):
            for key, inner in item.items():
                inner_path = f"{where}.{key}" if where else str(key)
                yield (where or "body"), key
                stack.append((inner, inner_path))
        elif isinstance(item, list):
            stack.extend(
                (inner, f"{where}.{i}" if where else str(i)) for i, inner in enumerate(item)
            )


def check_json(body: bytes, limits: Limits) -> BadText | None:
    """Check every string of a JSON body; a body that is not JSON is left to the route."""
    try:
        value = json.loads(body)
    except RecursionError:
        return BadText("body", too_long=True)
    except ValueError:
        return None
    for field, text in _strings(value, ""):
        # A key's text is not shown in the answer: it may be anything the sender typed.
        bad = check_text(_printable(field), text, limits)
        if bad is not None:
            return bad
    return None


def _printable(field: str) -> str:
    """A field path safe to put in a message (its own keys could carry the bad text)."""
    cleaned = _BAD_CHARACTER.sub("?", field)
    return cleaned if len(cleaned) <= 200 else cleaned[:200] + "…"


async def check_form(scope: Scope, body: bytes, limits: Limits) -> BadText | None:
    """Check every text field (and file name) of a form, parsed as the routes will."""
    request = Request(dict(scope), receive=replay(body, disconnected))
    try:
        form = await request.form(max_files=1000, max_fields=1000)
    except Exception:  # a malformed form: the route reports it
        return None
    try:
        for name, value in form.multi_items():
            bad = check_text("field name", name, limits)
            if bad is None and isinstance(value, UploadFile):
                bad = check_text(_printable(name), value.filename or "", limits)
            elif bad is None:
                bad = check_text(_printable(name), str(value), limits)
            if bad is not None:
                return bad
        return None
    finally:
        await form.close()


def check_url(scope: Scope, limits: Limits) -> BadText | None:
    """The path and every query parameter (decoded as the routes decode them)."""
    bad = check_text("path", scope.get("path", ""), Limits(0, max(limits.text_chars, 8 * KIB)))
    if bad is not None:
        return bad
    raw = scope.get("query_string", b"")
    if not raw:
        return None
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        bad = check_text(_printable(name), name, limits) or check_text(
            _printable(name), value, limits
        )
        if bad is not None:
            return bad
    return None


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first header of that name (lower-case bytes), as Starlette's ``Headers.get``."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


def _content_length(scope: Scope) -> int | None:
    raw = header(scope, b"content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def _buffered_kind(scope: Scope) -> bool:
    """Whether the body is one whose strings are checked here (JSON or a form; a body with no
    type is tried as JSON)."""
    raw = header(scope, b"content-type")
    if raw is None:
        return True
    kind = raw.decode("latin-1").split(";", 1)[0].strip().lower()
    return kind in _BUFFERED or kind.endswith("+json")


async def disconnected() -> Message:
    """A ``receive`` for an answer given without the request's: the client is gone."""
    return {"type": "http.disconnect"}


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then whatever the client sends next."""
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or ``None`` once it passes ``limit`` (the rest is not read)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def _with_security_headers(scope: Scope, send: Send) -> Send:
    path: str = scope.get("path", "")
    extra = SECURITY_HEADERS if path.startswith(STATIC_PREFIXES) else (*SECURITY_HEADERS, NO_STORE)

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            present = {bytes(k).lower() for k, _ in headers}
            headers.extend((k, v) for k, v in extra if k not in present)
            message = {**message, "headers": headers}
        await send(message)

    return sending


class Edges:
    """The middleware (see the module's docstring). Added first in ``create_app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secured = _with_security_headers(scope, send)
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = True
            await secured(message)

        try:
            await self._handle(scope, receive, sending)
        except Exception as exc:
            # An unexpected error: answered here, by the app's own handler, so that the answer
            # carries the headers too (the server-error middleware outside would send it
            # bare). The handler logs it; the server is not told again.
            handler = getattr(scope.get("app"), "exception_handlers", {}).get(Exception)
            if started or handler is None:
                raise
            answer = handler(Request(scope), exc)
            if inspect.isawaitable(answer):
                answer = await answer
            await answer(scope, receive, sending)

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        limits = limits_for(scope["method"], scope.get("path", ""))
        bad = check_url(scope, limits)
        if bad is not None:
            await bad_text(bad, limits)(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > limits.body_bytes:
            await too_large(limits.body_bytes)(scope, receive, send)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS") and not declared:
            await self.app(scope, receive, send)
            return
        if _buffered_kind(scope):
            await self._checked(scope, receive, send, limits)
        else:
            await self._counted(scope, receive, send, limits)

    async def _checked(self, scope: Scope, receive: Receive, send: Send, limits: Limits) -> None:
        """JSON and forms: read whole (within the limit), check every string, then hand on."""
        body = await read_body(receive, limits.body_bytes)
        if body is None:
            await too_large(limits.body_bytes)(scope, receive, send)
            return
        if body:
            kind = (header(scope, b"content-type") or b"").decode("latin-1").lower()
            form = kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
            bad = await check_form(scope, body, limits) if form else check_json(body, limits)
            if bad is not None:
                await bad_text(bad, limits)(scope, receive, send)
                return
        await self.app(scope, replay(body, receive), send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limits: Limits) -> None:
        """Other bodies (XML, DER, …): streamed to the route, counted on the way. Past the
        limit, ``receive`` raises and whatever the route answers is replaced by the 413."""
        received = 0
        refused = False
        started = False

        async def counting() -> Message:
            nonlocal received, refused
            if refused:
                raise BodyTooLarge(limits.body_bytes)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limits.body_bytes:
                    refused = True
                    raise BodyTooLarge(limits.body_bytes)
            return message

        async def answering(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the route's own answer to the refusal: ours goes instead
            started = True
            await send(message)

        try:
            await self.app(scope, counting, answering)
        except Exception:
            if not refused:  # the refusal may surface as another error (a route wrapping it)
                raise
        if refused and not started:
            await too_large(limits.body_bytes)(scope, receive, send)
