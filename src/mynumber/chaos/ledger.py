"""What the harness sent and how each request ended, to hold the database to it afterwards.

Every write request carries something unique to it (a name never used before, a person that
applies once, a card's application ID), so its row can be looked for. How it ended:

- ``ok``: answered 2xx — its row must be there (nothing an answer promised is lost);
- ``refused``: answered 4xx or 5xx — its row must not be there (nothing half-done);
- ``cut``: no answer (the service died, the connection dropped) — either, but whole.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"
    REFUSED = "refused"
    CUT = "cut"


class Kind(StrEnum):
    REGISTRATION = "registration"  # key: the unique name registered
    APPLICATION = "application"  # key: the name of the person who applied
    COLLECTION = "collection"  # key: the 23-digit application ID of the card collected
    PIN_ENTRY = "pin_entry"  # key: the card serial
    CLINIC_CHECK = "clinic_check"  # key: the card serial


@dataclass(frozen=True)
class Sent:
    kind: Kind
    key: str
    outcome: Outcome
    status: int | None = None
    """The HTTP status, when there was an answer."""


@dataclass
class Ledger:
    """Every request of a run, in the order they ended (threads add to it)."""

    sent: list[Sent] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, kind: Kind, key: str, status: int | None) -> Outcome:
        """Record a request that ended with ``status`` (None: cut off); its outcome."""
        outcome = (
            Outcome.CUT
            if status is None
            else Outcome.OK
            if 200 <= status < 300
            else Outcome.REFUSED
        )
        with self._lock:
            self.sent.append(Sent(kind, key, outcome, status))
        return outcome

    def __len__(self) -> int:
        return len(self.sent)

    def of(self, kind: Kind) -> Iterator[Sent]:
        with self._lock:
            chosen = [s for s in self.sent if s.kind is kind]
        return iter(chosen)

    def outcomes_by_key(self, kind: Kind) -> dict[str, list[Outcome]]:
        """Each key's outcomes (a card may be collected by two requests at once)."""
        out: dict[str, list[Outcome]] = {}
        for s in self.of(kind):
            out.setdefault(s.key, []).append(s.outcome)
        return out

    def counts(self) -> dict[Outcome, int]:
        """How many requests ended each way."""
        with self._lock:
            return {o: sum(1 for s in self.sent if s.outcome is o) for o in Outcome}

    def server_errors(self) -> int:
        """Requests answered 5xx."""
        with self._lock:
            return sum(1 for s in self.sent if s.status is not None and s.status >= 500)
