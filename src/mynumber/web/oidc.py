"""The authorization page of "Sign in with the My Number Card" (デジタル認証アプリ).

A service sends the person here (``GET /oidc/authorize``, an OpenID Connect authorization
request). The request is checked first (``services.oidc.provider``): a request whose service
or redirect URI cannot be trusted gets an error page with its OAuth error code, never a
redirect; a scope the card centre did not approve gets an error page too, with a link that
returns ``invalid_scope`` to the service; any other fault goes back to the service the
standard way. Then:

1. the card: serial (the page plays the reader) and the user-authentication PIN;
2. the consent: which service asks for what, in the person's language; the signature PIN when
   the basic four or a signature are asked; agree, or decline (``access_denied``).

Between the steps the validated request waits in the browser session (on the server), under a
random id the forms carry; each step re-checks it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mynumber.domain.errors import MyNumberError, invalid
from mynumber.domain.oidc import SCOPE_TEXT, pins_needed
from mynumber.domain.pins import PinKind
from mynumber.services.oidc import provider, signin
from mynumber.services.oidc.provider import Answer, HttpRequest, Refused, Validated
from mynumber.web.core import (
    Form,
    NavItem,
    WebRoute,
    form_values,
    http_status,
    render,
    run,
    web_session,
)

router = APIRouter(route_class=WebRoute, include_in_schema=False)
NAV: tuple[NavItem, ...] = ()
Values = Annotated[dict[str, Any], Depends(form_values)]
PENDING = "oidc"
MAX_PENDING = 5


def _http(request: Request, query: list[tuple[str, str]]) -> HttpRequest:
    return HttpRequest(
        method="GET",
        path=request.url.path,
        headers={k.lower(): v for k, v in request.headers.items()},
        query=query,
    )


def _refusal_page(request: Request, refused: Refused) -> Response:
    if refused.redirect and refused.error != "invalid_scope":
        return RedirectResponse(refused.redirect, status_code=303)
    return render(
        request,
        "oidc/refused.html",
        status=refused.status,
        refused=refused,
        page_path="/",
    )


def _with_form_action(response: Response, redirect_uri: str) -> Response:
    """The consent page's forms end in a redirect to the service: allow its origin as a form
    target (the site's policy allows only its own)."""
    parts = urlsplit(redirect_uri)
    origin = f"{parts.scheme}://{parts.netloc}"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        f"form-action 'self' {origin}; frame-ancestors 'none'"
    )
    return response


def _pending(request: Request) -> dict[str, Any]:
    found: dict[str, Any] = web_session(request).data.setdefault(PENDING, {})
    return found


def _save(request: Request) -> None:
    web_session(request).data_changed = True


