"""Calendar arithmetic, ages, ward-office days and the expected waits of the journey.

Calendar and age (暦・年齢の計算)
    - Months and years are added the civil-code way: when the target month has no such day
      (31 March + 1 month, 29 February + 1 year), the result is that month's last day
      (民法 第143条 第2項 ただし書).
    - Age (年齢): counted from the day of birth (年齢計算ニ関スル法律); a person *reaches* age
      N (N歳に達する日) on the day before the N-th birthday and is N from the birthday on.
      Someone born on 29 February reaches the new age on 28 February in every year, so in a
      common year they are the new age from 1 March (民法 第143条 第2項: with no 29 February,
      the year ends on the month's last day, 28 February).
    - A *birthday* used as an expiry date (誕生日) is 28 February in a common year for someone
      born on 29 February: the card and certificate ordinances deem it so (個人番号カード等に
      関する命令 第26条; 公的個人認証法施行規則), and it is the day that person reaches the
      new age, so both readings agree on the last valid day.

Ward-office days (開庁日)
    Closed on Saturdays, Sundays, national holidays (国民の祝日, 振替休日, 国民の休日, from
    ``jpholiday``) and the New Year closure 29 December – 3 January, which municipalities
    set by by-law under 地方自治法 第4条の2 第2項. When a notification deadline falls on a
    closed day, it moves to the next open day (地方自治法 第4条の2 第4項).

Expected waits (目安), used by the simulation and the guide
    - 個人番号通知書 (notification letter): mailed 2–4 weeks after registration; contact the
      ward office if it has not arrived 4 weeks after registration (the guide).
    - Card manufacture: 1–2 months from application to the pickup notice (交付通知書).
    - Express issuance (特急発行, since 2024-12-02): about one week (5–7 days), mailed
      (デジタル庁).
"""

from __future__ import annotations

import calendar
import datetime as dt

import jpholiday

ONE_DAY = dt.timedelta(days=1)

# --- Calendar arithmetic -------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` (may be negative); clamps to the month's last day.

    >>> add_months(dt.date(2025, 1, 31), 1)
    datetime.date(2025, 2, 28)
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` moved by whole years; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def period_last_day(start: dt.date, *, months: int) -> dt.date:
    """Last day of a period of ``months`` that counts ``start`` itself (民法 第143条).

    It ends the day before the corresponding day, or on the month's last day when that
    month has no corresponding day: 5 years from 2024-02-29 end on 2029-02-28.
    """
    end = add_months(start, months)
    return end if end.day < start.day else end - ONE_DAY


def first_of_next_month(day: dt.date) -> dt.date:
    """The 1st of the month after ``day``'s month."""
    return add_months(day.replace(day=1), 1)


def birthday_in(date_of_birth: dt.date, year: int) -> dt.date:
    """The birthday (誕生日) in ``year``: 28 February in a common year for a 29 February birth."""
    return add_years(date_of_birth, year - date_of_birth.year)


def reaches_age_on(date_of_birth: dt.date, age: int) -> dt.date:
    """The day the person reaches ``age`` (N歳に達する日): the day before the N-th birthday.

    For a 29 February birth this is always 28 February (民法 第143条 第2項).
    """
    if (date_of_birth.month, date_of_birth.day) == (2, 29):
        return dt.date(date_of_birth.year + age, 2, 28)
    return add_years(date_of_birth, age) - ONE_DAY


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Age on ``day`` under 年齢計算ニ関スル法律 (the new age starts the day after reaching it).

    A 29 February child is still 17 on 28 February of a common year and 18 on 1 March.
    """
    if day < date_of_birth:
        raise ValueError("age_on: the day is before the date of birth")
    age = day.year - date_of_birth.year
    if day <= reaches_age_on(date_of_birth, age):
        age -= 1
    return age


def nth_birthday_after(date_of_birth: dt.date, day: dt.date, n: int) -> dt.date:
    """The ``n``-th birthday strictly after ``day`` (a birthday on ``day`` itself is not counted).

    Used for "until the 10th (5th) birthday after the day of issue" (番号法施行規則 第26条).
    """
    if n < 1:
        raise ValueError("nth_birthday_after: n must be at least 1")
    year = day.year if birthday_in(date_of_birth, day.year) > day else day.year + 1
    return birthday_in(date_of_birth, year + n - 1)


# --- Ward-office days ----------------------------------------------------------------------


def is_new_year_closure(day: dt.date) -> bool:
    """29 December – 3 January, when ward offices are closed (年末年始の休日)."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_business_day(day: dt.date) -> bool:
    """Whether ward offices are open: not a weekend, national holiday or New Year closure."""
    return day.weekday() < 5 and not jpholiday.is_holiday(day) and not is_new_year_closure(day)


def business_day_on_or_after(day: dt.date) -> dt.date:
    """``day`` if the ward office is open then, else the next day it is open."""
    while not is_business_day(day):
        day += ONE_DAY
    return day


def add_business_days(day: dt.date, days: int) -> dt.date:
    """The ``days``-th open day after ``day`` (before it when negative; ``0`` → ``day``)."""
    step = ONE_DAY if days >= 0 else -ONE_DAY
    remaining = abs(days)
    while remaining:
        day += step
        if is_business_day(day):
            remaining -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Open days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        count += is_business_day(day)
    return count


# --- Expected waits ------------------------------------------------------------------------

LETTER_EARLIEST = dt.timedelta(weeks=2)
LETTER_LATEST = dt.timedelta(weeks=4)
MANUFACTURE_EARLIEST_MONTHS = 1
MANUFACTURE_LATEST_MONTHS = 2
EXPRESS_EARLIEST = dt.timedelta(days=5)
EXPRESS_LATEST = dt.timedelta(days=7)


def notification_letter_window(registered_on: dt.date) -> tuple[dt.date, dt.date]:
    """When the 個人番号通知書 should arrive: 2 to 4 weeks after registration (inclusive)."""
    return registered_on + LETTER_EARLIEST, registered_on + LETTER_LATEST


def letter_is_overdue(registered_on: dt.date, today: dt.date) -> bool:
    """True once 4 weeks have passed with no letter: contact the ward office (the guide)."""
    return today > registered_on + LETTER_LATEST


def contact_ward_office_about_letter_from(registered_on: dt.date) -> dt.date:
    """The first day to ask the ward office about a letter that has not come."""
    return registered_on + LETTER_LATEST + ONE_DAY


def pickup_notice_window(applied_on: dt.date) -> tuple[dt.date, dt.date]:
    """When the 交付通知書 should arrive: 1 to 2 months after the card application."""
    return (
        add_months(applied_on, MANUFACTURE_EARLIEST_MONTHS),
        add_months(applied_on, MANUFACTURE_LATEST_MONTHS),
    )


def pickup_notice_is_overdue(applied_on: dt.date, today: dt.date) -> bool:
    """True once 2 months have passed since the application with no pickup notice."""
    return today > pickup_notice_window(applied_on)[1]


def express_card_window(requested_on: dt.date) -> tuple[dt.date, dt.date]:
    """When an express-issued card (特急発行) should arrive by post: about one week."""
    return requested_on + EXPRESS_EARLIEST, requested_on + EXPRESS_LATEST
