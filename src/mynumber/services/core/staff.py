"""Staff are people, not offices: organisations, their clerks and the browser sessions.

Each clerk (事務取扱担当者 at an employer, counter staff at a ward office, reception at a
clinic…) has their own login and password, kept as an Argon2id hash (``argon2-cffi``); the
audit log names the clerk beside the organisation. API tokens stay for machines
(``services.core.tokens``).

A browser session lives in the ``browser_sessions`` table, found by the SHA-256 of the random
id its cookie carries; it lapses after a time without use (idle) and after a fixed time
whatever the use (absolute), and logging out deletes it. Lifetimes *(policy)*:

==========  =========  ===========  ===============================================
kind        idle       absolute     why
==========  =========  ===========  ===============================================
staff       30 min     8 h          a working day at the counter, not an unattended screen
resident    15 min     1 h          the portal on a shared or lost phone
visitor     30 min     8 h          only messages for the next page (no login)
==========  =========  ===========  ===============================================
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Table, bindparam, delete, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import Municipality
from mynumber.adapters.db.models_staff import BrowserSession, Clerk, Organisation
from mynumber.domain.access import Role
from mynumber.domain.errors import Conflict, NotFound, Unauthenticated, invalid
from mynumber.services.core import audit
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.writes import flush_or_conflict

log = logging.getLogger("mynumber.staff")

HASHER = PasswordHasher()
"""Argon2id with the library's defaults (~185 ms a check here): fine for a login, never on a
per-request path. Tests swap in a cheaper one."""
MIN_PASSWORD = 12
MAX_PASSWORD = 256  # Argon2 takes any length; a megabyte "password" is only a way to burn CPU
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


@dataclass(frozen=True)
class Lifetime:
    idle: dt.timedelta
    absolute: dt.timedelta


LIFETIMES = {
    "staff": Lifetime(dt.timedelta(minutes=30), dt.timedelta(hours=8)),
    "resident": Lifetime(dt.timedelta(minutes=15), dt.timedelta(hours=1)),
    "visitor": Lifetime(dt.timedelta(minutes=30), dt.timedelta(hours=8)),
}
TOUCH_EVERY = dt.timedelta(minutes=1)
"""A session's last use is written at most this often (not on every page view)."""


# --- Organisations and clerks ---------------------------------------------------------------


def add_organisation(
    session: Session,
    svc: Services,
    *,
    name: str,
    role: Role,
    municipality_code: str | None = None,
    scope_id: int | None = None,
) -> Organisation:
    """A new organisation (``Conflict`` if one with this name and role exists)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise invalid(
            "name",
            "Give the organisation's name (at most 100 characters).",
            "組織名を入力してください（100文字以内）。",
        )
    if role is Role.RESIDENT:
        raise invalid("role", "Residents are not an organisation.", "住民は組織ではありません。")
    if role is Role.WARD_OFFICE and not municipality_code:
        raise invalid(
            "municipality_code",
            "A ward office needs its 6-digit municipality code.",
            "市区町村には6桁の地方公共団体コードが必要です。",
        )
    if municipality_code is not None and session.get(Municipality, municipality_code) is None:
        raise NotFound(
            f"No municipality {municipality_code[:10]}.",
            f"地方公共団体 {municipality_code[:10]} はありません。",
            field="municipality_code",
        )
    if (
        session.scalars(
            select(Organisation).where(Organisation.name == name, Organisation.role == role.value)
        ).first()
        is not None
    ):
        raise Conflict(
            f"There is already a {role.value} called {name}.",
            f"{name}（{role.value}）は登録済みです。",
            field="name",
        )
    org = Organisation(
        name=name,
        role=role.value,
        municipality_code=municipality_code,
        scope_id=scope_id,
        created_at=svc.clock.now(),
    )
    session.add(org)
    flush_or_conflict(session)
    return org


def find_organisation(session: Session, ref: str) -> Organisation:
    """The organisation with id or (exact) name ``ref``; ``NotFound`` or ``Conflict`` if
    the name is ambiguous."""
    if ref.isdigit():
        found = session.get(Organisation, int(ref))
        if found is not None:
            return found
    rows = session.scalars(select(Organisation).where(Organisation.name == ref)).all()
    if not rows:
        raise NotFound(
            f"No organisation {ref[:100]!r}.", f"組織「{ref[:100]}」はありません。", field="org"
        )
    if len(rows) > 1:
        raise Conflict(
            f"Several organisations are called {ref[:100]!r}: give the id "
            f"({', '.join(str(r.id) for r in rows)}).",
            f"「{ref[:100]}」という組織が複数あります。IDで指定してください。",
            field="org",
        )
    return rows[0]


def check_password_rule(password: str) -> None:
    """A clerk's password *(policy)*: 12 to 256 characters, not only letters or digits."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise invalid(
            "password",
            f"A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters.",
            f"パスワードは{MIN_PASSWORD}〜{MAX_PASSWORD}文字です。",
        )
    if password.isalpha() or password.isdigit():
        raise invalid(
            "password",
            "A password mixes letters with digits or signs.",
            "パスワードには文字と数字または記号を混ぜてください。",
        )


