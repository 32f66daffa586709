"""児童手当 — child benefit: which children count, and the 15-day rule for applying.

Rules (児童手当法; こども家庭庁 "児童手当制度のご案内", from the October 2024 reform):

- a child counts until the first 31 March after the day they reach 18 (高校生年代まで,
  児童手当法 第3条): the day before the 18th birthday is the day one reaches 18
  (年齢計算ニ関スル法律), so a child born on 2 April 2008 counts until 31 March 2027 and
  one born on 1 April 2008 until 31 March 2026;
- the person who looks after and supports the child applies (認定請求) at the municipality
  they are registered in; the benefit starts the month after the application
  (第8条 第2項) — **but** an application within 15 days of the birth or of moving in
  (出生日・転入した日の翌日から15日以内, the "15日特例", 第8条 第3項) is treated as made
  in the month of the event, so no month is lost.
- Counting: the day of the event is not counted (民法 第140条). *Policy:* a 15th day on
  which the office is closed moves to the next open day, as municipalities announce
  (``deadlines.office_deadline``).

Plain rules (no I/O): the resident's portal and the guide's household plans call them.
"""

from __future__ import annotations

import datetime as dt

from mynumber.domain.deadlines import office_deadline

CHILD_AGE_LIMIT = 18
APPLY_WITHIN_DAYS = 15


def counts_until(date_of_birth: dt.date) -> dt.date:
    """The last day a child counts for child benefit: the first 31 March on or after the
    day they reach 18 (the day before the 18th birthday)."""
    try:
        birthday = date_of_birth.replace(year=date_of_birth.year + CHILD_AGE_LIMIT)
    except ValueError:  # born on 29 February: the birthday is 1 March in a common year
        birthday = dt.date(date_of_birth.year + CHILD_AGE_LIMIT, 3, 1)
    reached = birthday - dt.timedelta(days=1)
    march = dt.date(reached.year, 3, 31)
    return march if reached <= march else dt.date(reached.year + 1, 3, 31)


def counts_on(date_of_birth: dt.date, on: dt.date) -> bool:
    """Whether a child born on ``date_of_birth`` counts for child benefit on ``on``."""
    return date_of_birth <= on <= counts_until(date_of_birth)


def apply_by(event_on: dt.date) -> dt.date:
    """Last day to apply without losing a month: 15 days after the birth or the move-in
    (the 15日特例), on the next open day if the office is closed."""
    return office_deadline(event_on, APPLY_WITHIN_DAYS)
