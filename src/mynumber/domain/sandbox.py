"""サンドボックス — the integrators' sandbox: a clock its operator moves, and how it moves.

In the sandbox (``mynumber serve --sandbox``) time is simulated: it stands still until the
sandbox admin moves it, by a span (``+30d``, ``+12h``, ``+2w``, ``+90min``) or to a moment
(``2027-01-01``, which is 09:00 JST that day, as offices open; or an ISO date-time). It never
moves backwards: what was done stays done, as on the wall clock.

While it moves, the scheduled work runs as the days pass (``daily_rounds``): at every
midnight (JST) the clock crosses, with the clock at that midnight, and once more at the moment
the move ends, so whatever is due by then has happened — the same jobs on the same rules as
the card centre runs on the wall clock (``services.cards.centre.run_daily_jobs``).

*Policy:* one move spans at most ``MAX_MOVE`` (a run of the jobs per day: twenty years is
7,305 runs), so a typo cannot keep the sandbox busy for hours.
"""

from __future__ import annotations

import datetime as dt
import re

from mynumber.domain.clock import JST
from mynumber.domain.errors import Conflict, invalid

MAX_MOVE = dt.timedelta(days=20 * 366)
_SPAN = re.compile(r"^\+\s*(\d{1,6})\s*(w|d|h|min)$")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "min": "minutes"}


class ClockCannotGoBack(Conflict):
    """The sandbox clock was asked to move to an earlier moment."""

    code = "clock-cannot-go-back"
    title = "The sandbox clock only moves forward"


def parse_span(text: str) -> dt.timedelta:
    """``+30d``, ``+2w``, ``+12h`` or ``+90min`` as a time span, or ``InvalidInput``."""
    found = _SPAN.match(text.strip().lower())
    if found is None:
        raise invalid(
            "by",
            "Give a span such as +30d, +2w, +12h or +90min.",
            "期間は +30d、+2w、+12h、+90min のように指定してください。",
        )
    return dt.timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def parse_moment(text: str) -> dt.datetime:
    """``2027-01-01`` (09:00 JST that day) or an ISO date-time (JST unless it names a zone)."""
    text = text.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=JST)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise invalid(
            "to",
            "Give a date (YYYY-MM-DD) or a date and time (YYYY-MM-DDTHH:MM).",
            "日付（YYYY-MM-DD）または日時（YYYY-MM-DDTHH:MM）を指定してください。",
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=JST)


def parse_move(text: str, now: dt.datetime) -> dt.datetime:
    """Where ``+30d`` or ``2027-01-01`` takes a clock that shows ``now``."""
    if text.strip().startswith("+"):
        span = parse_span(text)
        if span > MAX_MOVE:  # refused before the sum: +999999w is past the year 9999
            raise invalid(
                "by", "One move spans at most 20 years.", "一度に進められるのは20年までです。"
            )
        return now + span
    return parse_moment(text)


def check_move(now: dt.datetime, target: dt.datetime) -> None:
    """Refuse a move backwards (``ClockCannotGoBack``) or longer than ``MAX_MOVE``."""
    if target < now:
        raise ClockCannotGoBack(
            f"The sandbox clock shows {now.astimezone(JST):%Y-%m-%d %H:%M} JST and only moves "
            "forward.",
            f"サンドボックスの時計は {now.astimezone(JST):%Y-%m-%d %H:%M}（日本時間）を指しており、"
            "進めることしかできません。",
        )
    if target - now > MAX_MOVE:
        raise invalid(
            "to",
            "One move spans at most 20 years.",
            "一度に進められるのは20年までです。",
        )


def daily_rounds(now: dt.datetime, target: dt.datetime) -> list[dt.datetime]:
    """The moments the day's jobs run while the clock moves from ``now`` to ``target``: every
    midnight JST after ``now`` up to ``target``, then ``target`` itself (once)."""
    day = now.astimezone(JST).date() + dt.timedelta(days=1)
    rounds = []
    while (midnight := dt.datetime(day.year, day.month, day.day, tzinfo=JST)) <= target:
        rounds.append(midnight)
        day += dt.timedelta(days=1)
    if not rounds or rounds[-1] != target:
        rounds.append(target)
    return rounds
