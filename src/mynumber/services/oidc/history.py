"""The holder's view: every service they signed in to or shared data with, and revocation.

The portal lists each service with each sign-in (when, which scopes); revoking a service's
consent revokes its live access tokens at once (userinfo answers ``invalid_token``) and marks
the sign-ins revoked. The service must ask again, and the holder consent again at the card,
for anything more. Both are the holder's own record: the policy is asked (``self``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_oidc import OidcClient, OidcGrant, OidcToken
from mynumber.domain.access import Purpose
from mynumber.domain.errors import NotFound, Unauthenticated
from mynumber.domain.oidc import scope_list
from mynumber.domain.policy import Action
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import Subject, authorise


@dataclass(frozen=True)
class SignIn:
    """One sign-in: when, which scopes, and whether the holder revoked it since."""

    at: dt.datetime
    scopes: list[str]
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class ServiceUse:
    """A service the holder signed in to, with every sign-in, newest first."""

    client_id: str
    name: str
    purpose: str
    sign_ins: list[SignIn]

    @property
    def active(self) -> bool:
        return any(s.revoked_at is None for s in self.sign_ins)


def _own(caller: Caller) -> int:
    if caller.scope_id is None:
        raise Unauthenticated(
            "Log in to the portal with your card first.",
            "先にマイナンバーカードでマイナポータルにログインしてください。",
        )
    return caller.scope_id


def services_used(session: Session, svc: Services, *, caller: Caller) -> list[ServiceUse]:
    """Every service the caller signed in to with the card (audited as a read of their record)."""
    person_id = _own(caller)
    authorise(
        session, svc, caller, Action.SHARE_WITH_SERVICE, Subject(person_id), Purpose.OWN_RECORD
    )
    rows = session.execute(
        select(OidcGrant, OidcClient)
        .join(OidcClient, OidcClient.client_id == OidcGrant.client_id)
        .where(OidcGrant.person_id == person_id)
        .order_by(OidcGrant.granted_at.desc(), OidcGrant.id.desc())
    ).all()
    found: dict[str, ServiceUse] = {}
    for grant, client in rows:
        use = found.setdefault(
            client.client_id, ServiceUse(client.client_id, client.name, client.purpose, [])
        )
        use.sign_ins.append(SignIn(grant.granted_at, scope_list(grant.scope), grant.revoked_at))
    return list(found.values())


def revoke_service(session: Session, svc: Services, *, caller: Caller, client_id: str) -> int:
    """Withdraw the consent given to a service: its tokens stop working now. How many
    sign-ins were still in force."""
    person_id = _own(caller)
    authorise(
        session, svc, caller, Action.SHARE_WITH_SERVICE, Subject(person_id), Purpose.OWN_RECORD
    )
    now = svc.clock.now()
    revoked = session.execute(
        update(OidcGrant)
        .where(
            OidcGrant.person_id == person_id,
            OidcGrant.client_id == client_id[:40],
            OidcGrant.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    ).rowcount  # type: ignore[attr-defined]
    if not revoked:
        raise NotFound(
            "You have no consent in force with this service.",
            "このサービスへの同意はありません。",
        )
    session.execute(
        update(OidcToken)
        .where(
            OidcToken.person_id == person_id,
            OidcToken.client_id == client_id[:40],
            OidcToken.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    audit.record(
        session,
        caller=caller,
        action="oidc_consent_revoked",
        person_id=person_id,
        purpose=Purpose.OWN_RECORD,
        at=now,
        detail=client_id[:40],
    )
    return int(revoked)
