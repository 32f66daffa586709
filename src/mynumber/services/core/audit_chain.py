"""The audit log's chains: one keyed hash chain per organisation, and their verification.

Each entry's hash is an HMAC-SHA256, under the ring's ``audit_key`` (never stored in the
database), over its content, its place (chain and number in the chain) and the previous
entry's hash. Whoever can write the database but does not hold the key cannot make an entry
the service would have written: an edited, inserted or recomputed entry shows. Cutting a
chain's tail and resetting its head, or emptying the table, leaves a chain that is consistent
in itself; the signed checkpoints outside the database (``audit_checkpoints``) show that.

Each organisation (a ward office, a clinic, an employer …) writes to a chain of its own, with
its own ``audit_head`` row: two organisations never wait for each other's lock. Residents share
a few chains, spread by person. The card centre (J-LIS) is one organisation for the whole
country, so it writes one chain per municipality it acts for: no card or certificate in one
municipality waits for another's (docs/scale.md, "Nothing serialises the country").

The entries of a transaction are written when it commits (``before_commit``): the heads are
then locked in the order of their names, once, for the moment of the commit only, so two
transactions that write to the same two chains cannot deadlock.

Entries written before the chains were keyed (migration 0010) stay in the chain ``legacy``,
with their unkeyed SHA-256 hashes: only a checkpoint protects them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Insert,
    Table,
    bindparam,
    event,
    func,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from mynumber.adapters.db.bulk_insert import insert_rows_on
from mynumber.adapters.db.lists import ListStatement
from mynumber.adapters.db.models import AuditEntry, AuditHead
from mynumber.domain.access import Role

GENESIS = "0" * 64
LEGACY_CHAIN = "legacy"
"""The chain of the entries written before migration 0010 (unkeyed hashes)."""
RESIDENT_CHAINS = 16
"""Residents' own actions go to this many chains, chosen by person."""
AUDIT_KEY = "mynumber.audit_key"
"""``Session.info`` key of the HMAC key (set by ``bootstrap.System`` on its sessions)."""
_PENDING = "mynumber.audit_pending"


def chain_of(
    role: Role, name: str, scope_id: int | None, municipality_code: str | None = None
) -> str:
    """The chain an organisation writes to: ``<role>/<name>``; residents share a few; the card
    centre, acting on a municipality's behalf (交付 and 電子証明書 at the request of the 市町村長),
    ``card_centre/<name>/<municipality>``."""
    if role is Role.RESIDENT:
        return f"{role.value}/{(scope_id or 0) % RESIDENT_CHAINS}"
    if role is Role.CARD_CENTRE and municipality_code:
        return f"{role.value}/{name[:100]}/{municipality_code}"
    return f"{role.value}/{name}"[:130]


