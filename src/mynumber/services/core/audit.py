"""The audit log (アクセス記録): append-only, in keyed hash chains, one per organisation.

Each entry's hash is an HMAC (under a key that is not in the database) over its content, its
place in its organisation's chain and the previous entry's hash, so changing, inserting or
removing an entry shows; signed checkpoints of the chains' heads, kept outside the database,
show a cut tail or an emptied table (``audit_chain``, ``audit_checkpoints``). The database
also refuses UPDATE, DELETE and TRUNCATE on the table (triggers, migrations 0001 and 0010).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal, Protocol, TypeVar

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import AuditEntry
from mynumber.domain.access import Purpose
from mynumber.domain.errors import MyNumberError
from mynumber.services.core import audit_chain
from mynumber.services.core.audit_chain import GENESIS as GENESIS
from mynumber.services.core.audit_chain import ChainReport as ChainReport
from mynumber.services.core.audit_chain import Finding as Finding
from mynumber.services.core.audit_chain import verify_chain as verify_chain
from mynumber.services.core.context import Caller, Services

INVALID_PURPOSE: Literal["invalid"] = "invalid"
"""What the log keeps for a purpose that is none of ``Purpose`` (never the text as typed)."""

AuditPurpose = Purpose | frozenset[Purpose] | Literal["invalid"] | None
"""The purpose an entry names: one ``Purpose``, several (a number collected for tax and
social security), ``INVALID_PURPOSE`` for a refused request that named none, or none."""

MAX_DETAIL = 200
"""``detail`` is written by the services (ids, codes, masked numbers), never typed by a user;
the bound keeps even a mistake from filling the append-only log."""


def purpose_text(purpose: AuditPurpose | str) -> str:
    """The closed vocabulary the ``purpose`` column holds: a ``Purpose`` value (several
    joined by commas, sorted), ``invalid``, or empty. Anything else — a string that is not a
    purpose's value — is kept as ``invalid``, so free text never reaches the log."""
    if purpose is None or purpose == "":
        return ""
    if isinstance(purpose, frozenset):
        return ",".join(sorted(Purpose(p).value for p in purpose))
    try:
        return Purpose(purpose).value
    except ValueError:
        return INVALID_PURPOSE


