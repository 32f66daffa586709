"""The browser session: a signed cookie holding the staff member's API token, flash messages
and a random id that CSRF tokens are bound to.

Signed (HMAC-SHA256) with a key derived from the token key, so a session cannot be forged
or altered; not encrypted — it holds only what the staff member pasted in themselves. The
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
