"""利用者の申請と審査 — services apply to sign people in with the card; the card centre reviews.

A service applies with its name, its purpose, its redirect URIs (registered exactly, compared
exactly) and the scopes it wants, and how it will authenticate at the token endpoint: its
public keys (``private_key_jwt``, a JWKS) or, in the sandbox, a secret shown once and kept
only as a keyed hash (``client_secret_basic``). Until the card centre approves it, nobody can
sign in to it; the centre approves all or part of the scopes asked, refuses, or suspends an
approved service (its tokens stop working at once).
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_oidc import OidcClient, OidcToken
from mynumber.domain.access import Role
from mynumber.domain.errors import Conflict, InvalidInput, NotFound, invalid
from mynumber.domain.oidc import (
    OPENID,
    ClientAuthMethod,
    ClientStatus,
    check_redirect_uri,
    check_scopes,
    scope_list,
)
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import require_role

NAME_MAX = 100
PURPOSE_MAX = 500
REDIRECT_URIS_MAX = 5
PUBLIC_KEY_TYPES = ("RSA", "EC")


@dataclass(frozen=True)
class Application:
    """What a service sends to apply."""

    name: str
    purpose: str
    redirect_uris: Sequence[str]
    scopes: Sequence[str]
    auth_method: ClientAuthMethod
    jwks: dict[str, Any] | None = None


@dataclass(frozen=True)
class ClientView:
    """A service as the card centre and the service see it (never its secret)."""

    client_id: str
    name: str
    purpose: str
    redirect_uris: list[str]
    scopes_asked: list[str]
    scopes_approved: list[str]
    auth_method: str
    status: str
    applied_at: dt.datetime
    reviewed_at: dt.datetime | None


@dataclass(frozen=True)
class Applied:
    """The application's receipt: the client and, for the sandbox's secret, the secret
    itself — shown this once."""

    client: ClientView
    client_secret: str | None


def view(row: OidcClient) -> ClientView:
    return ClientView(
        client_id=row.client_id,
        name=row.name,
        purpose=row.purpose,
        redirect_uris=list(json.loads(row.redirect_uris)),
        scopes_asked=scope_list(row.scopes_asked),
        scopes_approved=scope_list(row.scopes_approved),
        auth_method=row.auth_method,
        status=row.status,
        applied_at=row.applied_at,
        reviewed_at=row.reviewed_at,
    )


def secret_hash(svc: Services, secret: str) -> str:
    """The keyed hash a sandbox secret is kept as (the secret itself is never stored)."""
    return svc.vault.keyed_hash(f"oidc-client-secret\x00{secret}")


def secret_matches(svc: Services, row: OidcClient, secret: str) -> bool:
    return row.secret_hash is not None and hmac.compare_digest(
        row.secret_hash, secret_hash(svc, secret)
    )


def _text(value: str, field: str, limit: int, en: str, ja: str) -> str:
    text = " ".join(value.split())
    if not text or len(text) > limit:
        raise invalid(field, f"{en} (at most {limit} characters).", f"{ja}（{limit}文字以内）。")
    return text


def check_jwks(jwks: dict[str, Any] | None) -> str:
    """A service's public keys (a JWKS of RSA or EC public keys, no private part), as JSON."""
    refusal = invalid(
        "jwks",
        "Give your public keys as a JWKS (RSA or EC public keys only).",
        "公開鍵を JWKS 形式で指定してください（RSA または EC の公開鍵のみ）。",
    )
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        raise refusal
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        raise refusal from None
    if any(k.key_type not in PUBLIC_KEY_TYPES or k.is_private for k in keys.keys):
        raise refusal
    return json.dumps(keys.as_dict(private=False), sort_keys=True)


