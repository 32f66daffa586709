"""Sakura Bank (さくら銀行, fictional): a relying party of "Sign in with the My Number Card".

A bank's account-opening page that checks the customer's identity through the project's
OpenID Connect provider, as any outside service would: it knows the provider only by its
discovery document and uses nothing of the ``mynumber`` package — only Authlib's Starlette
client (discovery, PKCE S256, ``private_key_jwt``, the ID token's signature and claims checked
against the provider's JWKS, userinfo).

Run it with ``python -m mynumber_demo_bank`` (see docs/oidc.md).
"""

from __future__ import annotations

import html
import json
import secrets
from typing import Any

import httpx2
from authlib.integrations.starlette_client import OAuth, OAuthError
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

SCOPES = "openid name address birthdate gender"
NAME = "Sakura Bank"
PURPOSE = (
    "Opening an account online (identity check under the Act on Prevention of Transfer of "
    "Criminal Proceeds)"
)
SESSION_COOKIE = "sakura_bank_session"
"""Not the provider's cookie name: both may live on 127.0.0.1, and cookies ignore the port."""

_LABELS = (
    ("name", "Name (氏名)"),
    ("address", "Address (住所)"),
    ("birthdate", "Date of birth (生年月日)"),
    ("gender", "Gender (性別)"),
)


def new_key() -> RSAKey:
    """The bank's own signing key for ``private_key_jwt`` (its public half goes to the
    provider with the application)."""
    key = RSAKey.generate_key(2048, private=True)
    key.ensure_kid()
    return key


def apply(provider: str, redirect_uri: str, key: RSAKey) -> str:
    """Apply to the provider as a service (``POST /oidc/clients``); the client id. Nobody can
    sign in until the card centre approves it."""
    answer = httpx2.post(
        f"{provider.rstrip('/')}/oidc/clients",
        json={
            "name": NAME,
            "purpose": PURPOSE,
            "redirect_uris": [redirect_uri],
            "scopes": SCOPES.split(),
            "token_endpoint_auth_method": "private_key_jwt",
            "jwks": {"keys": [key.as_dict(private=False)]},
        },
        timeout=10,
    )
    answer.raise_for_status()
    client_id: str = answer.json()["client_id"]
    return client_id


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} — {NAME}</title>
<style>
body {{ font-family: sans-serif; margin: 0; background: #fdf6f8; color: #222; }}
header {{ background: #c2185b; color: #fff; padding: 1rem 2rem; font-size: 1.4rem; }}
main {{ max-width: 40rem; margin: 2rem auto; background: #fff; padding: 2rem;
        border-radius: 8px; box-shadow: 0 1px 4px #0002; }}
dt {{ font-weight: bold; margin-top: .8rem; }} dd {{ margin: .2rem 0 0 0; }}
.button {{ display: inline-block; background: #c2185b; color: #fff; padding: .7rem 1.2rem;
           border-radius: 4px; text-decoration: none; }}
.error {{ color: #b00020; }}
</style></head><body><header>{NAME} · さくら銀行</header><main>
<h1>{html.escape(title)}</h1>{body}</main></body></html>""",
        status_code=status,
    )


def create_app(
    *, provider: str, client_id: str, key: RSAKey, redirect_uri: str, secret_key: str = ""
) -> Starlette:
    """The bank's site: ``/`` (open an account), ``/login`` (to the provider), ``/callback``."""
    oauth = OAuth()
    oauth.register(
        "mynumber",
        client_id=client_id,
        client_secret=key,
        server_metadata_url=f"{provider.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={
            "scope": SCOPES,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "private_key_jwt",
        },
        client_auth_methods=[PrivateKeyJWT()],
    )
    client: Any = oauth.mynumber

    async def home(request: Request) -> Response:
        return _page(
            "Open an account online",
            "<p>To open an account we must check who you are (Act on Prevention of Transfer "
            "of Criminal Proceeds). Read your My Number Card: no copies of documents, "
            "no post.</p>"
            '<p><a class="button" id="verify" href="/login">Verify with My Number Card</a></p>',
        )

    async def login(request: Request) -> Response:
        # Authlib makes state, nonce and the PKCE verifier and keeps them in the session.
        response: Response = await client.authorize_redirect(request, redirect_uri)
        return response

    async def callback(request: Request) -> Response:
        try:
            token = await client.authorize_access_token(request)
        except (OAuthError, JoseError) as exc:  # JoseError: an ID token that fails validation
            declined = exc.error == "access_denied"
            return _page(
                "Identity not verified",
                f'<p class="error" id="outcome">'
                f"{'You declined to share your details.' if declined else 'The check failed.'}"
                f" (<code>{html.escape(str(exc.error))}</code>)</p>"
                '<p><a href="/">Back</a></p>',
                status=400 if not declined else 200,
            )
        claims = token["userinfo"]  # the ID token, validated by Authlib against the JWKS
        info = await client.userinfo(token=token)
        if info.get("sub") != claims["sub"]:
            return _page("Identity not verified", "<p class='error'>sub mismatch</p>", 400)
        rows = "".join(
            f"<dt>{label}</dt><dd id='{field}'>{html.escape(str(info.get(field, '—')))}</dd>"
            for field, label in _LABELS
        )
        return _page(
            "Your identity is verified",
            f'<p id="outcome">Checked with your My Number Card '
            f"(<code>{html.escape(str(claims.get('acr')))}</code>). "
            f"Please confirm your details:</p><dl>{rows}</dl>"
            f"<details><summary>ID token claims</summary><pre>"
            f"{html.escape(json.dumps(dict(claims), indent=1, ensure_ascii=False))}"
            f"</pre></details>",
        )

    return Starlette(
        routes=[
            Route("/", home),
            Route("/login", login),
            Route("/callback", callback),
        ],
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=secret_key or secrets.token_hex(32),
                session_cookie=SESSION_COOKIE,
                same_site="lax",
            )
        ],
    )
