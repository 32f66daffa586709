"""The provider's ID-token signing keys (RS256, RSA 2048) and their rotation.

RS256 because OpenID Connect Discovery requires every provider to support it (relying
parties may count on nothing else).

One key signs at a time. ``rotate`` makes a new one and retires the old; a retired key stays
in the JWKS until every ID token it signed has expired (``domain.oidc.key_published_until``),
so a relying party that fetched the JWKS before the rotation, or that holds a token signed just
before it, can still verify. The private half is sealed at rest under the master key's sealing
versions (``domain.key_versions``), bound to its ``kid``, as My Numbers and the chips' keys are;
``mynumber keys rotate`` re-seals it with them.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models_oidc import OidcSigningKey
from mynumber.domain import key_versions
from mynumber.domain.oidc import key_published_until
from mynumber.services.core.context import Services

ALGORITHM = "RS256"


def context(kid: str) -> bytes:
    """What a sealed signing key is bound to (a key copied under another kid does not open)."""
    return f"oidc/signing-key/{kid}".encode()


@dataclass(frozen=True)
class SigningKey:
    """The key that signs now: its id and the joserfc key (private)."""

    kid: str
    key: RSAKey


def _new_key(svc: Services) -> OidcSigningKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # The key object we just generated, not the PEM parsed back: ``RSAKey.import_key`` would
    # run the RSA private key's consistency check (~50 ms of CPU) on a key made a moment ago.
    # The same JWK and thumbprint either way.
    key = RSAKey(private, pem)
    kid = key.thumbprint()
    public = key.as_dict(private=False)
    public.update(kid=kid, use="sig", alg=ALGORITHM)
    return OidcSigningKey(
        kid=kid,
        alg=ALGORITHM,
        private_key_sealed=key_versions.seal(svc.keys.data_keys, pem, context(kid)),
        public_jwk=json.dumps(public, sort_keys=True),
        created_at=svc.clock.now(),
    )


def _current_row(session: Session) -> OidcSigningKey | None:
    return session.scalars(
        select(OidcSigningKey)
        .where(OidcSigningKey.retired_at.is_(None))
        .order_by(OidcSigningKey.created_at.desc())
    ).first()


def current(session: Session, svc: Services) -> SigningKey:
    """The key that signs now (made on first use)."""
    row = _current_row(session)
    if row is None:
        row = _new_key(svc)
        session.add(row)
        session.flush()
    _, pem = key_versions.open_sealed(svc.keys.data_keys, row.private_key_sealed, context(row.kid))
    # The GCM tag proves we sealed these bytes from a valid key (as the chips' keys,
    # card/sealing.py), so the RSA private key's consistency check (~30-60 ms, twice for each
    # ID token: its header and its signature) would buy nothing.
    private = serialization.load_pem_private_key(pem, None, unsafe_skip_rsa_key_validation=True)
    assert isinstance(private, rsa.RSAPrivateKey)
    return SigningKey(row.kid, RSAKey(private, pem, {"kid": row.kid}))


@dataclass(frozen=True)
class Rotation:
    """What ``rotate`` did: the new key and the old one, published until when."""

    new_kid: str
    old_kid: str | None
    old_published_until: dt.datetime | None


def rotate(session: Session, svc: Services) -> Rotation:
    """A new signing key; the old one retires but stays in the JWKS until its tokens expire."""
    now = svc.clock.now()
    old = _current_row(session)
    until = None
    if old is not None:
        until = key_published_until(now)
        old.retired_at, old.published_until = now, until
    new = _new_key(svc)
    session.add(new)
    session.flush()
    return Rotation(new.kid, old.kid if old else None, until)


def jwks(session: Session, svc: Services) -> dict[str, Any]:
    """The public keys a relying party verifies ID tokens with: the current key and every
    retired key whose tokens may still be live."""
    current(session, svc)
    now = svc.clock.now()
    rows = session.scalars(
        select(OidcSigningKey)
        .where(or_(OidcSigningKey.retired_at.is_(None), OidcSigningKey.published_until >= now))
        .order_by(OidcSigningKey.created_at.desc())
    )
    return {"keys": [json.loads(r.public_jwk) for r in rows]}
