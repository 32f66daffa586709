"""API tokens for machines (a clinic terminal, an insurer's batch, an employer's payroll
system): per organisation, bound to its role, stored as keyed hashes.

A token may expire (``expires_at``) and is revoked at a time (``revoked_at``); rotating one
issues its successor with the same organisation and lifetime and revokes it. People never use
a token: clerks log in with their own login and password (``services.core.staff``).

The API remembers a token's caller for ``api.deps.TOKEN_CACHE_SECONDS`` (10 s): a token
revoked or expired by another process (``mynumber tokens revoke``) stops working at the
latest that long after; the web pages do not cache and refuse it at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import ApiToken
from mynumber.adapters.db.models_staff import Organisation
from mynumber.domain.access import Role
from mynumber.domain.errors import Conflict, NotFound, Unauthenticated, invalid
from mynumber.services.core.context import Caller, Services

TOKEN_PREFIX = "mnt_"
DEFAULT_LIFETIME = dt.timedelta(days=90)
"""What ``mynumber tokens issue`` gives a token unless told otherwise *(policy)*."""
MAX_LIFETIME = dt.timedelta(days=3 * 366)
"""No token is issued for longer *(policy)*: a forgotten machine's token lapses by itself."""


def _hash(svc: Services, token: str) -> str:
    return hmac.new(svc.keys.token_key, token.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """A token as ``mynumber tokens list`` shows it: never the token itself."""

    id: int
    organisation: str
    role: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def status(self, now: dt.datetime) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


@dataclass(frozen=True)
class IssuedToken:
    """A new token: shown once, only its hash is kept."""

    id: int
    token: str
    expires_at: dt.datetime | None


def organisation_for(
    session: Session,
    svc: Services,
    *,
    name: str,
    role: Role,
    municipality_code: str | None = None,
    scope_id: int | None = None,
) -> Organisation:
    """The organisation with exactly these properties, made if there is none yet."""
    found = session.scalars(
        select(Organisation)
        .where(
            Organisation.name == name,
            Organisation.role == role.value,
            Organisation.municipality_code.is_(None)
            if municipality_code is None
            else Organisation.municipality_code == municipality_code,
            Organisation.scope_id.is_(None)
            if scope_id is None
            else Organisation.scope_id == scope_id,
        )
        .order_by(Organisation.id)
    ).first()
    if found is None:
        found = Organisation(
            name=name,
            role=role.value,
            municipality_code=municipality_code,
            scope_id=scope_id,
            created_at=svc.clock.now(),
        )
        session.add(found)
        session.flush()
    return found


def issue_token(
    session: Session,
    svc: Services,
    *,
    organisation: str,
    role: Role,
    municipality_code: str | None = None,
    scope_id: int | None = None,
    token: str | None = None,
    expires_at: dt.datetime | None = None,
) -> str:
    """Make a token for an organisation (made if new); only its hash is kept. Returns the
    token once. Without ``expires_at`` it does not expire (the demo's and internal ones)."""
    org = organisation_for(
        session,
        svc,
        name=organisation,
        role=role,
        municipality_code=municipality_code,
        scope_id=scope_id,
    )
    return _issue(session, svc, org, token=token, expires_at=expires_at).token


def _issue(
    session: Session,
    svc: Services,
    org: Organisation,
    *,
    token: str | None = None,
    expires_at: dt.datetime | None = None,
) -> IssuedToken:
    token = token or TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        organisation=org.name,
        role=org.role,
        token_hash=_hash(svc, token),
        municipality_code=org.municipality_code,
        scope_id=org.scope_id,
        organisation_id=org.id,
        created_at=svc.clock.now(),
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    return IssuedToken(row.id, token, expires_at)


def issue_for(
    session: Session,
    svc: Services,
    *,
    organisation: Organisation,
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
) -> IssuedToken:
    """A machine's token for ``organisation``, expiring after ``lifetime``."""
    if lifetime <= dt.timedelta(0) or lifetime > MAX_LIFETIME:
        raise invalid(
            "expires_in",
            "A token lives more than a moment and at most 3 years.",
            "トークンの有効期間は0より長く、3年以内にしてください。",
        )
    return _issue(session, svc, organisation, expires_at=svc.clock.now() + lifetime)


_LIFETIME = re.compile(r"^\s*(\d{1,5})\s*([dhm])\s*$")


def parse_lifetime(text: str) -> dt.timedelta:
    """``90d``, ``12h`` or ``30m`` as a time span, or ``InvalidInput``."""
    found = _LIFETIME.match(text.lower())
    if not found:
        raise invalid(
            "expires_in",
            f"'{text[:20]}' is not a lifetime: write e.g. 90d, 12h or 30m.",
            f"「{text[:20]}」は期間ではありません（例: 90d, 12h, 30m）。",
        )
    amount, unit = int(found.group(1)), found.group(2)
    return {
        "d": dt.timedelta(days=amount),
        "h": dt.timedelta(hours=amount),
        "m": dt.timedelta(minutes=amount),
    }[unit]


def demo_token(svc: Services, organisation: str) -> str:
    """A dev-mode token derived from the dev key, so `make serve` can show it every start."""
    digest = hmac.new(svc.keys.token_key, b"demo:" + organisation.encode(), hashlib.sha256)
    return TOKEN_PREFIX + "demo_" + digest.hexdigest()[:32]


def authenticate(session: Session, svc: Services, token: str) -> Caller:
    """The caller behind a bearer token, or ``Unauthenticated`` (unknown, revoked or
    expired: the same answer, so a refusal tells nothing about other tokens)."""
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == _hash(svc, token))).first()
    if (
        row is None
        or row.revoked
        or row.revoked_at is not None
        or (row.expires_at is not None and row.expires_at <= svc.clock.now())
    ):
        raise Unauthenticated(
            "The API token is unknown, expired or revoked.",
            "APIトークンが無効です（不明・期限切れ・失効）。",
        )
    return Caller(
        name=row.organisation,
        role=Role(row.role),
        municipality_code=row.municipality_code,
        scope_id=row.scope_id,
    )


