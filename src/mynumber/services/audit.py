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
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from mynumber.adapters.db.models import AuditEntry, AuditHead
from mynumber.services.context import Caller

GENESIS = "0" * 64


def _entry_hash(entry: AuditEntry) -> str:
    body = json.dumps(
        [entry.id, entry.at.astimezone(dt.UTC).isoformat(), entry.actor, entry.role,
         entry.purpose, entry.action, entry.person_id, entry.detail, entry.prev_hash],
        ensure_ascii=False, separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(
    session: Session, *, caller: Caller, action: str, at: dt.datetime,
    purpose: str = "", person_id: int | None = None, detail: str = "",
) -> AuditEntry:
    """Append one entry. ``detail`` must never contain a My Number (pass masked values)."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    entry = AuditEntry(
        id=head.last_id + 1, at=at, actor=caller.name, role=caller.role.value,
        purpose=purpose, action=action, person_id=person_id, detail=detail,
        prev_hash=head.last_hash, entry_hash="",
    )
    entry.entry_hash = _entry_hash(entry)
    session.add(entry)
    session.execute(
        update(AuditHead).where(AuditHead.id == 1)
        .values(last_id=entry.id, last_hash=entry.entry_hash)
    )
    return entry


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


def record_many(
    session: Session, *, caller: Caller, action: str, at: dt.datetime, purpose: str,
    person_ids: list[int], detail: str = "",
) -> None:
    """Append one entry per person in one statement (bulk registration), chained as usual."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    prev, next_id, rows = head.last_hash, head.last_id + 1, []
    for person_id in person_ids:
        entry = AuditEntry(id=next_id, at=at, actor=caller.name, role=caller.role.value,
                           purpose=purpose, action=action, person_id=person_id, detail=detail,
                           prev_hash=prev)
        entry.entry_hash = _entry_hash(entry)
        rows.append({c: getattr(entry, c) for c in _COLUMNS})
        prev, next_id = entry.entry_hash, next_id + 1
    if rows:
        session.execute(insert(AuditEntry), rows)
        session.execute(update(AuditHead).where(AuditHead.id == 1)
                        .values(last_id=next_id - 1, last_hash=prev))


_COLUMNS = ("id", "at", "actor", "role", "purpose", "action", "person_id", "detail",
            "prev_hash", "entry_hash")
