"""The OpenID Connect provider on Authlib's OAuth 2.0 / OpenID Connect server.

Authlib does the protocol: the authorization request's checks (client, exact redirect URI,
response type, scopes, ``prompt``, ``nonce``), PKCE (RFC 7636), client authentication
(``client_secret_basic``; ``private_key_jwt`` by RFC 7523), the token response and the ID
token (signed by joserfc). This module gives it what it asks of an application: the clients
(only those the card centre approved), the codes and tokens (in the database, as hashes), the
signing key, the claims, and the stricter settings of this provider:

- the authorization code flow only (``response_type=code``; no implicit, hybrid or password);
- PKCE with ``S256`` required of every client (``plain`` refused);
- ``state`` and ``nonce`` required; a nonce used once per client;
- a code lives ``domain.oidc.CODE_LIFETIME`` and is spent by one conditional UPDATE when it is
  presented — a second presentation (in any process, after any restart) finds it spent, and
  the tokens the first one obtained are revoked (RFC 6749 §4.1.2);
- a client assertion's ``jti`` is used once.

Entry points build an ``HttpRequest`` from what they received and turn the ``Answer`` back
into a response; this module knows no web framework.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Error,
    OAuth2Payload,
    OAuth2Request,
    ResourceProtector,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import OpenIDCode
from joserfc.jwk import KeySet
from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_oidc import (
    OidcAssertion,
    OidcClient,
    OidcCode,
    OidcGrant,
    OidcToken,
)
from mynumber.domain import key_versions
from mynumber.domain.access import Role
from mynumber.domain.oidc import (
    CODE_LIFETIME,
    IDENTITY_SCOPES,
    OPENID,
    SCOPES,
    SIGN,
    TOKEN_LIFETIME,
    ClientAuthMethod,
    pairwise_subject,
    scope_list,
)
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.oidc import clients, keys

AUTHORIZE_PATH = "/oidc/authorize"
TOKEN_PATH = "/oidc/token"
USERINFO_PATH = "/oidc/userinfo"
JWKS_PATH = "/oidc/jwks.json"
ACR = "urn:mynumber:jpki:card"
"""The authentication context: the card's user-authentication certificate after its PIN."""


def issuer(svc: Services) -> str:
    return svc.base_url.rstrip("/")


# --- requests and answers, without a web framework ----------------------------------------


@dataclass(frozen=True)
class HttpRequest:
    """What an entry point received: method, path, headers (lower-case names), the query's
    and the form's parameters as pairs (a repeated parameter stays repeated). The host is
    the issuer's, never the request's ``Host`` header."""

    method: str
    path: str
    headers: Mapping[str, str]
    query: Sequence[tuple[str, str]] = ()
    form: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Answer:
    """What to send back: status, body (JSON object or text) and headers."""

    status: int
    body: dict[str, Any] | str
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def location(self) -> str | None:
        return next((v for k, v in self.headers if k.lower() == "location"), None)


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, pairs: Sequence[tuple[str, str]]) -> None:
        self._datalist: dict[str, list[str]] = defaultdict(list)
        for key, value in pairs:
            self._datalist[key].append(value)
        self._data = {k: v[0] for k, v in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return self._datalist


def _canonical(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))


class _Request(OAuth2Request):  # type: ignore[misc]
    def __init__(self, http: HttpRequest, base: str) -> None:
        # Authlib looks headers up by their canonical spelling (``Authorization``).
        headers = {_canonical(k): v for k, v in http.headers.items()}
        super().__init__(http.method, base + http.path, headers=headers)
        self._args = dict(http.query)
        self._form = dict(http.form)
        self.payload = _Payload([*http.query, *http.form])

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


# --- what Authlib asks of the application ---------------------------------------------------


