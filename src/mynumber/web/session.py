"""The browser session, kept on the server: the cookie carries only a random id.

The row (``browser_sessions``, see ``services.core.staff``) holds who is logged in — a clerk,
or a resident who logged in to the My Number Portal with their card — and the messages for
the next page. The cookie never holds an API token, a name or a My Number: only
``secrets.token_urlsafe(32)``, HttpOnly, SameSite=Strict, Secure over https. The id changes
at every login (an id planted in a browser before the login is worth nothing after it) and
at logout, which deletes the row, so an old cookie no longer works. Sessions lapse after
idle and absolute times (``staff.LIFETIMES``), read on the system's clock.

A visitor who is not logged in has an id (CSRF tokens are bound to it) but no row until a
message must wait for the next page. Every state-changing form carries a CSRF token: an HMAC
of the session id under a key derived from the token key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from mynumber.domain.errors import Filled
from mynumber.services.core import staff
from mynumber.services.core.context import Caller
from mynumber.services.core.staff import StaffLogin

if TYPE_CHECKING:
    from mynumber.bootstrap import System

COOKIE = "mynumber_session"


@dataclass(frozen=True)
class ResidentLogin:
    """A resident logged in to the My Number Portal with their card."""

    person_id: int
    card_serial: str
    name: str


def derive_key(token_key: bytes) -> bytes:
    """The CSRF key: derived from (never equal to) the API token key."""
    return hmac.new(token_key, b"mynumber web session v1", hashlib.sha256).digest()


def new_id() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class WebSession:
    """One request's view of the session; ``load`` and ``save`` move it to and from the
    database."""

    session_id: str | None = None
    """The id the cookie carries (made on first use for a new visitor)."""
    data: dict[str, Any] = field(default_factory=dict)
    staff_login: StaffLogin | None = None
    resident_login: ResidentLogin | None = None
    stored: bool = False
    """Whether the database has a row for ``session_id``."""
    last_seen_at: Any = None
    cookie_changed: bool = False
    data_changed: bool = False
    ended: list[str] = field(default_factory=list)
    """Ids whose rows are deleted when the request ends (logout, rotation, lapse)."""

    @property
    def caller(self) -> Caller | None:
        """The logged-in clerk's caller."""
        return None if self.staff_login is None else self.staff_login.caller

    @property
    def sid(self) -> str:
        """The session's random id, made on first use (CSRF tokens are bound to it)."""
        if self.session_id is None:
            self.session_id, self.cookie_changed = new_id(), True
        return self.session_id

    def _rotate(self) -> None:
        if self.session_id is not None and self.stored:
            self.ended.append(self.session_id)
        self.session_id, self.cookie_changed, self.stored = new_id(), True, False
        self.staff_login = self.resident_login = None
        self.data, self.data_changed = {}, True

    def log_in_staff(self, login: StaffLogin) -> None:
        """A clerk logged in: a new session (new id), the old one ended."""
        self._rotate()
        self.staff_login = login

    def log_in_resident(self, login: ResidentLogin) -> None:
        """The portal login: a new session (new id) holding the resident, not a token."""
        self._rotate()
        self.resident_login = login

    def resident(self) -> ResidentLogin | None:
        """The resident logged in to the portal (the lifetimes are checked on loading)."""
        return self.resident_login

    def log_out(self) -> None:
        """End the session: its row is deleted, so its cookie no longer works."""
        self._rotate()

    @property
    def kind(self) -> str:
        if self.staff_login is not None:
            return "staff"
        return "resident" if self.resident_login is not None else "visitor"

    def flash(self, en: str, ja: str, kind: str = "success", **values: object) -> None:
        """A message shown once, on the next page: its pair and ``{placeholder}`` values
        are kept, so the page says it in the reader's language (``mynumber.i18n``)."""
        if isinstance(en, Filled):  # an error's message filled with values
            values = dict(en.values)
            en, ja = en.template, ja.template if isinstance(ja, Filled) else ja
        kept = {name: _json_value(value) for name, value in values.items()}
        self.data.setdefault("flash", []).append([kind, en, ja, kept])
        self.data_changed = True

    def pop_flashes(self) -> list[tuple[str, str, str, dict[str, object]]]:
        items = self.data.pop("flash", [])
        if items:
            self.data_changed = True
        return [
            (str(k), str(e), str(j), {n: _from_json(v) for n, v in (rest or [{}])[0].items()})
            for k, e, j, *rest in items
        ]