def purpose_named(value: object) -> AuditPurpose:
    """The purpose a request named, as the log may keep it: a ``Purpose``, ``invalid`` for
    anything else that was named (the text itself is never kept), or ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return Purpose(value)
        except ValueError:
            pass
    return INVALID_PURPOSE


@dataclass(frozen=True)
class NewEntry:
    """One entry to append: who did what about whom (``detail`` never holds a My Number)."""

    caller: Caller
    action: str
    person_id: int | None = None
    detail: str = ""
    purpose: AuditPurpose = None


def record(
    session: Session,
    *,
    caller: Caller,
    action: str,
    at: dt.datetime,
    purpose: AuditPurpose = None,
    person_id: int | None = None,
    detail: str = "",
) -> None:
    """Append one entry. ``detail`` must never contain a My Number (pass masked values)."""
    record_entries(session, [NewEntry(caller, action, person_id, detail, purpose)], at=at)


def record_many(
    session: Session,
    *,
    caller: Caller,
    action: str,
    at: dt.datetime,
    purpose: AuditPurpose,
    person_ids: list[int],
    detail: str = "",
) -> None:
    """Append one entry per person (bulk registration)."""
    record_entries(
        session, [NewEntry(caller, action, pid, detail, purpose) for pid in person_ids], at=at
    )


def record_entries(session: Session, entries: Sequence[NewEntry], *, at: dt.datetime) -> None:
    """Append ``entries`` in order, each to its organisation's chain. They are written —
    keyed, chained, in one INSERT — when the transaction commits, and dropped with it on a
    rollback (many clinic checks answered together cost one append)."""
    if entries:
        audit_chain.append(session, [_row(new, at) for new in entries])


def _row(new: NewEntry, at: dt.datetime) -> dict[str, Any]:
    """The entry's columns and its chain's name, as ``audit_chain`` appends them."""
    return dict(
        chain=audit_chain.chain_of(
            new.caller.role,
            new.caller.name,
            new.caller.scope_id,
            new.caller.municipality_code,
        ),
        at=at,
        actor=new.caller.name,
        role=new.caller.role.value,
        purpose=purpose_text(new.purpose),
        action=new.action,
        person_id=new.person_id,
        detail=new.detail[:MAX_DETAIL],
        clerk=new.caller.clerk,
    )


class Units(Protocol):
    """What ``record_refusal`` and ``run_use_case`` need of the system an entry point holds:
    a fresh unit of work, a bare transaction, the clock and the audit key
    (``bootstrap.System``, which this layer may not import)."""

    @property
    def services(self) -> Services: ...

    def uow(self) -> AbstractContextManager[Any]: ...

    def transaction(self) -> AbstractContextManager[Connection]: ...


def _pending_entry(error: BaseException) -> tuple[MyNumberError, NewEntry] | None:
    """The error and the entry it carries, not appended yet (a refusal's, or a concealed
    record's: ``MyNumberError.audit_entry``); ``None`` for an error that carries none."""
    entry = getattr(error, "audit_entry", None)
    if isinstance(error, MyNumberError) and isinstance(entry, NewEntry):
        return error, entry
    return None


def carries_entry(error: BaseException) -> bool:
    """Whether ``record_refusal`` would append an entry for ``error``. The entry points ask
    before handing it to a worker thread: most errors (not found, no token, a stale form)
    carry none, and need no thread."""
    return _pending_entry(error) is not None


def record_refusal(system: Units, error: BaseException) -> bool:
    """Append the audit entry a refusal carries (``MyNumberError.audit_entry``), in a
    transaction of its own — the request's own was rolled back — and only once however
    many handlers see the error. The one way a refusal reaches the log, from the API, the
    pages and the CLI alike; an error that carries no entry (not a refusal, or a stale
    form) leaves none. True if an entry was appended."""
    pending = _pending_entry(error)
    if pending is None:
        return False
    refusal, entry = pending
    # The same statements and chain as a unit of work's commit (``audit_chain.write_entries``)
    # on a bare connection: a Session and its unit of work around three Core statements cost
    # more than the statements (a fifth of a refused request in the access matrix).
    row = _row(entry, system.services.clock.now())
    with system.transaction() as conn:
        audit_chain.write_entries(conn, system.services.keys.audit_key, [row])
    refusal.audit_entry = None  # handed over: a second handler appends nothing
    return True


T = TypeVar("T")


def waive_refusal(error: BaseException) -> None:
    """The entry ``error`` carries dropped, not appended: the request it came from has its
    refusal in the log already (a page that refused a form and then failed to show the
    person's page again, the page's own look: one request, one entry)."""
    pending = _pending_entry(error)
    if pending is not None:
        pending[0].audit_entry = None


def run_use_case(
    system: Units, use_case: Callable[[Session, Services], T], *, audit_refusal: bool = True
) -> T:
    """Run one use case in a unit of work and commit it; nothing is kept if it fails, and a
    refusal leaves its audit entry in a transaction of its own (``record_refusal``), unless
    ``audit_refusal`` is false (the caller decides, and appends or waives it). The pages and
    the CLI both run their use cases through here."""
    try:
        with system.uow() as uow:
            result = use_case(uow.session, system.services)
            uow.commit()
    except MyNumberError as refused:  # appends only what the error carries (most carry none)
        if audit_refusal:
            record_refusal(system, refused)
        raise
    return result


def entries_about(session: Session, person_id: int, limit: int = 200) -> list[AuditEntry]:
    """Who looked at or changed this person's data, newest first (for the portal)."""
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.person_id == person_id)
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )
