"""Tables of the OpenID Connect provider (Sign in with the My Number Card, デジタル認証アプリ).

- ``oidc_clients``: the services that applied (name, purpose, exact redirect URIs, scopes
  asked) and the card centre's review; a service proves itself with its public keys
  (``private_key_jwt``) or, in the sandbox, a secret kept only as a keyed hash.
- ``oidc_signing_keys``: the provider's ID-token keys, the private half sealed at rest under
  the master key's sealing versions (as My Numbers and the chips' keys are); a retired key
  stays published until the tokens it signed have expired.
- ``oidc_codes`` and ``oidc_tokens``: kept only as SHA-256 hashes of the code or token; the
  claims consented to (the basic four, a signature) sealed. A code is spent by one
  conditional UPDATE, so two redemptions — in two processes — cannot both succeed.
- ``oidc_grants``: each sign-in (what was shared with which service, when), which the portal
  shows and the person may revoke.
- ``oidc_assertions``: the ``jti`` of each client assertion seen, until it expires (replay).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base


class OidcClient(Base):
    """A service (relying party) that applied to sign people in with the card."""

    __tablename__ = "oidc_clients"
    client_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(500))
    redirect_uris: Mapped[str] = mapped_column(Text)
    """JSON list, compared exactly."""
    scopes_asked: Mapped[str] = mapped_column(String(100))
    scopes_approved: Mapped[str] = mapped_column(String(100), default="")
    auth_method: Mapped[str] = mapped_column(String(30))
    jwks: Mapped[str | None] = mapped_column(Text, nullable=True)
    secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    applied_at: Mapped[dt.datetime]
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class OidcSigningKey(Base):
    """One ID-token signing key; ``retired_at`` empty for the one that signs now."""

    __tablename__ = "oidc_signing_keys"
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    alg: Mapped[str] = mapped_column(String(10))
    private_key_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    public_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    retired_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    published_until: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class OidcCode(Base):
    """An authorization code: short-lived, for one client and redirect URI, used once."""

    __tablename__ = "oidc_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("oidc_clients.client_id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    redirect_uri: Mapped[str] = mapped_column(String(300))
    scope: Mapped[str] = mapped_column(String(100))
    nonce: Mapped[str] = mapped_column(String(255))
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(10))
    claims_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    auth_time: Mapped[dt.datetime]
    issued_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class OidcToken(Base):
    """An access token for userinfo, with the claims consented to (sealed)."""

    __tablename__ = "oidc_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("oidc_clients.client_id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    scope: Mapped[str] = mapped_column(String(100))
    claims_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    issued_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class OidcGrant(Base):
    """One sign-in: the person shared ``scope`` with the service at ``granted_at``."""

    __tablename__ = "oidc_grants"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("oidc_clients.client_id"))
    scope: Mapped[str] = mapped_column(String(100))
    granted_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class OidcAssertion(Base):
    """A client assertion's ``jti``, kept until the assertion expires (one use each)."""

    __tablename__ = "oidc_assertions"
    jti_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(40))
    expires_at: Mapped[dt.datetime]
