"""The audit log (アクセス記録): append-only and hash-chained.

Each entry's hash covers its content and the previous entry's hash, so changing or removing
any entry breaks every hash after it; ``verify_chain`` names the first broken entry. The
database also refuses UPDATE and DELETE on the table (triggers in the first migration).
Appending locks the one ``audit_head`` row, so concurrent writers form one line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from mynumber.adapters.db.bulk_insert import insert_rows
from mynumber.adapters.db.models import AuditEntry, AuditHead
from mynumber.domain.access import Purpose
from mynumber.services.core.context import Caller

GENESIS = "0" * 64


def _entry_hash(entry: AuditEntry | dict[str, Any]) -> str:
    """The hash over an entry's content and the previous entry's hash."""
    values = entry if isinstance(entry, dict) else {c: getattr(entry, c) for c in _COLUMNS}
    body = json.dumps(
        [values["id"], values["at"].astimezone(dt.UTC).isoformat(), values["actor"],
         values["role"], values["purpose"], values["action"], values["person_id"],
         values["detail"], values["prev_hash"]],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


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
    session: Session, *, caller: Caller, action: str, at: dt.datetime,
    purpose: AuditPurpose = None, person_id: int | None = None, detail: str = "",
) -> None:
    """Append one entry. ``detail`` must never contain a My Number (pass masked values)."""
    record_entries(session, [NewEntry(caller, action, person_id, detail, purpose)], at=at)


def record_many(
    session: Session, *, caller: Caller, action: str, at: dt.datetime, purpose: AuditPurpose,
    person_ids: list[int], detail: str = "",
) -> None:
    """Append one entry per person (bulk registration)."""
    record_entries(session, [NewEntry(caller, action, pid, detail, purpose)
                             for pid in person_ids], at=at)


def record_entries(session: Session, entries: Sequence[NewEntry], *, at: dt.datetime) -> None:
    """Append ``entries`` in order, chained, under one lock of the head and in one INSERT
    (many clinic checks answered together cost one append)."""
    if not entries:
        return
    session.flush()  # as autoflush would: entries follow what the caller has written
    conn = session.connection()  # Core statements, without the ORM's per-statement work
    head = conn.execute(_LOCK_HEAD).one()
    prev, next_id, rows = head.last_hash, head.last_id + 1, []
    for new in entries:
        row: dict[str, Any] = dict(
            id=next_id, at=at, actor=new.caller.name, role=new.caller.role.value,
            purpose=purpose_text(new.purpose), action=new.action, person_id=new.person_id,
            detail=new.detail[:MAX_DETAIL],
            prev_hash=prev)
        row["entry_hash"] = prev = _entry_hash(row)
        rows.append(row)
        next_id += 1
    insert_rows(session, AuditEntry, rows)
    conn.execute(_MOVE_HEAD, {"last_id": next_id - 1, "last_hash": prev})


_HEAD = cast(Table, AuditHead.__table__)
_LOCK_HEAD = select(_HEAD.c.last_id, _HEAD.c.last_hash).where(_HEAD.c.id == 1).with_for_update()
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == 1).values(
    last_id=bindparam("last_id"), last_hash=bindparam("last_hash"))
_COLUMNS = ("id", "at", "actor", "role", "purpose", "action", "person_id", "detail",
            "prev_hash", "entry_hash")


@dataclass(frozen=True)
class ChainReport:
    entries: int
    first_broken: int | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Walk the chain from the start; report the first entry whose link or hash is wrong."""
    expected_prev, expected_id, count = GENESIS, 1, 0
    last_id = 0
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            problem = _check(entry, expected_id, expected_prev)
            if problem:
                broken = expected_id if entry.id != expected_id else entry.id
                return ChainReport(count, broken, problem)
            expected_prev, expected_id, count = entry.entry_hash, entry.id + 1, count + 1
            last_id = entry.id
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_id, head.last_hash) != (last_id, expected_prev):
        return ChainReport(count, last_id + 1, "entries after this point are missing")
    return ChainReport(count, None)


def _check(entry: AuditEntry, expected_id: int, expected_prev: str) -> str:
    if entry.id != expected_id:
        return f"entry {expected_id} is missing"
    if entry.prev_hash != expected_prev:
        return "its link to the previous entry is broken"
    if entry.entry_hash != _entry_hash(entry):
        return "its content does not match its hash"
    return ""


def entries_about(session: Session, person_id: int, limit: int = 200) -> list[AuditEntry]:
    """Who looked at or changed this person's data, newest first (for the portal)."""
    return list(session.scalars(
        select(AuditEntry).where(AuditEntry.person_id == person_id)
        .order_by(AuditEntry.id.desc()).limit(limit)
    ))
