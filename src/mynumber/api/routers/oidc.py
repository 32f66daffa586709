"""Sign in with the My Number Card: the OpenID Connect provider's machine endpoints.

These authenticate as OAuth 2.0 says, not with the project's API tokens: discovery and the
JWKS are public; the token endpoint takes the service's own proof (``private_key_jwt``, or
``client_secret_basic`` in the sandbox) with the code and the PKCE verifier; userinfo takes the
access token the token endpoint gave. Their errors are OAuth's JSON (``{"error": …}``, RFC 6749
§5.2, RFC 6750 §3), which OAuth client libraries read — not problem+json.

A service applies over ``POST /oidc/clients`` (public, like a registration form: nothing
works until the card centre approves); the card centre reviews with its API token.
The authorization endpoint is a page (``web.oidc``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from mynumber.api.deps import CallerDep, ServicesDep, SystemDep, UowDep
from mynumber.domain.oidc import SCOPES, ClientAuthMethod, ClientStatus
from mynumber.services.oidc import clients, keys, provider
from mynumber.services.oidc.provider import Answer, HttpRequest

router = APIRouter(tags=["sign in with the My Number Card (OpenID Connect)"])


class OAuthError(BaseModel):
    """An OAuth 2.0 error (RFC 6749 §5.2, RFC 6750 §3), as OAuth libraries read it."""

    error: str = Field(examples=["invalid_grant"])
    error_description: str | None = None


_OAUTH_ERROR: dict[str, Any] = {"model": OAuthError, "description": "OAuth 2.0 error"}


class DiscoveryResponse(BaseModel):
    """OpenID Provider Metadata (OpenID Connect Discovery 1.0 §3)."""

    model_config = ConfigDict(extra="allow")
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    scopes_supported: list[str]
    response_types_supported: list[str]
    subject_types_supported: list[str]
    id_token_signing_alg_values_supported: list[str]
    code_challenge_methods_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]


class JwksResponse(BaseModel):
    """The provider's public signing keys (RFC 7517)."""

    keys: list[dict[str, Any]]


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = Field(examples=["Bearer"])
    expires_in: int
    scope: str
    id_token: str = Field(description="The ID token, RS256, with a pairwise sub")


class UserInfoResponse(BaseModel):
    """The pairwise ``sub`` and only the consented claims."""

    model_config = ConfigDict(extra="forbid")
    sub: str
    name: str | None = None
    address: str | None = None
    birthdate: str | None = None
    gender: str | None = None
    document_signature: dict[str, Any] | None = Field(
        default=None, description="For the sign scope: the card's signature over the digest"
    )


class Scope(StrEnum):
    OPENID = "openid"
    NAME = "name"
    ADDRESS = "address"
    BIRTHDATE = "birthdate"
    GENDER = "gender"
    SIGN = "sign"


assert tuple(s.value for s in Scope) == SCOPES


class ClientApplicationRequest(BaseModel):
    """A service's application to sign people in with the card."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=100)
    purpose: str = Field(max_length=500)
    redirect_uris: list[str] = Field(min_length=1, max_length=5)
    scopes: list[Scope] = Field(min_length=1, max_length=6)
    token_endpoint_auth_method: ClientAuthMethod = ClientAuthMethod.PRIVATE_KEY_JWT
    jwks: dict[str, Any] | None = Field(
        default=None, description="Public keys for private_key_jwt (RSA or EC)"
    )


class ClientResponse(BaseModel):
    client_id: str
    name: str
    purpose: str
    redirect_uris: list[str]
    scopes_asked: list[str]
    scopes_approved: list[str]
    token_endpoint_auth_method: str
    status: str
    applied_at: dt.datetime
    reviewed_at: dt.datetime | None
    client_secret: str | None = Field(
        default=None, description="Sandbox only (client_secret_basic): shown this once"
    )


class Decision(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"
    SUSPEND = "suspend"


_STATUS = {
    Decision.APPROVE: ClientStatus.APPROVED,
    Decision.REFUSE: ClientStatus.REFUSED,
    Decision.SUSPEND: ClientStatus.SUSPENDED,
}


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Decision
    scopes: list[Scope] | None = Field(
        default=None, description="Approve only these of the scopes asked (default: all)"
    )


def _client_response(view: clients.ClientView, secret: str | None = None) -> ClientResponse:
    return ClientResponse(
        client_id=view.client_id,
        name=view.name,
        purpose=view.purpose,
        redirect_uris=view.redirect_uris,
        scopes_asked=view.scopes_asked,
        scopes_approved=view.scopes_approved,
        token_endpoint_auth_method=view.auth_method,
        status=view.status,
        applied_at=view.applied_at,
        reviewed_at=view.reviewed_at,
        client_secret=secret,
    )


async def _http(request: Request) -> HttpRequest:
    form: list[tuple[str, str]] = []
    if request.method == "POST":
        data = await request.form()
        form = [(k, v) for k, v in data.multi_items() if isinstance(v, str)]
    return HttpRequest(
        method=request.method,
        path=request.url.path,
        headers={k.lower(): v for k, v in request.headers.items()},
        query=list(request.query_params.multi_items()),
        form=form,
    )


def _answer(answer: Answer) -> JSONResponse:
    headers = {k: v for k, v in answer.headers if k.lower() != "content-type"}
    headers.setdefault("Cache-Control", "no-store")
    body = answer.body if isinstance(answer.body, dict) else {"error": "server_error"}
    return JSONResponse(body, status_code=answer.status, headers=headers)


@router.get("/.well-known/openid-configuration", response_model=DiscoveryResponse)
def discovery(svc: ServicesDep) -> dict[str, Any]:
    """The provider's metadata: endpoints, scopes, algorithms (public)."""
    return provider.discovery(svc)