class Client:
    """An approved service as Authlib's ``ClientMixin`` sees it."""

    def __init__(self, row: OidcClient, svc: Services) -> None:
        self.row = row
        self.svc = svc
        self.client_id = row.client_id
        self.redirect_uris: list[str] = json.loads(row.redirect_uris)
        self.client_metadata: dict[str, Any] = {}
        self.id_token_signed_response_alg = keys.ALGORITHM

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None  # the redirect URI is always given and compared exactly

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """The scopes asked if the card centre approved every one of them, else ``None``
        (Authlib answers ``invalid_scope``)."""
        asked = scope_list(scope)
        if not scope or set((scope or "").split()) - set(asked):
            return None
        return " ".join(asked) if set(asked) <= set(self.row.scopes_approved.split()) else None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return clients.secret_matches(self.svc, self.row, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method == self.row.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass(frozen=True)
class Holder:
    """The card holder the provider signs in: who, when, with what card, and what they
    consented to share (claims of the identity scopes, a signature)."""

    person_id: int
    auth_time: dt.datetime
    shared: dict[str, Any] = field(default_factory=dict)
    client_id: str = ""
    """The service the holder signs in to (set when a code is redeemed)."""


class _Code:
    """A spent code as Authlib's ``AuthorizationCodeMixin`` sees it."""

    def __init__(self, row: OidcCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope

    def get_nonce(self) -> str:
        return self.row.nonce

    def get_auth_time(self) -> int:
        return int(self.row.auth_time.timestamp())

    def get_acr(self) -> str:
        return ACR

    def get_amr(self) -> list[str]:
        pins = ["hwk", "pin"]
        return pins + (["sc"] if set(self.row.scope.split()) - {OPENID} else [])


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def claims_aad(kind: str, key: str) -> bytes:
    """What sealed claims are bound to: a code's or a token's hash (claims copied to another
    row do not open); the key rotation re-seals them under the same."""
    return f"oidc/claims/{kind}/{key}".encode()


def _seal(svc: Services, shared: dict[str, Any], kind: str, key: str) -> bytes:
    return key_versions.seal(svc.keys.data_keys, json.dumps(shared).encode(), claims_aad(kind, key))


def _open(svc: Services, sealed: bytes, kind: str, key: str) -> dict[str, Any]:
    _, content = key_versions.open_sealed(svc.keys.data_keys, sealed, claims_aad(kind, key))
    found: dict[str, Any] = json.loads(content)
    return found


class Provider(AuthorizationServer):  # type: ignore[misc]
    """Authlib's server bound to one unit of work (a request's session and the services)."""

    def __init__(self, session: Session, svc: Services) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.session = session
        self.svc = svc
        self.register_client_auth_method(
            ClientAuthMethod.PRIVATE_KEY_JWT.value, _PrivateKeyJwt(self)
        )
        self.register_grant(_CodeGrant, [_S256Required(), _OpenIdCode(self)])
        self.register_token_generator("default", self._generate_token)

    # Authlib's hooks
    def query_client(self, client_id: str | None) -> Client | None:
        row = clients.approved_client(self.session, client_id)
        return None if row is None else Client(row, self.svc)

    def create_oauth2_request(self, request: _Request | HttpRequest) -> _Request:
        return request if isinstance(request, _Request) else _Request(request, issuer(self.svc))

    def handle_response(self, status: int, body: Any, headers: Any) -> Answer:
        return Answer(status, body, list(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def _generate_token(
        self,
        grant_type: str,
        client: Client,
        user: Holder | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = False,
    ) -> dict[str, Any]:
        return {
            "token_type": "Bearer",
            "access_token": secrets.token_urlsafe(32),
            "expires_in": int(TOKEN_LIFETIME.total_seconds()),
            "scope": scope or "",
        }

    def save_token(self, token: dict[str, Any], request: _Request) -> None:
        code: _Code = request.authorization_code
        holder: Holder = request.user
        token_hash = _hash(token["access_token"])
        now = self.svc.clock.now()
        self.session.add(
            OidcToken(
                token_hash=token_hash,
                code_hash=code.row.code_hash,
                client_id=request.client.client_id,
                person_id=holder.person_id,
                scope=token["scope"],
                claims_sealed=_seal(self.svc, holder.shared, "token", token_hash),
                issued_at=now,
                expires_at=now + TOKEN_LIFETIME,
            )
        )
        self.session.flush()

    def subject(self, client_id: str, person_id: int) -> str:
        return pairwise_subject(self.svc.keys.pairwise_key, sector=client_id, person_id=person_id)


class _PrivateKeyJwt(JWTBearerClientAssertion):  # type: ignore[misc]
    """``private_key_jwt`` (RFC 7523 §2.2): a JWT signed with the service's private key, for
    this token endpoint, used once."""

    CLIENT_AUTH_METHOD = ClientAuthMethod.PRIVATE_KEY_JWT.value

    def __init__(self, provider: Provider) -> None:
        super().__init__(validate_jti=True, leeway=30)
        self.provider = provider

    def get_audiences(self) -> list[str]:
        base = issuer(self.provider.svc)
        return [base + TOKEN_PATH, base]

    def resolve_client_public_key(self, client: Client) -> KeySet:
        return KeySet.import_key_set(json.loads(client.row.jwks or '{"keys": []}'))

    def validate_jti(self, claims: dict[str, Any], jti: str) -> bool:
        now = self.provider.svc.clock.now()
        session = self.provider.session
        expires = claims.get("exp")
        until = (
            dt.datetime.fromtimestamp(expires, dt.UTC)
            if isinstance(expires, int)
            else now + dt.timedelta(hours=1)
        )
        session.execute(delete(OidcAssertion).where(OidcAssertion.expires_at < now))
        try:
            with session.begin_nested():
                session.add(
                    OidcAssertion(
                        jti_hash=_hash(f"{claims['sub']}\x00{jti}"),
                        client_id=str(claims["sub"])[:40],
                        expires_at=until,
                    )
                )
                session.flush()
        except IntegrityError:
            return False
        return True


class _S256Required(CodeChallenge):  # type: ignore[misc]
    """PKCE for every client, ``S256`` only."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]  # noqa: RUF012  (Authlib's class attribute)

    def validate_code_challenge(self, grant: _CodeGrant, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE with S256 is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class _OpenIdCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: _Request) -> bool:
        return bool(
            self.provider.session.scalar(
                select(
                    exists().where(
                        OidcCode.client_id == request.payload.client_id, OidcCode.nonce == nonce
                    )
                )
            )
        )

    def resolve_client_private_key(self, client: Client) -> Any:
        return keys.current(self.provider.session, self.provider.svc).key

    def get_client_algorithm(self, client: Client) -> str:
        return keys.ALGORITHM

    def get_encode_header(self, client: Client) -> dict[str, str]:
        key = keys.current(self.provider.session, self.provider.svc)
        return {"alg": keys.ALGORITHM, "kid": key.kid, "typ": "JWT"}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = self.provider.svc.clock.now()
        return {
            "iss": issuer(self.provider.svc),
            "aud": [client.client_id],
            "iat": int(now.timestamp()),
            "exp": int((now + TOKEN_LIFETIME).timestamp()),
        }

    def generate_user_info(self, user: Holder, scope: str) -> dict[str, Any]:
        # The ID token says who (pairwise) and how; what was shared is for userinfo.
        return {"sub": self.provider.subject(user.client_id, user.person_id)}


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = [  # noqa: RUF012  (Authlib's class attribute)
        ClientAuthMethod.PRIVATE_KEY_JWT.value,
        ClientAuthMethod.CLIENT_SECRET_BASIC.value,
    ]

    @property
    def provider(self) -> Provider:
        server: Provider = self.server
        return server

    def validate_authorization_request(self) -> str:
        redirect_uri: str = super().validate_authorization_request()
        data = self.request.payload.data
        if OPENID not in scope_list(data.get("scope")):
            raise InvalidScopeError("The scope must include openid.", redirect_uri=redirect_uri)
        if not data.get("state"):
            raise InvalidRequestError("Missing 'state'.", redirect_uri=redirect_uri)
        for name in ("response_mode", "request", "request_uri"):
            if name in data and not (name == "response_mode" and data[name] == "query"):
                raise InvalidRequestError(f"'{name}' is not supported.", redirect_uri=redirect_uri)
        if SIGN in scope_list(data.get("scope")):
            document_digest(data.get("document_digest"), redirect_uri=redirect_uri)
        return redirect_uri

    def save_authorization_code(self, code: str, request: _Request) -> None:
        holder: Holder = request.user
        data = request.payload.data
        now = self.provider.svc.clock.now()
        code_hash = _hash(code)
        self.provider.session.add(
            OidcCode(
                code_hash=code_hash,
                client_id=request.client.client_id,
                person_id=holder.person_id,
                redirect_uri=data["redirect_uri"],
                scope=request.scope,
                nonce=data["nonce"],
                code_challenge=data["code_challenge"],
                code_challenge_method=data.get("code_challenge_method", "S256"),
                claims_sealed=_seal(self.provider.svc, holder.shared, "code", code_hash),
                auth_time=holder.auth_time,
                issued_at=now,
                expires_at=now + CODE_LIFETIME,
            )
        )
        self.provider.session.add(
            OidcGrant(
                person_id=holder.person_id,
                client_id=request.client.client_id,
                scope=request.scope,
                granted_at=now,
            )
        )
        self.provider.session.flush()

    def query_authorization_code(self, code: str, client: Client) -> _Code | None:
        """Spend the code: one conditional UPDATE, so only one presentation ever gets it."""
        session, now = self.provider.session, self.provider.svc.clock.now()
        code_hash = _hash(code)
        spent = session.execute(
            update(OidcCode)
            .where(
                OidcCode.code_hash == code_hash,
                OidcCode.client_id == client.client_id,
                OidcCode.used_at.is_(None),
                OidcCode.expires_at >= now,
            )
            .values(used_at=now)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            # Presented again: whatever the first presentation obtained is revoked.
            session.execute(
                update(OidcToken)
                .where(OidcToken.code_hash == code_hash, OidcToken.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            return None
        row = session.get(OidcCode, code_hash)
        return None if row is None else _Code(row)

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        return None  # spent when presented (query_authorization_code)

    def authenticate_user(self, authorization_code: _Code) -> Holder:
        row = authorization_code.row
        shared = _open(self.provider.svc, row.claims_sealed, "code", row.code_hash)
        return Holder(row.person_id, row.auth_time, shared, client_id=row.client_id)


class _Bearer(BearerTokenValidator):  # type: ignore[misc]
    def __init__(self, provider: Provider) -> None:
        super().__init__()
        self.provider = provider

    def authenticate_token(self, token_string: str) -> _Token | None:
        row = self.provider.session.get(OidcToken, _hash(token_string))
        return None if row is None else _Token(row, self.provider)


class _Token:
    def __init__(self, row: OidcToken, provider: Provider) -> None:
        self.row = row
        self.provider = provider
        self.scope = row.scope

    def get_scope(self) -> str:
        return self.row.scope

    def is_expired(self) -> bool:
        return self.provider.svc.clock.now() >= self.row.expires_at

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None


def document_digest(text: str | None, *, redirect_uri: str | None = None) -> bytes:
    """The ``document_digest`` of a ``sign`` request: base64url of a SHA-256 value."""
    try:
        raw = base64.urlsafe_b64decode((text or "") + "=" * (-len(text or "") % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != hashlib.sha256().digest_size:
        raise InvalidRequestError(
            "The sign scope needs 'document_digest': the base64url SHA-256 of the document.",
            redirect_uri=redirect_uri,
        )
    return raw


# --- the endpoints ----------------------------------------------------------------------


@dataclass(frozen=True)
class Refused:
    """An authorization request refused: ``redirect`` to the service when its client and
    redirect URI are known good, else an error page; the OAuth error either way."""

    error: str
    description: str
    redirect: str | None
    status: int = 400


@dataclass(frozen=True)
class Validated:
    """An authorization request Authlib accepted: the service and what it asks."""

    client_id: str
    client_name: str
    client_purpose: str
    scopes: list[str]
    redirect_uri: str
    state: str
    document_digest: bytes | None


def _refused(error: OAuth2Error, state: str | None) -> Refused:
    redirect = None
    if error.redirect_uri:
        error.state = state
        answer = error()
        redirect = next((v for k, v in answer[2] if k.lower() == "location"), None)
    return Refused(error.error, error.get_error_description() or "", redirect, 400)


def validate_authorization(
    session: Session, svc: Services, http: HttpRequest
) -> Validated | Refused:
    """Check an authorization request (Authlib's checks and ours) before the card is asked."""
    provider = Provider(session, svc)
    request = _Request(http, issuer(svc))
    client_id = request.payload.client_id
    found = clients.any_client(session, client_id)
    if found is not None and found.status != "approved":
        return Refused(
            "unauthorized_client",
            "This service has not been approved by the card centre to sign people in.",
            None,
        )
    try:
        grant = provider.get_consent_grant(request, end_user=None)
    except OAuth2Error as error:
        return _refused(error, request.payload.state)
    data = request.payload.data
    scopes = scope_list(grant.request.scope)
    return Validated(
        client_id=grant.request.client.client_id,
        client_name=grant.request.client.row.name,
        client_purpose=grant.request.client.row.purpose,
        scopes=scopes,
        redirect_uri=data["redirect_uri"],
        state=data["state"],
        document_digest=document_digest(data.get("document_digest")) if SIGN in scopes else None,
    )


def authorize(
    session: Session, svc: Services, http: HttpRequest, *, holder: Holder | None
) -> Answer | Refused:
    """The answer to a validated request: a code for ``holder``, or ``access_denied`` when the
    person declined (``holder`` is ``None``). Validated again: a service suspended meanwhile
    gets nothing."""
    provider = Provider(session, svc)
    request = _Request(http, issuer(svc))
    try:
        grant = provider.get_consent_grant(request, end_user=holder)
    except OAuth2Error as error:
        return _refused(error, request.payload.state)
    answer: Answer = provider.create_authorization_response(request, grant_user=holder, grant=grant)
    if holder is not None:
        audit.record(
            session,
            caller=Caller(
                name=grant.request.client.row.name, role=Role.RESIDENT, scope_id=holder.person_id
            ),
            action="oidc_code_issued",
            person_id=holder.person_id,
            at=svc.clock.now(),
            detail=f"{grant.request.client.client_id}: {grant.request.scope}",
        )
    return answer


def token(session: Session, svc: Services, http: HttpRequest) -> Answer:
    """The token endpoint: the code, the client's proof and the PKCE verifier → tokens."""
    answer: Answer = Provider(session, svc).create_token_response(_Request(http, issuer(svc)))
    return answer


def userinfo(session: Session, svc: Services, http: HttpRequest) -> Answer:
    """The userinfo endpoint: the pairwise ``sub`` and what the person consented to share."""
    provider = Provider(session, svc)
    protector = ResourceProtector()
    protector.register_token_validator(_Bearer(provider))
    request = _Request(http, issuer(svc))
    try:
        found: _Token = protector.validate_request(scopes=[OPENID], request=request)
    except OAuth2Error as error:
        status, body, headers = error()
        return Answer(status, dict(body), list(headers))
    row = found.row
    client = clients.approved_client(session, row.client_id)
    if client is None:  # suspended since: its tokens were revoked, but say so plainly
        return Answer(
            401, {"error": "invalid_token"}, [("WWW-Authenticate", 'Bearer error="invalid_token"')]
        )
    shared = _open(svc, row.claims_sealed, "token", row.token_hash)
    claims = {"sub": provider.subject(row.client_id, row.person_id)}
    claims.update({k: v for k, v in shared.items() if _consented(k, row.scope)})
    audit.record(
        session,
        caller=Caller(name=client.name, role=Role.RESIDENT, scope_id=row.person_id),
        action="oidc_userinfo",
        person_id=row.person_id,
        at=svc.clock.now(),
        detail=f"{row.client_id}: {', '.join(sorted(claims))}",
    )
    return Answer(200, claims, [("Cache-Control", "no-store")])


_CLAIM_SCOPES = {
    "name": "name",
    "address": "address",
    "birthdate": "birthdate",
    "gender": "gender",
    "document_signature": SIGN,
}


def _consented(claim: str, scope: str) -> bool:
    """Only a claim whose scope the token carries leaves (never one beyond the consent)."""
    wanted = _CLAIM_SCOPES.get(claim)
    return wanted is not None and wanted in scope.split()


def discovery(svc: Services) -> dict[str, Any]:
    """The provider's metadata (OpenID Connect Discovery 1.0)."""
    base = issuer(svc)
    return {
        "issuer": base,
        "authorization_endpoint": base + AUTHORIZE_PATH,
        "token_endpoint": base + TOKEN_PATH,
        "userinfo_endpoint": base + USERINFO_PATH,
        "jwks_uri": base + JWKS_PATH,
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": [keys.ALGORITHM],
        "token_endpoint_auth_methods_supported": [m.value for m in ClientAuthMethod],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": [
            "sub",
            "iss",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "amr",
            *IDENTITY_SCOPES,
            "document_signature",
        ],
        "acr_values_supported": [ACR],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
    }
