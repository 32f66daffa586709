"""引越しワンストップサービス — moving with the card, online (RULES.md "moving online").

Since 2023-02-06 a card holder files the 転出届 (moving-out notification) through the My
Number Portal (マイナポータル) with the card, and announces the visit to the new municipality
(来庁予定の連絡) with the day they expect to come (デジタル庁, 引越しワンストップサービス). The new
office sees the announced arrival and completes the 転入届 at its counter. What stays:

- The 転出届 is the same notification as at the counter, with its deadline (住基法 第24条:
  before moving, or within 14 days after; a late one is accepted and recorded as late), and
  it revokes the signature certificate when the register changes (RULES.md "address or name
  change") — so the portal has the card sign the filing first.
- It is signed on the card with the **signature certificate** (署名用電子証明書, the
  6–16-character PIN), as an electronic application is (公的個人認証法; マイナポータル's
  引越しの手続: 署名用電子証明書のパスワードが必要).
- The 転入届 itself is **not** online: the holder still comes to the new office in person,
  with the card (継続利用), within 14 days of moving in **and** within 30 days of the planned
  moving-out date, or the card lapses (``deadlines.card_moving_in_deadline``). The announced
  visit day must fall in that window: not before the move, not after the deadline.
- *Policy:* only a move to another municipality in Japan is filed online here; a move abroad
  (国外転出) is filed at the counter, where the card is returned or continues abroad.
"""

from __future__ import annotations

import datetime as dt

from mynumber.domain import deadlines
from mynumber.domain.errors import invalid
from mynumber.domain.registration import ABROAD

ONLINE_MOVING_SINCE = dt.date(2023, 2, 6)
"""The first day the one-stop service took online 転出届 (デジタル庁)."""


def check_online_moving_out(
    *,
    filed_on: dt.date,
    destination: str,
    from_municipality: str,
    planned_move_on: dt.date,
    visit_on: dt.date,
) -> dt.date:
    """Check an online 転出届 and its announced visit; the last day of the window the visit
    must fall in (the card's moving-in deadline, counted from the planned moving date).

    ``visit_on``: the day the holder expects to come to the new office (来庁予定日)."""
    if filed_on < ONLINE_MOVING_SINCE:
        raise invalid(
            "filed_on",
            "Online moving-out notifications are taken from 2023-02-06.",
            "オンラインの転出届は2023年2月6日から受け付けています。",
        )
    if destination == ABROAD:
        raise invalid(
            "destination",
            "A move abroad is filed at the ward office counter, not online (the card is "
            "returned or continues abroad there).",
            "国外への転出は窓口で届け出てください（カードの返納・継続利用の手続きがあります）。",
        )
    if destination == from_municipality:
        raise invalid(
            "destination",
            "Moving within the municipality is a 転居届, not a 転出届.",
            "同じ市区町村内の移動は転居届です。",
        )
    latest = visit_deadline(planned_move_on)
    if visit_on < planned_move_on:
        raise invalid(
            "visit_on",
            "The visit to the new office comes after the move: the 転入届 is filed once you "
            "live there.",
            "転入届は新しい住所に住み始めてから届け出ます。来庁予定日は転出予定日以降にしてください。",
        )
    if visit_on > latest:
        raise invalid(
            "visit_on",
            f"Come to the new office by {latest}: after that the card lapses (14 days from "
            "moving in, and 30 days from the planned moving-out date).",
            f"{latest}までに転入先の窓口へお越しください。それを過ぎるとカードが失効します"
            "（転入から14日以内、かつ転出予定日から30日以内）。",
        )
    return latest


def visit_deadline(planned_move_on: dt.date) -> dt.date:
    """The last day to complete the 転入届 with the card after an online 転出届, counting the
    move in on the planned moving date (the one the holder announced)."""
    return deadlines.card_moving_in_deadline(
        moved_in_on=planned_move_on, planned_moving_out_on=planned_move_on
    )
