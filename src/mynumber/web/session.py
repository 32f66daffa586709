"""The browser session: a signed cookie holding the staff member's API token — or, for the My
Number Portal, the resident who logged in with their card — flash messages and a random id
that CSRF tokens are bound to.

Signed (HMAC-SHA256) with a key derived from the token key, so a session cannot be forged
or altered; not encrypted — it holds only what the staff member pasted in themselves, or the
resident's own record id, card serial and name (never a My Number nor a PIN). The
cookie is HttpOnly and SameSite=Lax, and lapses after ``MAX_AGE``; every state-changing form
also carries a CSRF token bound to the session id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

COOKIE = "mynumber_session"
MAX_AGE = 8 * 3600  # one working day at the counter
RESIDENT_MAX_AGE = 60 * 60  # a portal login lapses sooner (a shared or lost phone)


@dataclass(frozen=True)
class ResidentLogin:
    """A resident logged in to the My Number Portal with their card."""

    person_id: int
    card_serial: str
    name: str


def derive_key(token_key: bytes) -> bytes:
    """The session-signing key: derived from (never equal to) the API token key."""
    return hmac.new(token_key, b"mynumber web session v1", hashlib.sha256).digest()


@dataclass
class WebSession:
    """What the cookie carries; ``modified`` says whether it must be written back."""

    data: dict[str, Any] = field(default_factory=dict)
    modified: bool = False

    @property
    def token(self) -> str | None:
        token = self.data.get("token")
        return token if isinstance(token, str) else None

    def log_in(self, token: str) -> None:
        self.data = {"token": token, "sid": secrets.token_urlsafe(16)}
        self.modified = True

    def log_in_resident(self, login: ResidentLogin, *, now: float | None = None) -> None:
        """The portal login: a new session (new id) holding the resident, not a token."""
        self.data = {"resident": {"person_id": login.person_id, "card": login.card_serial,
                                  "name": login.name, "since": int(now or time.time())},
                     "sid": secrets.token_urlsafe(16)}
        self.modified = True

    def resident(self, *, now: float | None = None) -> ResidentLogin | None:
        """The resident logged in to the portal, unless the login is older than
        ``RESIDENT_MAX_AGE``."""
        found = self.data.get("resident")
        if not isinstance(found, dict):
            return None
        try:
            login = ResidentLogin(int(found["person_id"]), str(found["card"]),
                                  str(found["name"]))
            since = int(found["since"])
        except (KeyError, TypeError, ValueError):
            return None
        if (now or time.time()) - since > RESIDENT_MAX_AGE:
            return None
        return login

    def log_out(self) -> None:
        self.data = {"sid": secrets.token_urlsafe(16)}
        self.modified = True

    @property
    def sid(self) -> str:
        """The session's random id, made on first use (CSRF tokens are bound to it)."""
        if not isinstance(self.data.get("sid"), str):
            self.data["sid"] = secrets.token_urlsafe(16)
            self.modified = True
        return str(self.data["sid"])

    def flash(self, en: str, ja: str, kind: str = "success") -> None:
        """A message shown once, on the next page."""
        self.data.setdefault("flash", []).append([kind, en, ja])
        self.modified = True

    def pop_flashes(self) -> list[tuple[str, str, str]]:
        items = self.data.pop("flash", [])
        if items:
            self.modified = True
        return [(str(k), str(e), str(j)) for k, e, j in items]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def dumps(key: bytes, session: WebSession, *, now: float | None = None) -> str:
    """The cookie value: payload and issue time, then their signature."""
    body = _b64(json.dumps({"d": session.data, "t": int(now or time.time())},
                           separators=(",", ":")).encode())
    return body + "." + _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def loads(key: bytes, cookie: str | None, *, now: float | None = None) -> WebSession:
    """The session in ``cookie``; an empty one if it is missing, forged, altered or stale."""
    if not cookie or "." not in cookie:
        return WebSession()
    body, signature = cookie.rsplit(".", 1)
    expected = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(signature, expected):
        return WebSession()
    try:
        payload = json.loads(_unb64(body))
        data, issued = payload["d"], int(payload["t"])
    except (ValueError, KeyError, TypeError):
        return WebSession()
    if not isinstance(data, dict) or (now or time.time()) - issued > MAX_AGE:
        return WebSession()
    return WebSession(data=data)


def csrf_token(key: bytes, session: WebSession) -> str:
    """The CSRF token for forms on this session."""
    return _b64(hmac.new(key, b"csrf:" + session.sid.encode(), hashlib.sha256).digest())


def csrf_ok(key: bytes, session: WebSession, token: str) -> bool:
    sid = session.data.get("sid")
    if not isinstance(sid, str) or not token:
        return False
    return hmac.compare_digest(token, csrf_token(key, session))
