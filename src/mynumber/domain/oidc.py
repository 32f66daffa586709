"""Sign in with the My Number Card (デジタル認証アプリ) — the rules of the OpenID Connect provider.

A service (relying party, 利用者証明・署名検証の依頼者) that the card centre approved sends a person
to the provider; the person proves the card (user-authentication PIN) and, for the identity
scopes, the signature certificate (signature PIN), consents, and the service receives an ID
token and, through userinfo, only what was consented.

- **Scopes.** ``openid`` (who: a pairwise ``sub``, nothing else); ``name``, ``address``,
  ``birthdate``, ``gender`` (the basic four, 基本4情報, read from the signature certificate, so
  they need the signature PIN); ``sign`` (the card signs a digest the service sends, with the
  signature key: the signature PIN again).
- **Lifetimes.** A code lives ``CODE_LIFETIME`` and is used once; an ID token and an access
  token live ``TOKEN_LIFETIME``; a retired signing key stays in the JWKS until every token it
  signed has expired (``key_published_until``).
- **Redirect URIs** are registered exactly and compared exactly (no prefix, no wildcard): https,
  or http on the loopback host for a developer's machine; never a fragment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from base64 import urlsafe_b64encode
from collections.abc import Iterable
from enum import StrEnum
from urllib.parse import urlsplit

from mynumber.domain.errors import InvalidInput, invalid
from mynumber.domain.pins import PinKind

OPENID = "openid"
IDENTITY_SCOPES = ("name", "address", "birthdate", "gender")
SIGN = "sign"
SCOPES = (OPENID, *IDENTITY_SCOPES, SIGN)

CODE_LIFETIME = dt.timedelta(seconds=60)
TOKEN_LIFETIME = dt.timedelta(minutes=10)
CLOCK_LEEWAY = dt.timedelta(minutes=2)
"""What a relying party's library allows for clock skew when it checks ``exp``."""

SCOPE_TEXT: dict[str, tuple[str, str]] = {
    OPENID: (
        "That you hold a valid My Number Card (an identifier for this service only)",
        "有効なマイナンバーカードをお持ちであること（このサービス専用の識別子）",
    ),
    "name": ("Your name", "氏名"),
    "address": ("Your address", "住所"),
    "birthdate": ("Your date of birth", "生年月日"),
    "gender": ("Your sex", "性別"),
    SIGN: (
        "Your electronic signature on a document the service sends",
        "サービスが送る文書への電子署名",
    ),
}
"""What the consent page says each scope gives the service."""

_GENDER = {"1": "male", "2": "female"}
"""The register's sex code (住民票の性別コード) → OpenID Connect's ``gender`` values."""


class ClientStatus(StrEnum):
    """Where a service's application stands (利用者の審査)."""

    APPLIED = "applied"
    APPROVED = "approved"
    REFUSED = "refused"
    SUSPENDED = "suspended"


class ClientAuthMethod(StrEnum):
    """How a service proves itself at the token endpoint."""

    PRIVATE_KEY_JWT = "private_key_jwt"
    CLIENT_SECRET_BASIC = "client_secret_basic"  # the sandbox only


def scope_list(scope: str | Iterable[str] | None) -> list[str]:
    """Scopes in the order of ``SCOPES``, without repeats."""
    given = set(scope.split() if isinstance(scope, str) else scope or ())
    return [s for s in SCOPES if s in given]


def check_scopes(scopes: Iterable[str], *, field: str = "scopes") -> list[str]:
    """The scopes a service asks for: known ones only, and ``openid`` among them."""
    wanted = list(scopes)
    unknown = sorted(set(wanted) - set(SCOPES))
    if unknown:
        raise InvalidInput(
            f"Unknown scope: use {', '.join(SCOPES)}.",
            f"不明なスコープです。{', '.join(SCOPES)} のいずれかを指定してください。",
            field=field,
            allowed=list(SCOPES),
        )
    if OPENID not in wanted:
        raise invalid(field, "The scope openid is required.", "スコープ openid は必須です。")
    return scope_list(wanted)


def pins_needed(scopes: Iterable[str]) -> tuple[PinKind, ...]:
    """The PINs the person enters: the user-authentication PIN always; the signature PIN too
    when the basic four (in the signature certificate) or a signature are asked for."""
    asked = set(scopes)
    if asked & {*IDENTITY_SCOPES, SIGN}:
        return (PinKind.USER_AUTHENTICATION, PinKind.SIGNATURE)
    return (PinKind.USER_AUTHENTICATION,)


def check_redirect_uri(uri: str, *, field: str = "redirect_uris") -> str:
    """A redirect URI a service may register: absolute https (or http on the loopback host),
    no fragment, no user info, at most 300 characters."""
    refusal = InvalidInput(
        "A redirect URI must be an absolute https address (http only on 127.0.0.1 or "
        "localhost), without a fragment, at most 300 characters.",
        "リダイレクトURIは https の絶対URL（http は 127.0.0.1 または localhost のみ）で、"
        "フラグメントを含まない300文字以内のものにしてください。",
        field=field,
    )
    if len(uri) > 300 or any(ch.isspace() for ch in uri):
        raise refusal
    try:
        parts = urlsplit(uri)
    except ValueError:
        raise refusal from None
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme not in ("https", "http") or (parts.scheme == "http" and not loopback):
        raise refusal
    if not parts.hostname or parts.fragment or "#" in uri or parts.username or parts.password:
        raise refusal
    return uri


def pairwise_subject(key: bytes, *, sector: str, person_id: int) -> str:
    """The ``sub`` a service sees (OpenID Connect Core §8.1, pairwise): a keyed hash of the
    service and the person, different for every service, the same for the person's whole
    life (it depends on no card or certificate serial, and never on the My Number)."""
    mac = hmac.new(key, f"{sector}\x00{person_id}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(mac).rstrip(b"=").decode()


def identity_claims(
    scopes: Iterable[str], *, name: str, address: str, date_of_birth: dt.date, sex: str
) -> dict[str, str]:
    """The claims of the consented identity scopes, from the signature certificate's basic four
    items — and nothing of a scope that was not consented."""
    asked = set(scopes)
    claims: dict[str, str] = {}
    if "name" in asked:
        claims["name"] = name
    if "address" in asked:
        claims["address"] = address
    if "birthdate" in asked:
        claims["birthdate"] = date_of_birth.isoformat()
    if "gender" in asked:
        claims["gender"] = _GENDER.get(sex, "other")
    return claims


def key_published_until(retired_at: dt.datetime) -> dt.datetime:
    """How long a retired signing key stays in the JWKS: until the last ID token it signed has
    expired, with the relying parties' leeway."""
    return retired_at + TOKEN_LIFETIME + CLOCK_LEEWAY


def check_document_digest(digest: bytes) -> bytes:
    """A document digest to sign (``sign`` scope): a SHA-256 value, 32 bytes."""
    if len(digest) != hashlib.sha256().digest_size:
        raise invalid(
            "document_digest",
            "The document digest must be a SHA-256 value (32 bytes, base64url).",
            "文書のダイジェストは SHA-256（32バイト、base64url）で指定してください。",
        )
    return digest