def keyed_hash(key: bytes, values: Mapping[str, Any]) -> str:
    """HMAC-SHA256 over an entry's place, content (the clerk too) and previous hash."""
    body = json.dumps(
        [
            values["chain_id"],
            values["seq"],
            values["at"].astimezone(dt.UTC).isoformat(),
            values["actor"],
            values["role"],
            values["purpose"],
            values["action"],
            values["person_id"],
            values["detail"],
            values.get("clerk"),
            values["prev_hash"],
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def legacy_hash(values: Mapping[str, Any]) -> str:
    """The unkeyed SHA-256 of entries written before the chains were keyed (``seq`` = the
    ``id`` they had); the clerk as a tenth item when set."""
    content = [
        values["seq"],
        values["at"].astimezone(dt.UTC).isoformat(),
        values["actor"],
        values["role"],
        values["purpose"],
        values["action"],
        values["person_id"],
        values["detail"],
        values["prev_hash"],
    ]
    if values.get("clerk") is not None:
        content.append(values["clerk"])
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


# --- Appending ------------------------------------------------------------------------------


def append(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Queue ``rows`` (entry columns plus ``chain``, the chain's name) to be written, keyed and
    chained, when the session's transaction commits; a rollback drops them with the rest."""
    if AUDIT_KEY not in session.info:
        raise RuntimeError("this session has no audit key (make it with System.uow())")
    session.info.setdefault(_PENDING, []).extend(rows)


def write_pending(session: Session) -> None:
    """Write the queued entries now (``before_commit`` does this on commit)."""
    rows: list[dict[str, Any]] | None = session.info.pop(_PENDING, None)
    if not rows:
        return
    key: bytes = session.info[AUDIT_KEY]
    session.flush()
    # Core statements, without the ORM's per-statement work
    write_entries(session.connection(), key, rows)


def write_entries(conn: Connection, key: bytes, rows: Sequence[dict[str, Any]]) -> None:
    """Write ``rows`` (as ``append`` takes them), keyed under ``key`` and chained, in
    ``conn``'s transaction: the chains' heads locked in name order, the entries inserted,
    the heads moved. What a commit writes; a refusal's own transaction writes it directly."""
    heads = _lock_heads(conn, sorted({row["chain"] for row in rows}))
    entries = []
    for queued in rows:
        row = dict(queued)
        head = heads[row.pop("chain")]
        head.seq += 1
        row.update(chain_id=head.id, seq=head.seq, prev_hash=head.hash)
        row["entry_hash"] = head.hash = keyed_hash(key, row)
        entries.append(row)
    insert_rows_on(conn, _LOG, entries)
    conn.execute(
        _MOVE_HEAD,
        [{"head_id": h.id, "last_seq": h.seq, "last_hash": h.hash} for h in heads.values()],
    )


@event.listens_for(Session, "before_commit")
def _write_on_commit(session: Session) -> None:
    write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # committed (written above) or rolled back: gone
        session.info.pop(_PENDING, None)


@dataclass
class _Head:
    id: int
    seq: int
    hash: str


def _lock_heads(conn: Connection, names: list[str]) -> dict[str, _Head]:
    """Lock the heads of ``names`` (in name order), making the ones that do not exist yet."""
    heads = _locked(conn, names)
    missing = [name for name in names if name not in heads]
    if missing:
        # Another transaction making the same chain meanwhile: ours waits, then does nothing.
        conn.execute(
            _new_heads(conn.dialect.name),
            [{"chain": name, "last_seq": 0, "last_hash": GENESIS} for name in missing],
        )
        heads.update(_locked(conn, missing))
    return heads


def _locked(conn: Connection, names: list[str]) -> dict[str, _Head]:
    """The heads of ``names`` locked (``SELECT … FOR UPDATE`` in name order; on SQLite
    ``BEGIN IMMEDIATE`` already holds the database's write lock)."""
    return {
        row.chain: _Head(row.id, row.last_seq, row.last_hash)
        for row in conn.execute(_LOCK_HEADS.on(conn.dialect.name), {"chains": names})
    }


_HEAD = cast(Table, AuditHead.__table__)
_LOG = cast(Table, AuditEntry.__table__)
_LOCK_HEADS = ListStatement(
    lambda one_of: (
        select(_HEAD.c.chain, _HEAD.c.id, _HEAD.c.last_seq, _HEAD.c.last_hash)
        .where(one_of(_HEAD.c.chain, "chains"))
        .order_by(_HEAD.c.chain)
        .with_for_update()
    )
)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == bindparam("head_id"))
    .values(last_seq=bindparam("last_seq"), last_hash=bindparam("last_hash"))
)


def _new_heads(dialect: str) -> Insert:
    if dialect == "postgresql":
        return postgresql.insert(_HEAD).on_conflict_do_nothing(index_elements=["chain"])
    return sqlite.insert(_HEAD).on_conflict_do_nothing(index_elements=["chain"])


# --- Heads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Head:
    """Where one chain ends: its id, name, number of entries and last hash."""

    id: int
    chain: str
    seq: int
    hash: str


def heads(session: Session) -> list[Head]:
    """Every chain's head, by id."""
    return [
        Head(row.id, row.chain, row.last_seq, row.last_hash)
        for row in session.execute(
            select(_HEAD.c.id, _HEAD.c.chain, _HEAD.c.last_seq, _HEAD.c.last_hash).order_by(
                _HEAD.c.id
            )
        )
    ]


def horizon(session: Session) -> int | None:
    """PostgreSQL: the oldest transaction still running now (``pg_snapshot_xmin``); every
    head row written since by a transaction that was then unfinished or not yet begun is one
    ``heads_moved_since`` returns. ``None`` on SQLite, which has no transaction ids."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return int(session.scalar(text("SELECT pg_snapshot_xmin(pg_current_snapshot())")) or 0)


def heads_moved_since(session: Session, since: int) -> list[Head]:
    """PostgreSQL: the heads whose row was written by a transaction at or after ``since``
    (a ``horizon``), by id; PostgreSQL compares the row's ``xmin`` with it (``age``: older
    rows, frozen ones too, count more transactions since them). Every head that moved since
    is among them, whatever was in flight when ``since`` was taken; the rows are filtered in
    the server, so a checkpoint costs the chains that moved, not all of them (ten thousand
    clinics: ~45 ms of a server process's CPU for the whole list)."""
    rows = session.execute(
        text(
            "SELECT id, chain, last_seq, last_hash FROM audit_head "
            "WHERE age(xmin) <= age(CAST(CAST(:since AS text) AS xid)) ORDER BY id"
        ),
        {"since": since % 2**32},
    )
    return [Head(*row) for row in rows]


def entries_written(session: Session) -> int:
    """How many entries the heads count (cheap: one row per chain)."""
    return int(session.scalar(select(func.coalesce(func.sum(_HEAD.c.last_seq), 0))) or 0)


# --- Verifying --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing found wrong: ``kind`` is edited, inserted, deleted, cut, truncated,
    recomputed, head or checkpoint."""

    kind: str
    message: str
    entry_id: int | None = None


@dataclass(frozen=True)
class ChainReport:
    entries: int
    chains: int = 0
    findings: tuple[Finding, ...] = ()
    checkpoint_at: str | None = None
    """When the checkpoint the log was checked against was signed (None: no checkpoint)."""

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first_broken(self) -> int | None:
        """The id of the first entry named in a finding (None when intact)."""
        for finding in self.findings:
            if finding.entry_id is not None:
                return finding.entry_id
        return None

    @property
    def reason(self) -> str:
        return self.findings[0].message if self.findings else ""


@dataclass(frozen=True)
class SignedHead:
    """A chain's head as a checkpoint signed it."""

    chain: str
    seq: int
    hash: str


@dataclass
class _Walk:
    """One chain being walked, entry by entry."""

    name: str
    legacy: bool
    expected_seq: int = 1
    expected_prev: str = GENESIS
    count: int = 0
    bad: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS
    suspect: AuditEntry | None = None
    """An entry whose hash is wrong but whose link is right: edited, or inserted if the next
    entry links past it."""
    findings: list[Finding] = field(default_factory=list)
    hashes_at: dict[int, str] = field(default_factory=dict)

    def label(self, entry: AuditEntry) -> str:
        return f"entry {entry.seq} of chain '{self.name}' (id {entry.id})"


def verify_chain(
    session: Session,
    *,
    key: bytes | None = None,
    signed: Mapping[int, SignedHead] | None = None,
    signed_at: str | None = None,
    batch: int = 5000,
) -> ChainReport:
    """Walk every chain; name each entry that was edited, inserted or deleted, each chain
    that was recomputed, and — against ``signed``, the heads of the latest checkpoint — each
    cut tail and an emptied log. ``key``: the session's audit key unless given."""
    key = key if key is not None else session.info[AUDIT_KEY]
    signed = signed or {}
    head_rows = {h.id: h for h in heads(session)}
    walks: dict[int, _Walk] = {}
    findings: list[Finding] = []
    for entry in _entries(session, batch):
        walk = walks.get(entry.chain_id)
        if walk is None:
            name = head_rows[entry.chain_id].chain if entry.chain_id in head_rows else None
            if name is None:
                findings.append(
                    Finding(
                        "inserted",
                        f"entry id {entry.id} names chain {entry.chain_id}, which has no head",
                        entry.id,
                    )
                )
                continue
            walk = walks[entry.chain_id] = _Walk(name, legacy=name == LEGACY_CHAIN)
        _step(walk, entry, key)
        if entry.chain_id in signed and entry.seq == signed[entry.chain_id].seq:
            walk.hashes_at[entry.seq] = entry.entry_hash
    total = 0
    for walk in walks.values():
        _finish(walk)
        total += walk.count
        findings.extend(walk.findings)
    for chain_id, head in head_rows.items():
        findings.extend(_against_head(head, walks.get(chain_id)))
    findings.extend(_against_checkpoint(signed, signed_at, head_rows, walks, total))
    return ChainReport(total, len(head_rows), tuple(findings), signed_at)


def _entries(session: Session, batch: int) -> Iterator[AuditEntry]:
    after: tuple[int, int, int] = (0, 0, 0)
    while True:
        rows = session.scalars(
            select(AuditEntry)
            .where(tuple_(AuditEntry.chain_id, AuditEntry.seq, AuditEntry.id) > tuple_(*after))
            .order_by(AuditEntry.chain_id, AuditEntry.seq, AuditEntry.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1]
        after = (last.chain_id, last.seq, last.id)
        session.expunge_all()  # a long log is walked in constant memory


def _hash_ok(walk: _Walk, entry: AuditEntry, key: bytes) -> bool:
    values = {c: getattr(entry, c) for c in _COLUMNS}
    expected = legacy_hash(values) if walk.legacy else keyed_hash(key, values)
    return hmac.compare_digest(expected, entry.entry_hash)


def _step(walk: _Walk, entry: AuditEntry, key: bytes) -> None:
    if entry.seq < walk.expected_seq:  # a second entry with a number already taken
        walk.findings.append(
            Finding(
                "inserted",
                f"{walk.label(entry)} was inserted: its number is already taken",
                entry.id,
            )
        )
        walk.count += 1
        walk.bad += 1
        return
    valid = _hash_ok(walk, entry, key)
    suspect, walk.suspect = walk.suspect, None
    if suspect is not None:
        if entry.prev_hash == suspect.prev_hash and entry.prev_hash != suspect.entry_hash:
            walk.findings.append(
                Finding(
                    "inserted",
                    f"{walk.label(suspect)} was inserted: the next entry links past it",
                    suspect.id,
                )
            )
            walk.expected_prev = suspect.prev_hash
        else:
            walk.findings.append(_edited(walk, suspect))
            walk.expected_prev = entry.prev_hash  # named once, not again as a broken link
    if entry.seq > walk.expected_seq:
        gone = (
            f"entry {walk.expected_seq}"
            if entry.seq == walk.expected_seq + 1
            else f"entries {walk.expected_seq}–{entry.seq - 1}"
        )
        walk.findings.append(
            Finding(
                "deleted",
                f"{gone} of chain '{walk.name}' {'was' if 'entry ' in gone else 'were'} "
                f"deleted (before id {entry.id})",
                entry.id,
            )
        )
    elif valid and entry.prev_hash != walk.expected_prev:
        walk.findings.append(
            Finding(
                "deleted",
                f"an entry before {walk.label(entry)} was deleted or replaced: its link "
                "to the previous entry is broken",
                entry.id,
            )
        )
    if not valid:
        walk.bad += 1
        if entry.prev_hash == walk.expected_prev and entry.seq == walk.expected_seq:
            walk.suspect = entry
        else:
            walk.findings.append(_edited(walk, entry))
    walk.count += 1
    walk.expected_seq = entry.seq + 1
    walk.expected_prev = entry.entry_hash
    walk.last_seq, walk.last_hash = entry.seq, entry.entry_hash


def _edited(walk: _Walk, entry: AuditEntry) -> Finding:
    how = "hash" if walk.legacy else "keyed hash"
    return Finding(
        "edited", f"{walk.label(entry)} was edited: its content does not match its {how}", entry.id
    )


def _finish(walk: _Walk) -> None:
    if walk.suspect is not None:  # the last entry: written without the key
        walk.findings.append(
            Finding(
                "inserted",
                f"{walk.label(walk.suspect)} was inserted or edited: its keyed hash "
                "is not the service's",
                walk.suspect.id,
            )
        )
        walk.suspect = None
    if not walk.legacy and walk.count >= 2 and walk.bad == walk.count:
        walk.findings[:] = [
            Finding(
                "recomputed",
                f"chain '{walk.name}' was recomputed: none of its {walk.count} "
                "entries carries the service's keyed hash",
            )
        ]


def _against_head(head: Head, walk: _Walk | None) -> list[Finding]:
    last_seq, last_hash = (walk.last_seq, walk.last_hash) if walk else (0, GENESIS)
    if head.seq > last_seq:
        return [
            Finding(
                "cut",
                f"chain '{head.chain}': entries {last_seq + 1}–{head.seq} are "
                "missing (its head counts them): the tail was cut",
            )
        ]
    if head.seq < last_seq:
        return [
            Finding(
                "inserted",
                f"chain '{head.chain}': entries {head.seq + 1}–{last_seq} lie beyond its head",
            )
        ]
    if head.hash != last_hash:
        return [Finding("head", f"chain '{head.chain}': its head's hash is not its last entry's")]
    return []


def _against_checkpoint(
    signed: Mapping[int, SignedHead],
    signed_at: str | None,
    head_rows: Mapping[int, Head],
    walks: Mapping[int, _Walk],
    total: int,
) -> list[Finding]:
    if not signed:
        return []
    signed_total = sum(h.seq for h in signed.values())
    if total == 0 and signed_total > 0:
        return [
            Finding(
                "truncated",
                f"the log was emptied (TRUNCATE or DELETE): the "
                f"checkpoint of {signed_at} signed {signed_total} entries in "
                f"{len(signed)} chains, the database holds none",
            )
        ]
    findings = []
    for chain_id, mark in signed.items():
        walk = walks.get(chain_id)
        head = head_rows.get(chain_id)
        if head is not None and head.chain != mark.chain:
            findings.append(
                Finding(
                    "head",
                    f"chain {chain_id} is named '{head.chain}', the "
                    f"checkpoint of {signed_at} signed '{mark.chain}'",
                )
            )
        have = walk.last_seq if walk else 0
        if have < mark.seq:
            findings.append(
                Finding(
                    "cut",
                    f"chain '{mark.chain}': the checkpoint of {signed_at} signed "
                    f"{mark.seq} entries, the database ends at {have}: the tail was cut",
                )
            )
        elif walk is not None and walk.hashes_at.get(mark.seq) != mark.hash:
            findings.append(
                Finding(
                    "recomputed",
                    f"chain '{mark.chain}': entry {mark.seq} is not the one the "
                    f"checkpoint of {signed_at} signed: the chain was rewritten",
                )
            )
    return findings


_COLUMNS = (
    "id",
    "chain_id",
    "seq",
    "at",
    "actor",
    "role",
    "purpose",
    "action",
    "person_id",
    "detail",
    "prev_hash",
    "entry_hash",
    "clerk",
)
