from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EmployeeNumberChanged")


@_attrs_define
class EmployeeNumberChanged:
    """番号変更の通知: an employee's My Number was changed; collect the new one. No digits.

    Attributes:
        employee_id (str): An opaque reference to a employee
        employee_code (str):
        name (str):
        changed_on (datetime.date):
        updated (bool):
    """

    employee_id: str
    employee_code: str
    name: str
    changed_on: datetime.date
    updated: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        employee_id = self.employee_id

        employee_code = self.employee_code

        name = self.name

        changed_on = self.changed_on.isoformat()

        updated = self.updated

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "employee_id": employee_id,
                "employee_code": employee_code,
                "name": name,
                "changed_on": changed_on,
                "updated": updated,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        employee_id = d.pop("employee_id")

        employee_code = d.pop("employee_code")

        name = d.pop("name")

        changed_on = datetime.date.fromisoformat(d.pop("changed_on"))

        updated = d.pop("updated")

        employee_number_changed = cls(
            employee_id=employee_id,
            employee_code=employee_code,
            name=name,
            changed_on=changed_on,
            updated=updated,
        )

        employee_number_changed.additional_properties = d
        return employee_number_changed

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
