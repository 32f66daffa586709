"""Time as a port: every rule that involves time reads a ``Clock``.

Serving uses ``SystemClock``; tests, ``mynumber demo`` and simulations use ``SimulatedClock``
and move it forward (months pass in a second). Japan has one time zone, JST (UTC+9); dates
in the rules are JST calendar dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

JST = dt.timezone(dt.timedelta(hours=9), "JST")


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware."""
        ...

    def today(self) -> dt.date:
        """Today's date in Japan."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(JST)

    def today(self) -> dt.date:
        return self.now().date()


class SimulatedClock:
    """A clock that moves only when told to."""

    def __init__(self, start: dt.datetime | dt.date) -> None:
        if not isinstance(start, dt.datetime):
            start = dt.datetime(start.year, start.month, start.day, 9, 0, tzinfo=JST)
        elif start.tzinfo is None:
            start = start.replace(tzinfo=JST)
        self._now = start

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        return self._now.astimezone(JST).date()

    def advance(self, **delta: float) -> dt.datetime:
        """Move forward by a ``timedelta(**delta)``; never backwards."""
        step = dt.timedelta(**delta)
        if step < dt.timedelta(0):
            raise ValueError("a simulated clock only moves forward")
        self._now += step
        return self._now

    def set(self, when: dt.datetime | dt.date) -> None:
        """Jump to ``when`` (not earlier than now)."""
        target = SimulatedClock(when).now()
        if target < self._now:
            raise ValueError("a simulated clock only moves forward")
        self._now = target

    def restore(self, when: dt.datetime) -> None:
        """Put the clock back where it stood before a move whose work was undone (the
        move's transaction rolled back): as if the move never happened."""
        self._now = when
