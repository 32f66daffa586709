from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ArrivalView")


@_attrs_define
class ArrivalView:
    """An announced arrival as the new office's counter sees it.

    Attributes:
        person_id (str): An opaque reference to a person
        name_latin (str):
        date_of_birth (datetime.date):
        from_municipality (str):
        planned_move_on (datetime.date):
        visit_on (datetime.date):
        visit_deadline (datetime.date):
        overdue (bool):
    """

    person_id: str
    name_latin: str
    date_of_birth: datetime.date
    from_municipality: str
    planned_move_on: datetime.date
    visit_on: datetime.date
    visit_deadline: datetime.date
    overdue: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = self.person_id

        name_latin = self.name_latin

        date_of_birth = self.date_of_birth.isoformat()

        from_municipality = self.from_municipality

        planned_move_on = self.planned_move_on.isoformat()

        visit_on = self.visit_on.isoformat()

        visit_deadline = self.visit_deadline.isoformat()

        overdue = self.overdue

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "person_id": person_id,
                "name_latin": name_latin,
                "date_of_birth": date_of_birth,
                "from_municipality": from_municipality,
                "planned_move_on": planned_move_on,
                "visit_on": visit_on,
                "visit_deadline": visit_deadline,
                "overdue": overdue,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        person_id = d.pop("person_id")

        name_latin = d.pop("name_latin")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        from_municipality = d.pop("from_municipality")

        planned_move_on = datetime.date.fromisoformat(d.pop("planned_move_on"))

        visit_on = datetime.date.fromisoformat(d.pop("visit_on"))

        visit_deadline = datetime.date.fromisoformat(d.pop("visit_deadline"))

        overdue = d.pop("overdue")

        arrival_view = cls(
            person_id=person_id,
            name_latin=name_latin,
            date_of_birth=date_of_birth,
            from_municipality=from_municipality,
            planned_move_on=planned_move_on,
            visit_on=visit_on,
            visit_deadline=visit_deadline,
            overdue=overdue,
        )

        arrival_view.additional_properties = d
        return arrival_view

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