def apply(session: Session, svc: Services, *, application: Application) -> Applied:
    """A service's application (利用申請): kept as ``applied`` until the card centre reviews it."""
    name = _text(application.name, "name", NAME_MAX, "Give the service's name", "サービス名を入力")
    purpose = _text(
        application.purpose,
        "purpose",
        PURPOSE_MAX,
        "Say what the service uses it for",
        "利用目的を入力",
    )
    uris = [check_redirect_uri(u) for u in application.redirect_uris]
    if not uris or len(uris) > REDIRECT_URIS_MAX or len(set(uris)) != len(uris):
        raise invalid(
            "redirect_uris",
            f"Give 1 to {REDIRECT_URIS_MAX} different redirect URIs.",
            f"リダイレクトURIを1〜{REDIRECT_URIS_MAX}件（重複なし）指定してください。",
        )
    scopes = check_scopes(application.scopes)
    jwks, secret = None, None
    if application.auth_method is ClientAuthMethod.PRIVATE_KEY_JWT:
        jwks = check_jwks(application.jwks)
    elif application.jwks is not None:
        raise invalid(
            "jwks",
            "A sandbox client (client_secret_basic) sends no keys.",
            "サンドボックス用クライアント（client_secret_basic）は公開鍵を送りません。",
        )
    else:
        secret = secrets.token_urlsafe(32)
    now = svc.clock.now()
    row = OidcClient(
        client_id="rp_" + secrets.token_urlsafe(24),
        name=name,
        purpose=purpose,
        redirect_uris=json.dumps(uris),
        scopes_asked=" ".join(scopes),
        scopes_approved="",
        auth_method=application.auth_method.value,
        jwks=jwks,
        secret_hash=secret_hash(svc, secret) if secret else None,
        status=ClientStatus.APPLIED.value,
        applied_at=now,
    )
    session.add(row)
    session.flush()
    return Applied(view(row), secret)


def _client(session: Session, client_id: str, *, lock: bool = False) -> OidcClient:
    query = select(OidcClient).where(OidcClient.client_id == client_id[:40])
    row = session.scalars(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound(
            "No service has this client ID.", "このクライアントIDのサービスはありません。"
        )
    return row


def list_clients(session: Session, *, caller: Caller) -> list[ClientView]:
    """Every service that applied, newest first (the card centre's review queue)."""
    require_role(caller, Role.CARD_CENTRE)
    rows = session.scalars(select(OidcClient).order_by(OidcClient.applied_at.desc()))
    return [view(r) for r in rows]


def review(
    session: Session,
    svc: Services,
    *,
    caller: Caller,
    client_id: str,
    decision: ClientStatus,
    scopes: Sequence[str] | None = None,
) -> ClientView:
    """The card centre's decision on a service: approve (all the scopes asked, or the part
    given), refuse, or suspend. Suspending or refusing revokes its tokens at once; approving
    again is allowed (the same answer)."""
    require_role(caller, Role.CARD_CENTRE)
    row = _client(session, client_id, lock=True)
    now = svc.clock.now()
    if decision is ClientStatus.APPROVED:
        asked = scope_list(row.scopes_asked)
        given = check_scopes(scopes) if scopes else asked
        beyond = sorted(set(given) - set(asked))
        if beyond:
            raise InvalidInput(
                f"The service did not ask for {', '.join(beyond)}.",
                f"このサービスは {', '.join(beyond)} を申請していません。",
                field="scopes",
            )
        row.scopes_approved = " ".join(scope_list([OPENID, *given]))
    elif decision is ClientStatus.APPLIED:
        raise Conflict(
            "Choose approve, refuse or suspend.", "承認・却下・停止のいずれかを選んでください。"
        )
    else:
        row.scopes_approved = ""
        session.execute(
            update(OidcToken)
            .where(OidcToken.client_id == row.client_id, OidcToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    row.status, row.reviewed_at, row.reviewed_by = decision.value, now, caller.name
    session.flush()
    audit.record(
        session,
        caller=caller,
        action=f"oidc_client_{decision.value}",
        at=now,
        detail=f"{row.client_id}: {row.scopes_approved or '-'}",
    )
    return view(row)


def approved_client(session: Session, client_id: str | None) -> OidcClient | None:
    """The service with ``client_id`` if the card centre approved it, else ``None``."""
    if not client_id or len(client_id) > 40:
        return None
    row = session.get(OidcClient, client_id)
    if row is None or row.status != ClientStatus.APPROVED.value:
        return None
    return row


def any_client(session: Session, client_id: str | None) -> OidcClient | None:
    """The service with ``client_id`` whatever its review, else ``None``."""
    if not client_id or len(client_id) > 40:
        return None
    return session.get(OidcClient, client_id)