def add_clerk(
    session: Session,
    svc: Services,
    *,
    organisation: Organisation,
    login: str,
    name: str,
    password: str,
    employer_staff_id: int | None = None,
) -> Clerk:
    """A clerk of ``organisation`` with their own login (``Conflict`` if it is taken).

    An employer's clerk is tied to their staff account (``employer_staff_id``: payroll, HR
    or manager), which says what they may do."""
    login = login.strip().lower()
    if not LOGIN.match(login):
        raise invalid(
            "login",
            "A login has 3 to 64 characters: a-z, 0-9, '.', '_' or '-'.",
            "ログインIDは3〜64文字（a-z, 0-9, . _ -）です。",
        )
    if not name.strip() or len(name.strip()) > 100:
        raise invalid(
            "name",
            "Give the clerk's name (at most 100 characters).",
            "担当者名を入力してください（100文字以内）。",
        )
    check_password_rule(password)
    if organisation.role == Role.EMPLOYER.value and employer_staff_id is None:
        raise invalid(
            "employer_staff",
            "An employer's clerk needs their staff account id (payroll, HR or manager).",
            "事業者の担当者には担当者アカウントIDが必要です。",
        )
    if session.scalars(select(Clerk.id).where(Clerk.login == login)).first() is not None:
        raise Conflict(
            f"The login {login} is taken.", f"ログインID {login} は使用済みです。", field="login"
        )
    clerk = Clerk(
        organisation_id=organisation.id,
        login=login,
        name=name.strip(),
        password_hash=HASHER.hash(password),
        employer_staff_id=employer_staff_id,
        active=True,
        created_at=svc.clock.now(),
    )
    session.add(clerk)
    flush_or_conflict(session)
    audit.record(
        session,
        caller=_admin(organisation),
        action="staff_add_clerk",
        at=svc.clock.now(),
        detail=f"clerk {clerk.id} ({login})",
    )
    return clerk


def deactivate_clerk(session: Session, svc: Services, *, login: str) -> Clerk:
    """A clerk who left: they can no longer log in, and their sessions end now."""
    clerk = session.scalars(select(Clerk).where(Clerk.login == login.strip().lower())).first()
    if clerk is None:
        raise NotFound(
            f"No clerk {login[:64]!r}.", f"担当者「{login[:64]}」はいません。", field="login"
        )
    clerk.active = False
    session.execute(delete(BrowserSession).where(BrowserSession.clerk_id == clerk.id))
    session.flush()
    audit.record(
        session,
        caller=_admin(session.get(Organisation, clerk.organisation_id)),
        action="staff_deactivate_clerk",
        at=svc.clock.now(),
        detail=f"clerk {clerk.id} ({clerk.login})",
    )
    return clerk


def _admin(org: Organisation | None) -> Caller:
    """The administrator's command, recorded as the organisation it changed."""
    if org is None:
        return Caller(name="administrator", role=Role.WARD_OFFICE)
    return Caller(
        name=f"administrator for {org.name}"[:100],
        role=Role(org.role),
        municipality_code=org.municipality_code,
        scope_id=org.scope_id,
    )


