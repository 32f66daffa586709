"""The access matrix's audit check (``test_access_matrix.py``): every refusal of a caller who
is someone leaves its audit entry, seen as it is written and counted in the log.

The rule (``docs/security.md``; ``services.core.audit.record_refusal``): every access and
every refusal of personal data is audited, through the API, the pages and the CLI alike. The
matrix sends ~5,400 requests a database, and a query per request to find each one's entry
would add as many queries to the suite's largest module. Instead ``RefusalEntries`` wraps
the one function that writes every audit entry (``audit_chain.write_entries``) and keeps
each refusal entry as it goes by, so each request's own are known without a query; and the
log's refusal entries are counted once before a test and once after, which must differ by
exactly as many as were seen (a write that did not last, or one made some other way, shows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from mynumber.adapters.db.models import AuditEntry
from mynumber.domain.access import Role
from tests.integration.access_expectations import CALLERS
from tests.integration.access_world import World

Entry = tuple[str, str, int | None, str]
"""A refusal entry as it is written: role, action, person, detail."""

Write = Callable[[Connection, bytes, Sequence[dict[str, Any]]], None]


class RefusalEntries:
    """Every refusal entry (``refused:…``) written while it stands in for ``write``
    (``audit_chain.write_entries``: a refusal's own transaction and a unit of work's commit
    alike), in order. A list append per entry, no query."""

    def __init__(self, write: Write, w: World) -> None:
        self._write = write
        self.seen: list[Entry] = []
        self.in_log_before = in_log(w)
        self.roles = {caller: _role_of(w, caller) for caller in CALLERS if caller != "none"}
        """The role each caller's entries name (looked up once, not at each request)."""

    def __call__(self, conn: Connection, key: bytes, rows: Sequence[dict[str, Any]]) -> None:
        self._write(conn, key, rows)
        for row in rows:
            if row["action"].startswith("refused:"):
                self.seen.append((row["role"], row["action"], row["person_id"], row["detail"]))


def in_log(w: World) -> int:
    """The refusal entries the audit log holds (one query)."""
    with w.system.uow() as uow:
        found = uow.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action.like("refused:%"))
        )
    return int(found or 0)


def _role_of(w: World, caller: str) -> str:
    if caller in ("self", "resident_other"):
        return Role.RESIDENT.value
    return w.orgs[caller].caller.role.value


def entries_wrong(own: list[Entry], *, most: int, role: str) -> str | None:
    """What is wrong with the entries a refusal left (``own``, at least one), or ``None``:
    there must be at most ``most``, each by ``role``."""
    if len(own) > most:
        return f"{len(own)} entries for one refusal: {own}"
    if {entry[0] for entry in own} != {role}:
        return f"an entry by another role than the caller's ({role}): {own}"
    return None