def _load(request: Request, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    request_id = str(values.get("request_id", ""))[:64]
    found = _pending(request).get(request_id)
    if not isinstance(found, dict):
        raise invalid(
            "request_id",
            "This sign-in has expired or was already finished: go back to the service and "
            "start again.",
            "このサインインは期限切れか、すでに完了しています。サービスに戻ってやり直してください。",
        )
    return request_id, found


def _scopes_view(scopes: list[str]) -> list[tuple[str, str, str]]:
    return [(s, *SCOPE_TEXT[s]) for s in scopes]


def _step_page(
    template: str,
    request: Request,
    request_id: str,
    pending: dict[str, Any],
    form: Form,
    status: int = 200,
) -> Response:
    """One step of the sign-in (the card, then the consent): who asks for what."""
    return _with_form_action(
        render(
            request,
            template,
            status=status,
            page_path="/",
            form=form,
            request_id=request_id,
            client_name=pending["client_name"],
            client_purpose=pending["client_purpose"],
            scopes=_scopes_view(pending["scopes"]),
            digest=pending.get("document_digest"),
            needs_signature=PinKind.SIGNATURE in pins_needed(pending["scopes"]),
        ),
        pending["redirect_uri"],
    )


def _card_page(
    request: Request, request_id: str, pending: dict[str, Any], form: Form, status: int = 200
) -> Response:
    return _step_page("oidc/card.html", request, request_id, pending, form, status)


def _consent_page(
    request: Request, request_id: str, pending: dict[str, Any], form: Form, status: int = 200
) -> Response:
    return _step_page("oidc/consent.html", request, request_id, pending, form, status)


@router.get("/oidc/authorize", response_class=HTMLResponse)
def authorize_page(request: Request) -> Response:
    """The service's authorization request: checked, then the card is asked for."""
    query = list(request.query_params.multi_items())
    checked = run(
        request, lambda s, svc: provider.validate_authorization(s, svc, _http(request, query))
    )
    if isinstance(checked, Refused):
        return _refusal_page(request, checked)
    assert isinstance(checked, Validated)
    pending = _pending(request)
    while len(pending) >= MAX_PENDING:
        pending.pop(next(iter(pending)))
    request_id = secrets.token_urlsafe(16)
    pending[request_id] = {
        "query": query,
        "client_id": checked.client_id,
        "client_name": checked.client_name,
        "client_purpose": checked.client_purpose,
        "scopes": checked.scopes,
        "redirect_uri": checked.redirect_uri,
        "document_digest": checked.document_digest.hex() if checked.document_digest else None,
    }
    _save(request)
    return _card_page(request, request_id, pending[request_id], Form())


@router.post("/oidc/authorize", response_class=HTMLResponse)
def prove_card(request: Request, values: Values) -> Response:
    """Step 1: the card and its user-authentication PIN."""
    request_id, pending = _load(request, values)
    form = Form(values={"card_serial": values.get("card_serial", "")})
    try:
        holder = run(
            request,
            lambda s, svc: signin.authenticate_holder(
                s,
                svc,
                card_serial=str(values.get("card_serial", "")),
                pin=str(values.get("user_authentication_pin", "")),
            ),
        )
    except MyNumberError as exc:
        return _card_page(request, request_id, pending, form.fail(exc), http_status(exc))
    pending["holder"] = {
        "person_id": holder.person_id,
        "card_serial": holder.card_serial,
        "auth_time": holder.auth_time.isoformat(),
    }
    _save(request)
    return _consent_page(request, request_id, pending, Form())


def _finish(request: Request, request_id: str, answer: Answer | Refused) -> Response:
    _pending(request).pop(request_id, None)
    _save(request)
    if isinstance(answer, Refused):
        return _refusal_page(request, answer)
    return RedirectResponse(answer.location or "/", status_code=303)


@router.post("/oidc/consent", response_class=HTMLResponse)
def decide(request: Request, values: Values) -> Response:
    """Step 2: agree (with the signature PIN when needed) or decline."""
    request_id, pending = _load(request, values)
    http = HttpRequest(
        method="GET",
        path="/oidc/authorize",
        headers={k.lower(): v for k, v in request.headers.items()},
        query=[(str(k), str(v)) for k, v in pending["query"]],
    )
    if values.get("decision") != "agree":
        answer = run(request, lambda s, svc: provider.authorize(s, svc, http, holder=None))
        return _finish(request, request_id, answer)
    stored = pending.get("holder")
    if not isinstance(stored, dict):
        return _card_page(request, request_id, pending, Form())
    holder = signin.CardHolder(
        int(stored["person_id"]),
        str(stored["card_serial"]),
        dt.datetime.fromisoformat(str(stored["auth_time"])),
    )
    digest = bytes.fromhex(pending["document_digest"]) if pending.get("document_digest") else None

    def agree(session: Any, svc: Any) -> Answer | Refused:
        shared = signin.consent(
            session,
            svc,
            holder=holder,
            client_id=pending["client_id"],
            scopes=pending["scopes"],
            signature_pin=str(values.get("signature_pin", "")),
            document_digest=digest,
        )
        return provider.authorize(
            session,
            svc,
            http,
            holder=provider.Holder(holder.person_id, holder.auth_time, shared),
        )

    try:
        answer = run(request, agree)
    except MyNumberError as exc:
        return _consent_page(request, request_id, pending, Form().fail(exc), http_status(exc))
    return _finish(request, request_id, answer)