def caller_of(clerk: Clerk, org: Organisation) -> Caller:
    """The caller a clerk acts as: their organisation, and themselves."""
    return _clerk_caller(
        org.name, org.role, org.municipality_code, org.scope_id, clerk.id, clerk.login
    )


def _clerk_caller(
    org_name: str,
    org_role: str,
    municipality_code: str | None,
    scope_id: int | None,
    clerk_id: int,
    login: str,
) -> Caller:
    """``caller_of`` from the columns of the clerk's and the organisation's rows."""
    return Caller(
        name=org_name,
        role=Role(org_role),
        municipality_code=municipality_code,
        scope_id=scope_id,
        clerk_id=clerk_id,
        clerk=login,
    )


@dataclass(frozen=True)
class StaffLogin:
    """A clerk who proved their password."""

    caller: Caller
    employer_staff_id: int | None = None


@dataclass(frozen=True)
class LoginAttempt:
    """The answer to a login: ``login`` when it worked, else ``refusal``; either way the
    entry point commits (a refusal of a known login is in the audit log)."""

    login: StaffLogin | None = None
    refusal: Unauthenticated | None = None


_dummy_hash: dict[int, str] = {}


def log_in(session: Session, svc: Services, *, login: str, password: str) -> LoginAttempt:
    """Check a clerk's login and password. A wrong password is recorded in the audit log
    under the clerk's name; an unknown login costs the same time (a dummy check) and is
    only logged, so a refusal says nothing about which logins exist."""
    refusal = Unauthenticated(
        "The login or the password is wrong.",
        "ログインIDまたはパスワードが違います。",
        field="password",
    )
    login = login.strip().lower()
    found = (
        session.execute(
            select(Clerk, Organisation)
            .join(Organisation, Organisation.id == Clerk.organisation_id)
            .where(Clerk.login == login)
        ).first()
        if LOGIN.match(login)
        else None
    )
    if found is None or len(password) > MAX_PASSWORD:
        _verify(_dummy(), password[:MAX_PASSWORD])
        log.warning("staff login refused: unknown login or oversized password")
        return LoginAttempt(refusal=refusal)
    clerk, org = found
    ok = _verify(clerk.password_hash, password)
    if not ok or not clerk.active:
        audit.record(
            session,
            caller=caller_of(clerk, org),
            action="staff_login_refused",
            at=svc.clock.now(),
            detail="wrong password" if not ok else "clerk deactivated",
        )
        return LoginAttempt(refusal=refusal)
    if HASHER.check_needs_rehash(clerk.password_hash):
        clerk.password_hash = HASHER.hash(password)
    caller = caller_of(clerk, org)
    audit.record(session, caller=caller, action="staff_login", at=svc.clock.now())
    return LoginAttempt(login=StaffLogin(caller, clerk.employer_staff_id))


def _verify(hashed: str, password: str) -> bool:
    try:
        return HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _dummy() -> str:
    key = id(HASHER)
    if key not in _dummy_hash:
        _dummy_hash.clear()
        _dummy_hash[key] = HASHER.hash("not a password of anyone")
    return _dummy_hash[key]


# --- Browser sessions -----------------------------------------------------------------------


def session_key(session_id: str) -> str:
    """The row id of a session: the SHA-256 of the cookie's id (never the id itself)."""
    return hashlib.sha256(session_id.encode()).hexdigest()


@dataclass
class FoundSession:
    """A session row as a request sees it."""

    kind: str
    created_at: dt.datetime
    last_seen_at: dt.datetime
    data: dict[str, Any] = field(default_factory=dict)
    staff: StaffLogin | None = None
    person_id: int | None = None
    card_serial: str | None = None
    name: str = ""
    expired: bool = False


