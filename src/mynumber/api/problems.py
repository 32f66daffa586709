"""Errors → RFC 9457 problem+json, in one place, with English and Japanese messages."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from mynumber.adapters.unexpected import log_unexpected
from mynumber.domain.errors import MyNumberError
from mynumber.http_status import http_status
from mynumber.services.core import refs
from mynumber.web.core import browser_error_page, record_refusal, wants_html

log = logging.getLogger("mynumber.api")
PROBLEM = "application/problem+json"
TYPE_BASE = "https://mynumber.example/problems/"


def problem(status: int, code: str, title: str, en: str, ja: str, **extra: Any) -> JSONResponse:
    body = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": en,
        "detail_ja": ja,
        "code": code,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def answer(
    request: Request, status: int, code: str, title: str, en: str, ja: str, **extra: Any
) -> Response:
    """problem+json for a program; for a browser asking for a page (``Accept: text/html``),
    the error page in the person's language (a mistyped address, an API address opened in a
    browser, an error on our side)."""
    if wants_html(request):
        return browser_error_page(request, status, en, ja)
    return problem(status, code, title, en, ja, **extra)


_MEMBERS = frozenset({"type", "title", "status", "detail", "detail_ja", "code"})


def _safe_details(details: dict[str, Any]) -> dict[str, Any]:
    # Extension members never overwrite the standard ones (a Conflict may carry the record's
    # own ``status``, which once made every such refusal a 500).
    return {
        k: _opaque(k, v)
        for k, v in details.items()
        if isinstance(v, str | int | float | bool) and k not in _MEMBERS
    }


_REFERENCED = {
    "person_id": refs.Kind.PERSON,
    "visit_id": refs.Kind.VISIT,
    "employee_id": refs.Kind.EMPLOYEE,
    "enrolment_id": refs.Kind.ENROLMENT,
    "letter_id": refs.Kind.LETTER,
    "mail_id": refs.Kind.MAIL,
}


def _opaque(name: str, value: object) -> object:
    # A record a refusal names leaves as its opaque reference, as in every other answer.
    kind = _REFERENCED.get(name)
    if kind is None or not isinstance(value, int) or isinstance(value, bool):
        return value
    return refs.reference(kind, value)


async def on_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, MyNumberError)
    # A refusal leaves the entry its use case gave it, as through the pages and the CLI.
    await record_refusal(request, exc)
    return answer(
        request,
        http_status(exc),
        exc.code,
        exc.title,
        exc.message_en,
        exc.message_ja,
        **_safe_details(exc.details),
    )


def _body_problem(errors: Sequence[Any]) -> JSONResponse | None:
    """A body that is not a JSON object at all: said so, not "check 0" (the position of the
    decoder's complaint, which is what the validation error's location holds)."""
    if not errors:
        return None
    first = errors[0]
    location = tuple(first.get("loc", ()))
    if first.get("type") == "json_invalid" or (
        location == ("body",) and isinstance(first.get("input"), bytes | str)
    ):
        return problem(
            400,
            "body-not-json",
            "The body is not JSON",
            "The request body is not valid JSON: send a JSON object, with the header "
            "Content-Type: application/json.",
            "リクエスト本文が正しいJSONではありません。JSONオブジェクトを Content-Type: "
            "application/json で送ってください。",
        )
    if location == ("body",) and first.get("type") == "missing":
        return problem(
            400,
            "body-missing",
            "The body is missing",
            "This address needs a JSON object in the request body (none, or null, was sent).",
            "このアドレスにはJSONオブジェクトの本文が必要です（本文がないか null です）。",
        )
    if location == ("body",) and first.get("type") in ("model_attributes_type", "dict_type"):
        return problem(
            400,
            "body-not-object",
            "The body is not a JSON object",
            "The request body is JSON but not an object: send a JSON object ({…}).",
            "リクエスト本文がJSONオブジェクトではありません。{…} の形で送ってください。",
        )
    return None


async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    body = _body_problem(exc.errors())
    if body is not None:
        return body
    errors = [
        {
            "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"),
            "message": e.get("msg", ""),
        }
        for e in exc.errors()
    ]
    fields = ", ".join(e["field"] for e in errors) or "request"
    return problem(
        422,
        "invalid-input",
        "Invalid input",
        f"The request is not valid: check {fields}.",
        f"入力内容に誤りがあります（{fields}）。",
        errors=errors,
    )


async def on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code, en, ja = HTTP_ERRORS.get(
        exc.status_code, (f"http-{exc.status_code}", str(exc.detail), str(exc.detail))
    )
    return answer(request, exc.status_code, code, en, en, ja)


HTTP_ERRORS: dict[int, tuple[str, str, str]] = {
    404: (
        "no-such-address",
        "There is nothing at this address.",
        "このアドレスには何もありません。",
    ),
    405: (
        "method-not-allowed",
        "This method is not allowed at this address.",
        "このアドレスではこのメソッドは使用できません。",
    ),
    401: (
        "token-required",
        "Authentication required: send an API token.",
        "APIトークンが必要です。",
    ),
}
"""The framework's own refusals (no route, wrong method): each with a code of its own."""


async def on_out_of_range(request: Request, exc: Exception) -> JSONResponse:
    """A number too large for the database (an id beyond 32/64 bits): bad input, not a crash."""
    return problem(
        422,
        "invalid-input",
        "Invalid input",
        "A number in the request is out of range.",
        "リクエスト内の数値が範囲外です。",
    )


async def on_database_unavailable(request: Request, exc: Exception) -> Response:
    # A lost or refused database connection, or no connection free in the pool in time (the
    # database stalled under every one): the transaction was rolled back or never began, so
    # the caller may simply try again (the chaos harness drops connections to prove nothing
    # is kept).
    log.warning(
        "database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__
    )
    response = answer(
        request,
        503,
        "database-unavailable",
        "Service unavailable",
        "The service cannot reach its database just now; nothing was changed. "
        "Please try again in a moment.",
        "データベースに接続できません。変更は行われていません。"
        "しばらくしてからもう一度お試しください。",
    )
    response.headers["Retry-After"] = "1"
    return response


async def on_unexpected(request: Request, exc: Exception) -> Response:
    # Never echo the exception: it could carry personal data.
    log_unexpected(log, exc, where=f"{request.method} {request.url.path}")
    return answer(
        request,
        500,
        "internal",
        "Internal error",
        "Something went wrong on our side; nothing was changed.",
        "システム内部でエラーが発生しました。変更は行われていません。",
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(MyNumberError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(OverflowError, on_out_of_range)
    app.add_exception_handler(DataError, on_out_of_range)
    app.add_exception_handler(OperationalError, on_database_unavailable)
    app.add_exception_handler(PoolTimeout, on_database_unavailable)
    app.add_exception_handler(Exception, on_unexpected)