@router.get("/oidc/jwks.json", response_model=JwksResponse)
def jwks(system: SystemDep, svc: ServicesDep) -> dict[str, Any]:
    """The keys ID tokens are signed with, retired ones while their tokens may live (public)."""
    with system.uow() as uow:
        found = keys.jwks(uow.session, svc)
        uow.commit()
    return found


@router.post(
    "/oidc/token",
    response_model=TokenResponse,
    responses={400: _OAUTH_ERROR, 401: _OAUTH_ERROR},
)
async def token(request: Request, system: SystemDep, svc: ServicesDep) -> JSONResponse:
    """The code for tokens: ``grant_type=authorization_code``, the code, the redirect URI,
    the PKCE ``code_verifier`` and the service's proof (form-encoded, RFC 6749 §4.1.3)."""
    http = await _http(request)

    def exchange() -> Answer:
        # Committed either way: a code presented is spent, a refused presentation too.
        with system.uow() as uow:
            answer = provider.token(uow.session, svc, http)
            uow.commit()
        return answer

    return _answer(await run_in_threadpool(exchange))


async def _userinfo(request: Request, system: SystemDep, svc: ServicesDep) -> JSONResponse:
    http = await _http(request)

    def read() -> Answer:
        with system.uow() as uow:
            answer = provider.userinfo(uow.session, svc, http)
            uow.commit()
        return answer

    return _answer(await run_in_threadpool(read))


@router.get("/oidc/userinfo", response_model=UserInfoResponse, responses={401: _OAUTH_ERROR})
async def userinfo(request: Request, system: SystemDep, svc: ServicesDep) -> JSONResponse:
    """The pairwise ``sub`` and the consented claims (``Authorization: Bearer <access token>``)."""
    return await _userinfo(request, system, svc)


@router.post("/oidc/userinfo", response_model=UserInfoResponse, responses={401: _OAUTH_ERROR})
async def userinfo_by_post(request: Request, system: SystemDep, svc: ServicesDep) -> JSONResponse:
    """As ``GET /oidc/userinfo`` (OpenID Connect Core §5.3.1 allows both)."""
    return await _userinfo(request, system, svc)


@router.post("/oidc/clients", status_code=201, response_model=ClientResponse)
def apply(body: ClientApplicationRequest, uow: UowDep, svc: ServicesDep) -> ClientResponse:
    """A service applies (public): nobody can sign in to it until the card centre approves."""
    applied = clients.apply(
        uow.session,
        svc,
        application=clients.Application(
            name=body.name,
            purpose=body.purpose,
            redirect_uris=body.redirect_uris,
            scopes=[s.value for s in body.scopes],
            auth_method=body.token_endpoint_auth_method,
            jwks=body.jwks,
        ),
    )
    uow.commit()
    return _client_response(applied.client, applied.client_secret)


@router.post("/oidc/clients/{client_id}/review", response_model=ClientResponse)
def review(
    client_id: str, body: ReviewRequest, caller: CallerDep, uow: UowDep, svc: ServicesDep
) -> ClientResponse:
    """The card centre approves (all or some of the scopes asked), refuses or suspends."""
    reviewed = clients.review(
        uow.session,
        svc,
        caller=caller,
        client_id=client_id,
        decision=_STATUS[body.decision],
        scopes=[s.value for s in body.scopes] if body.scopes else None,
    )
    uow.commit()
    return _client_response(reviewed)
