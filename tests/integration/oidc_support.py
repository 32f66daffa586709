"""A relying party for the provider's tests, over HTTP through the app, built on Authlib's and
joserfc's client side: PKCE (RFC 7636), ``private_key_jwt`` (RFC 7523), the ID token's
signature and claims checked against the provider's JWKS (no test checks tokens by hand)."""

from __future__ import annotations

import functools
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.oauth2.rfc7523 import private_key_jwt_sign
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.card.keys import KeyPool
from mynumber.domain.access import Role
from mynumber.domain.oidc import ClientStatus
from mynumber.services.oidc import clients
from tests.client import TestClient
from tests.conftest import caller
from tests.integration.card_support import PINS

REDIRECT = "https://bank.example/callback"
CENTRE = caller(Role.CARD_CENTRE)


@functools.cache
def service_keys() -> KeyPool:
    """The relying parties' RSA-2048 keys, made once per worker (~50-100 ms each): real keys,
    handed out in turn, so the services a test registers one after another hold different ones."""
    return KeyPool.generate(4)


@dataclass
class RelyingParty:
    client_id: str
    key: RSAKey
    redirect_uri: str = REDIRECT
    secret: str | None = None


@dataclass
class Attempt:
    """One authorization request as the service made it."""

    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(48))


def apply_and_approve(
    system: System,
    http: TestClient,
    *,
    scopes: tuple[str, ...] = ("openid", "name", "address", "birthdate", "gender", "sign"),
    approve: tuple[str, ...] | None = None,
    sandbox: bool = False,
    name: str = "Example Bank",
) -> RelyingParty:
    key = RSAKey.import_key(service_keys().new_key())
    key.ensure_kid()
    body: dict[str, Any] = {
        "name": name,
        "purpose": "Opening an account online (犯罪収益移転防止法 identity check)",
        "redirect_uris": [REDIRECT],
        "scopes": list(scopes),
    }
    if sandbox:
        body["token_endpoint_auth_method"] = "client_secret_basic"
    else:
        body["jwks"] = {"keys": [key.as_dict(private=False)]}
    applied = http.post("/oidc/clients", json=body)
    assert applied.status_code == 201, applied.text
    client_id = applied.json()["client_id"]
    if approve != ():
        with system.uow() as uow:
            clients.review(
                uow.session,
                system.services,
                caller=CENTRE,
                client_id=client_id,
                decision=ClientStatus.APPROVED,
                scopes=list(approve) if approve else None,
            )
            uow.commit()
    return RelyingParty(client_id, key, secret=applied.json()["client_secret"])


def authorize_url(rp: RelyingParty, attempt: Attempt, scope: str, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": rp.client_id,
        "redirect_uri": rp.redirect_uri,
        "scope": scope,
        "state": attempt.state,
        "nonce": attempt.nonce,
        "code_challenge": create_s256_code_challenge(attempt.verifier),
        "code_challenge_method": "S256",
        **extra,
    }
    return "/oidc/authorize?" + urlencode({k: v for k, v in params.items() if v is not None})


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} on the page"
    return found.group(1)


def sign_in(
    browser: TestClient,
    rp: RelyingParty,
    serial: str,
    *,
    scope: str = "openid name address birthdate gender",
    attempt: Attempt | None = None,
    user_pin: str = PINS.user_authentication,
    signature_pin: str = PINS.signature,
    decision: str = "agree",
    **extra: str,
) -> Any:
    """The person's whole visit; the last response (a redirect back, or a page)."""
    attempt = attempt or Attempt()
    page = browser.get(authorize_url(rp, attempt, scope, **extra), follow_redirects=False)
    if page.status_code != 200:
        return page
    request_id, csrf = hidden(page.text, "request_id"), hidden(page.text, "csrf")
    card = browser.post(
        "/oidc/authorize",
        data={
            "csrf": csrf,
            "request_id": request_id,
            "card_serial": serial,
            "user_authentication_pin": user_pin,
        },
        follow_redirects=False,
    )
    if card.status_code != 200 or 'value="agree"' not in card.text:
        return card
    return browser.post(
        "/oidc/consent",
        data={
            "csrf": csrf,
            "request_id": request_id,
            "signature_pin": signature_pin,
            "decision": decision,
        },
        follow_redirects=False,
    )


def returned(response: Any) -> dict[str, str]:
    """The parameters the provider sent back to the service's redirect URI."""
    assert response.status_code in (302, 303), response.text[:400]
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?"), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def token_request(
    http: TestClient,
    rp: RelyingParty,
    code: str,
    verifier: str,
    *,
    redirect_uri: str | None = None,
    assertion: str | None = None,
) -> Any:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri or rp.redirect_uri,
        "code_verifier": verifier,
    }
    if rp.secret:
        return http.post("/oidc/token", data=form, auth=(rp.client_id, rp.secret))
    form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    form["client_assertion"] = assertion or client_assertion(http, rp)
    return http.post("/oidc/token", data=form)


def client_assertion(http: TestClient, rp: RelyingParty) -> str:
    token_endpoint = http.get("/.well-known/openid-configuration").json()["token_endpoint"]
    signed = private_key_jwt_sign(rp.key, rp.client_id, token_endpoint, alg="RS256")
    return signed.decode() if isinstance(signed, bytes) else str(signed)


def validated_id_token(http: TestClient, rp: RelyingParty, id_token: str, nonce: str) -> Any:
    """The ID token checked as a relying party's library checks it: signature against the
    provider's JWKS, then iss, aud, exp, iat, nonce (Authlib's ``CodeIDToken``)."""
    metadata = http.get("/.well-known/openid-configuration").json()
    keys = KeySet.import_key_set(http.get("/oidc/jwks.json").json())
    decoded = jwt.decode(id_token, keys, algorithms=["RS256"])
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {"iss": {"values": [metadata["issuer"]]}, "aud": {"values": [rp.client_id]}},
        {"nonce": nonce},
    )
    claims.validate(now=decoded.claims["iat"], leeway=0)
    return claims


def browser(system: System) -> TestClient:
    return TestClient(create_app(system), base_url="http://127.0.0.1:8000")


def now_of(system: System) -> int:
    return int(system.services.clock.now().timestamp()) or int(time.time())