def list_tokens(session: Session) -> list[TokenInfo]:
    """Every token, oldest first (revoked and expired ones too, for the record)."""
    rows = session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    return [
        TokenInfo(
            r.id,
            r.organisation,
            r.role,
            r.created_at,
            r.expires_at,
            r.revoked_at if r.revoked_at is not None or not r.revoked else r.created_at,
        )
        for r in rows
    ]


def _live(session: Session, svc: Services, token_id: int) -> ApiToken:
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"No API token {token_id}.", f"APIトークン {token_id} はありません。")
    if row.revoked or row.revoked_at is not None:
        raise Conflict(
            f"API token {token_id} is already revoked.", f"APIトークン {token_id} は失効済みです。"
        )
    return row


def revoke_token(session: Session, svc: Services, *, token_id: int) -> None:
    """Revoke a token now (``Conflict`` if it already is)."""
    row = _live(session, svc, token_id)
    row.revoked, row.revoked_at = True, svc.clock.now()
    session.flush()


def rotate_token(session: Session, svc: Services, *, token_id: int) -> IssuedToken:
    """A successor for a token (same organisation, same lifetime from now); the old one is
    revoked at once, so the machine must be given the new one before it next calls."""
    row = _live(session, svc, token_id)
    now = svc.clock.now()
    lifetime = None if row.expires_at is None else row.expires_at - row.created_at
    org = (
        session.get(Organisation, row.organisation_id) if row.organisation_id is not None else None
    ) or organisation_for(
        session,
        svc,
        name=row.organisation,
        role=Role(row.role),
        municipality_code=row.municipality_code,
        scope_id=row.scope_id,
    )
    row.revoked, row.revoked_at = True, now
    session.flush()
    return _issue(session, svc, org, expires_at=None if lifetime is None else now + lifetime)