def load(system: System, cookie: str | None) -> WebSession:
    """The session the cookie names. A lapsed one is ended and replaced by a new visitor's;
    an unknown id is a visitor's (no row yet)."""
    if not cookie or len(cookie) > 100:
        return WebSession()
    # One SELECT on a bare connection of the reading engine, not a unit of work: the same
    # BEGIN, SELECT and rollback, without an ORM session made, begun and closed around them
    # on every page (~a third of this read's CPU).
    with system.read_connection() as conn:
        found = staff.find_session(conn, system.services, cookie)
    if found is None:
        return WebSession(session_id=cookie)
    if found.expired:
        return WebSession(session_id=new_id(), cookie_changed=True, ended=[cookie])
    resident = (
        ResidentLogin(found.person_id, found.card_serial, found.name)
        if found.kind == "resident"
        and found.person_id is not None
        and found.card_serial is not None
        else None
    )
    return WebSession(
        session_id=cookie,
        data=found.data,
        staff_login=found.staff,
        resident_login=resident,
        stored=True,
        last_seen_at=found.last_seen_at,
    )


class _Plan(NamedTuple):
    """What ``save`` does with a request's session."""

    keep: bool  # the row stays (a clerk's or resident's, or a visitor's with data)
    write: bool  # inserted, or updated (changed, or its last use due to be touched)
    drop: bool  # a visitor's stored row, emptied
    ends: bool  # sessions ended by the request (a logout, a lapsed one)

    @property
    def anything(self) -> bool:
        return self.ends or self.write or self.drop


def _plan(system: System, sess: WebSession) -> _Plan:
    keep = sess.kind != "visitor" or bool(sess.data)
    due = (
        sess.stored
        and sess.last_seen_at is not None
        and system.services.clock.now() - sess.last_seen_at >= staff.TOUCH_EVERY
    )
    write = keep and (not sess.stored or sess.data_changed or due)
    return _Plan(keep, write, sess.stored and not keep, bool(sess.ended))


def unsaved(system: System, sess: WebSession) -> bool:
    """Whether ``save`` has anything to write (most requests leave the session as it was:
    the route class then needs no worker thread to save it)."""
    return _plan(system, sess).anything


def save(system: System, sess: WebSession) -> None:
    """Write back what changed: ended rows deleted, the current one inserted or updated
    (its last use at most every ``staff.TOUCH_EVERY``), a visitor's emptied row deleted."""
    svc = system.services
    plan = _plan(system, sess)
    if not plan.anything:
        return
    with system.uow() as uow:
        for ended in sess.ended:
            staff.end_session(uow.session, ended)
        if plan.drop:
            staff.end_session(uow.session, sess.sid)
        elif plan.write:
            resident = sess.resident_login
            staff.save_session(
                uow.session,
                svc,
                sess.sid,
                new=not sess.stored,
                kind=sess.kind,
                data=sess.data,
                clerk_id=sess.caller.clerk_id if sess.caller is not None else None,
                person_id=resident.person_id if resident else None,
                card_serial=resident.card_serial if resident else None,
                name=resident.name if resident else "",
            )
        if sess.ended:
            staff.purge_lapsed(uow.session, svc)
        uow.commit()
    sess.ended, sess.stored, sess.data_changed = [], plan.keep, False


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def csrf_token(key: bytes, session: WebSession) -> str:
    """The CSRF token for forms on this session."""
    return _b64(hmac.new(key, b"csrf:" + session.sid.encode(), hashlib.sha256).digest())


def csrf_ok(key: bytes, session: WebSession, token: str) -> bool:
    if session.session_id is None or session.cookie_changed or not token:
        return False
    return hmac.compare_digest(token, csrf_token(key, session))


_DATE_MARK = "date:"


def _json_value(value: object) -> object:
    """A flash value as the session's JSON keeps it (a date marked, to be written in the
    reader's language when shown)."""
    if isinstance(value, dt.date):
        return {_DATE_MARK: value.isoformat()}
    return value if isinstance(value, int | float) else str(value)


def _from_json(value: object) -> object:
    if isinstance(value, dict) and _DATE_MARK in value:
        return dt.date.fromisoformat(str(value[_DATE_MARK]))
    return value
