"""The operator's view (運用監視): a request id on every request and answer, one JSON log line
per request, and the HTTP metrics Prometheus scrapes at ``/metrics``.

- **Request id.** ``X-Request-ID`` is taken from the request when it is a short token of
  letters, digits, ``.``, ``_`` and ``-`` that does not hold a valid My Number (a client could
  send one: the id is logged), else made here (UUID4); it is echoed in the answer and set on
  every log record of the request (``request_id``).
- **Logs** (``configure_json_logs``, used by ``mynumber serve``): one JSON object per line —
  time, level, logger, message, request id — and per request ``method``, ``route`` (the
  route's *template*, ``/cards/{serial}/use``: never the path, which holds references and
  serials), ``status`` and ``duration_ms``. Never a query string, a body or a header.
- **Metrics**: requests by method, route template and status; latency histograms by route
  template. The rest (eligibility outcomes, PIN locks, the audit log's length) is
  ``services.core.metrics``'s.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from stdnum.jp import in_ as my_number

REQUEST_ID_HEADER = b"x-request-id"
REQUEST_ID = contextvars.ContextVar[str | None]("request_id", default=None)
_ID_SHAPE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_DIGIT_RUNS = re.compile(r"\d(?:[-_. ]?\d)*")
UNMATCHED = "unmatched"

access_log = logging.getLogger("mynumber.access")

REQUESTS = Counter(
    "mynumber_http_requests",
    "HTTP requests answered, by method, route template and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "mynumber_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def request_id_from(sent: bytes | None) -> str:
    """The client's id when it is safe to log and echo, else a new one."""
    if sent is not None:
        text = sent.decode("latin-1")
        if _ID_SHAPE.fullmatch(text) and not _holds_a_number(text):
            return text
    return uuid.uuid4().hex


def _holds_a_number(text: str) -> bool:
    # Any 12 digits in a row (separators allowed, as in 6214-9832-0257) that pass the check
    # digit could be someone's My Number.
    for run in _DIGIT_RUNS.findall(text):
        digits = re.sub(r"[^0-9]", "", run)
        if any(my_number.is_valid(digits[i : i + 12]) for i in range(len(digits) - 11)):
            return True
    return False


def route_template(scope: Scope) -> str:
    """The template of the route that answered (``/cards/{serial}/use``), never the path."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path or "/"
    app = scope.get("app")
    for candidate in getattr(getattr(app, "router", None), "routes", ()):
        match, _ = candidate.matches(scope)
        if match is Match.FULL:
            found = getattr(candidate, "path", None)
            return found if isinstance(found, str) else UNMATCHED
    return UNMATCHED


class Observed:
    """The middleware: the request id, the access log line and the HTTP metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers", ())).get(REQUEST_ID_HEADER)
        request_id = request_id_from(sent)
        token = REQUEST_ID.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (k, v) for k, v in message.get("headers", ()) if k.lower() != REQUEST_ID_HEADER
                ]
                headers.append((REQUEST_ID_HEADER, request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope)
            method = scope["method"]
            REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            LATENCY.labels(method=method, route=route).observe(elapsed)
            access_log.info(
                "%s %s %s",
                method,
                route,
                status,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 1),
                },
            )
            REQUEST_ID.reset(token)


# --- JSON logs -------------------------------------------------------------------------------

_EXTRA = ("method", "route", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    """Sets ``request_id`` on every record made while a request is answered."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line. The message is the record's own (the project's loggers
    never put a My Number in one: ``tests/integration/test_no_number_in_logs.py``)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get(),
        }
        for name in _EXTRA:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__  # the kind only: never its text
        return json.dumps(entry, ensure_ascii=False)


def configure_json_logs(level: int = logging.INFO) -> None:
    """Every logger (uvicorn's included) writes JSON lines to stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # ours says the route, not the path
