from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OnlineMovingOutResponse")


@_attrs_define
class OnlineMovingOutResponse:
    """
    Attributes:
        destination (str):
        planned_move_on (datetime.date):
        visit_on (datetime.date):
        visit_deadline (datetime.date): File the 転入届 in person with the card by this day, or the card lapses
        late (bool): Filed more than 14 days after the move (accepted)
    """

    destination: str
    planned_move_on: datetime.date
    visit_on: datetime.date
    visit_deadline: datetime.date
    late: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        destination = self.destination

        planned_move_on = self.planned_move_on.isoformat()

        visit_on = self.visit_on.isoformat()

        visit_deadline = self.visit_deadline.isoformat()

        late = self.late

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "destination": destination,
                "planned_move_on": planned_move_on,
                "visit_on": visit_on,
                "visit_deadline": visit_deadline,
                "late": late,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        destination = d.pop("destination")

        planned_move_on = datetime.date.fromisoformat(d.pop("planned_move_on"))

        visit_on = datetime.date.fromisoformat(d.pop("visit_on"))

        visit_deadline = datetime.date.fromisoformat(d.pop("visit_deadline"))

        late = d.pop("late")

        online_moving_out_response = cls(
            destination=destination,
            planned_move_on=planned_move_on,
            visit_on=visit_on,
            visit_deadline=visit_deadline,
            late=late,
        )

        online_moving_out_response.additional_properties = d
        return online_moving_out_response

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
