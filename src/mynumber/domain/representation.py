"""法定代理人と年齢 — the ages at which a child's card is different (minimal rule for the
guide; the counter's checks of the representative are added with issue 17's children work).

RULES.md "The card" — children (J-LIS; municipal guidance):

- **under 15** on the day, the legal representative (法定代理人: a parent with parental
  authority or a guardian) applies, comes to the collection with the child and sets the
  PINs (``represented_on``);
- **under 1** on the day of the application, from 2024-12-02, the card carries **no photo**
  (``photo_on_card``): the application day decides, because that is the day a photo would
  be taken.

Ages follow 年齢計算ニ関スル法律 (``timelines.age_on``).
"""

from __future__ import annotations

import datetime as dt

from mynumber.domain.timelines import age_on

#: Under this age on the day, the legal representative acts for the child.
REPRESENTED_UNDER = 15
#: Under this age on the application day, the card carries no photo (since 2024-12-02).
NO_PHOTO_UNDER = 1
NO_PHOTO_FROM = dt.date(2024, 12, 2)


def is_under(date_of_birth: dt.date, age: int, on: dt.date) -> bool:
    """Whether the person is younger than ``age`` on ``on`` (年齢計算ニ関スル法律)."""
    return age_on(date_of_birth, on) < age


def represented_on(date_of_birth: dt.date, on: dt.date) -> bool:
    """Whether the legal representative applies, collects with the child and sets the
    PINs: under 15 on that day."""
    return is_under(date_of_birth, REPRESENTED_UNDER, on)


def photo_on_card(date_of_birth: dt.date, applied_on: dt.date) -> bool:
    """Whether the card carries a face photo: not for an infant under 1 on the day of the
    application, from 2024-12-02."""
    return applied_on < NO_PHOTO_FROM or not is_under(date_of_birth, NO_PHOTO_UNDER, applied_on)