def find_session(conn: Connection, svc: Services, session_id: str) -> FoundSession | None:
    """The session behind a cookie's id; ``expired`` when it lapsed (or its clerk left), so
    the caller deletes it. Reads only."""
    # Read on every page a browser asks for: the columns on a bare connection (Core), without
    # the ORM's per-query work of making three entities (a third of a page's CPU went to it).
    row = conn.execute(_FIND_SESSION, {"key": session_key(session_id)}).first()
    if row is None:
        return None
    result = FoundSession(
        kind=row.kind,
        created_at=row.created_at,
        last_seen_at=row.last_seen_at,
        data=dict(row.data or {}),
        person_id=row.person_id,
        card_serial=row.card_serial,
        name=row.name,
    )
    lifetime = LIFETIMES.get(row.kind, LIFETIMES["staff"])
    now = svc.clock.now()
    if (
        now - row.created_at >= lifetime.absolute
        or now - row.last_seen_at >= lifetime.idle
        or row.kind not in LIFETIMES
    ):
        result.expired = True
    if row.kind == "staff":
        if row.clerk_id is None or row.org_id is None or not row.clerk_active:
            result.expired = True
        else:
            caller = _clerk_caller(
                row.org_name,
                row.org_role,
                row.org_municipality_code,
                row.org_scope_id,
                row.clerk_id,
                row.clerk_login,
            )
            result.staff = StaffLogin(caller, row.employer_staff_id)
    return result


_SESSIONS = cast(Table, BrowserSession.__table__)
_CLERKS = cast(Table, Clerk.__table__)
_ORGS = cast(Table, Organisation.__table__)
_FIND_SESSION = (
    select(
        _SESSIONS.c.kind,
        _SESSIONS.c.created_at,
        _SESSIONS.c.last_seen_at,
        _SESSIONS.c.data,
        _SESSIONS.c.person_id,
        _SESSIONS.c.card_serial,
        _SESSIONS.c.name,
        _CLERKS.c.id.label("clerk_id"),
        _CLERKS.c.login.label("clerk_login"),
        _CLERKS.c.active.label("clerk_active"),
        _CLERKS.c.employer_staff_id,
        _ORGS.c.id.label("org_id"),
        _ORGS.c.name.label("org_name"),
        _ORGS.c.role.label("org_role"),
        _ORGS.c.municipality_code.label("org_municipality_code"),
        _ORGS.c.scope_id.label("org_scope_id"),
    )
    .select_from(
        _SESSIONS.outerjoin(_CLERKS, _CLERKS.c.id == _SESSIONS.c.clerk_id).outerjoin(
            _ORGS, _ORGS.c.id == _CLERKS.c.organisation_id
        )
    )
    .where(_SESSIONS.c.id == bindparam("key"))
)


def save_session(
    session: Session,
    svc: Services,
    session_id: str,
    *,
    new: bool,
    kind: str,
    data: dict[str, Any],
    clerk_id: int | None = None,
    person_id: int | None = None,
    card_serial: str | None = None,
    name: str = "",
) -> None:
    """Insert a new session's row, or update an existing one's (its last use is now). A
    row deleted meanwhile (logged out in another tab) stays deleted."""
    now = svc.clock.now()
    row = session.get(BrowserSession, session_key(session_id))
    if row is None:
        if not new:
            return
        session.add(
            BrowserSession(
                id=session_key(session_id),
                kind=kind,
                clerk_id=clerk_id,
                person_id=person_id,
                card_serial=card_serial,
                name=name[:100],
                data=data,
                created_at=now,
                last_seen_at=now,
            )
        )
    else:
        row.data, row.last_seen_at = data, now
    session.flush()


def end_session(session: Session, session_id: str) -> None:
    """Delete a session (logout, rotation at login, or lapse): its cookie no longer works."""
    session.execute(delete(BrowserSession).where(BrowserSession.id == session_key(session_id)))


def purge_lapsed(session: Session, svc: Services) -> int:
    """Delete the sessions past every absolute lifetime (run at each login)."""
    oldest = svc.clock.now() - max(life.absolute for life in LIFETIMES.values())
    done = session.execute(delete(BrowserSession).where(BrowserSession.created_at < oldest))
    return int(getattr(done, "rowcount", 0) or 0)
