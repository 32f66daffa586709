from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ClockMoved")


@_attrs_define
class ClockMoved:
    """A move of the clock, and the work that was due on the way.

    Attributes:
        was (datetime.datetime):
        now (datetime.datetime):
        today (datetime.date):
        rounds (int):
        cards_made (int):
        applications_cancelled (int):
        mail_settled (int):
        renewal_notices (int):
        cards_lapsed (int):
    """

    was: datetime.datetime
    now: datetime.datetime
    today: datetime.date
    rounds: int
    cards_made: int
    applications_cancelled: int
    mail_settled: int
    renewal_notices: int
    cards_lapsed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        was = self.was.isoformat()

        now = self.now.isoformat()

        today = self.today.isoformat()

        rounds = self.rounds

        cards_made = self.cards_made

        applications_cancelled = self.applications_cancelled

        mail_settled = self.mail_settled

        renewal_notices = self.renewal_notices

        cards_lapsed = self.cards_lapsed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "was": was,
                "now": now,
                "today": today,
                "rounds": rounds,
                "cards_made": cards_made,
                "applications_cancelled": applications_cancelled,
                "mail_settled": mail_settled,
                "renewal_notices": renewal_notices,
                "cards_lapsed": cards_lapsed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        was = datetime.datetime.fromisoformat(d.pop("was"))

        now = datetime.datetime.fromisoformat(d.pop("now"))

        today = datetime.date.fromisoformat(d.pop("today"))

        rounds = d.pop("rounds")

        cards_made = d.pop("cards_made")

        applications_cancelled = d.pop("applications_cancelled")

        mail_settled = d.pop("mail_settled")

        renewal_notices = d.pop("renewal_notices")

        cards_lapsed = d.pop("cards_lapsed")

        clock_moved = cls(
            was=was,
            now=now,
            today=today,
            rounds=rounds,
            cards_made=cards_made,
            applications_cancelled=applications_cancelled,
            mail_settled=mail_settled,
            renewal_notices=renewal_notices,
            cards_lapsed=cards_lapsed,
        )

        clock_moved.additional_properties = d
        return clock_moved

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
