"""The sandbox clock: read it, move it forward, and let the days' work happen on the way.

The clock is the ``SimulatedClock`` every use case reads (``Services.clock``); its moment is
kept in ``sandbox_clock`` so ``mynumber sandbox clock`` (another process) and a restart see the
same time. A move is one transaction: the clock stops at each round of ``domain.sandbox.
daily_rounds`` and runs ``services.cards.centre.run_daily_jobs`` there — manufacture, the
post's round (letters and notices delivered or returned), expiry notices, cards lapsing after
a move — so a month's move leaves what a month of wall-clock days leaves. If anything fails,
nothing of the move is kept and the clock goes back to where it stood.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session

from mynumber.adapters.db.models_sandbox import CLOCK_ROW, SandboxClock
from mynumber.domain.access import Role
from mynumber.domain.clock import JST, SimulatedClock
from mynumber.domain.errors import NotFound
from mynumber.domain.sandbox import check_move, daily_rounds, parse_move
from mynumber.services.cards import centre
from mynumber.services.core.context import Caller, Services
from mynumber.services.core.policy import require_role

_MOVING = threading.Lock()
"""One move at a time in a process (a second waits: moves never interleave their rounds)."""


@dataclass(frozen=True)
class ClockView:
    """What the sandbox clock shows."""

    now: dt.datetime
    today: dt.date


@dataclass(frozen=True)
class ClockMoved:
    """A move of the clock, and the work that was due on the way."""

    was: dt.datetime
    now: dt.datetime
    today: dt.date
    rounds: int
    """How many times the day's jobs ran (each midnight crossed, and at the end)."""
    cards_made: int
    applications_cancelled: int
    mail_settled: int
    renewal_notices: int
    cards_lapsed: int


def simulated(svc: Services) -> SimulatedClock:
    """The sandbox's clock; ``NotFound`` outside the sandbox (its routes do not exist)."""
    if not isinstance(svc.clock, SimulatedClock):
        raise NotFound("There is no sandbox here.", "サンドボックスはありません。")
    return svc.clock


def stored(session: Session) -> dt.datetime | None:
    """The moment kept in the database, if the sandbox ever ran on it."""
    row = session.get(SandboxClock, CLOCK_ROW)
    return row.now.astimezone(JST) if row is not None else None


def keep(session: Session, moment: dt.datetime) -> None:
    """Keep ``moment`` as the sandbox clock's (made the first time)."""
    row = session.get(SandboxClock, CLOCK_ROW)
    if row is None:
        session.add(SandboxClock(id=CLOCK_ROW, now=moment))
    else:
        row.now = moment
    session.flush()


def follow(session: Session, svc: Services) -> None:
    """Catch up with a move made by another process (``mynumber sandbox clock``)."""
    clock = simulated(svc)
    moment = stored(session)
    if moment is not None and moment > clock.now():
        clock.set(moment)


def read_clock(svc: Services, *, caller: Caller) -> ClockView:
    """What the clock shows now."""
    require_role(caller, Role.SANDBOX_ADMIN)
    clock = simulated(svc)
    return ClockView(clock.now(), clock.today())


def move_clock(session: Session, svc: Services, *, caller: Caller, to: str) -> ClockMoved:
    """Move the clock by a span (``+30d``) or to a moment (``2027-01-01``), never backwards;
    the day's jobs run at every midnight crossed and at the end."""
    require_role(caller, Role.SANDBOX_ADMIN)
    clock = simulated(svc)
    with _MOVING:
        follow(session, svc)
        was = clock.now()
        target = parse_move(to, was)
        check_move(was, target)
        totals = dict.fromkeys(
            ("cards_made", "applications_cancelled", "mail_settled", "renewal_notices"), 0
        )
        lapsed = 0
        moments = daily_rounds(was, target)
        try:
            for moment in moments:
                clock.set(moment)
                report = centre.run_daily_jobs(session, svc)
                totals["cards_made"] += len(report.cards_made)
                totals["applications_cancelled"] += len(report.applications_cancelled)
                totals["mail_settled"] += report.mail_settled
                totals["renewal_notices"] += len(report.renewal_notices)
                lapsed += len(report.cards_lapsed)
            keep(session, target)
        except BaseException:
            clock.restore(was)  # the move's work rolls back with the transaction
            raise
    return ClockMoved(
        was=was.astimezone(JST),
        now=target.astimezone(JST),
        today=clock.today(),
        rounds=len(moments),
        cards_lapsed=lapsed,
        **totals,
    )
