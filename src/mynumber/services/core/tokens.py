"""API tokens (per organisation, bound to a role), stored as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import ApiToken
from mynumber.domain.access import Role
from mynumber.domain.errors import Unauthenticated
from mynumber.services.core.context import Caller, Services

TOKEN_PREFIX = "mnt_"


def _hash(svc: Services, token: str) -> str:
    return hmac.new(svc.keys.token_key, token.encode(), hashlib.sha256).hexdigest()


def issue_token(
    session: Session, svc: Services, *, organisation: str, role: Role,
    municipality_code: str | None = None, scope_id: int | None = None,
    token: str | None = None,
) -> str:
    """Make a token for an organisation; only its hash is kept. Returns the token once."""
    token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(organisation=organisation, role=role.value,
                         token_hash=_hash(svc, token), municipality_code=municipality_code,
                         scope_id=scope_id, created_at=svc.clock.now()))
    session.flush()
    return token


def demo_token(svc: Services, organisation: str) -> str:
    """A dev-mode token derived from the dev key, so `make serve` can show it every start."""
    digest = hmac.new(svc.keys.token_key, b"demo:" + organisation.encode(), hashlib.sha256)
    return TOKEN_PREFIX + "demo_" + digest.hexdigest()[:32]


def authenticate(session: Session, svc: Services, token: str) -> Caller:
    """The caller behind a bearer token, or ``Unauthenticated``."""
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == _hash(svc, token))
    ).first()
    if row is None or row.revoked:
        raise Unauthenticated("The API token is unknown or revoked.",
                              "APIトークンが無効です。")
    return Caller(name=row.organisation, role=Role(row.role),
                  municipality_code=row.municipality_code, scope_id=row.scope_id)
