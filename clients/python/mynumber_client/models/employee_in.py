from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EmployeeIn")


@_attrs_define
class EmployeeIn:
    """
    Attributes:
        employee_code (str):
        name (str):
        address (str):
        hired_on (datetime.date):
        name_kana (str | Unset):  Default: ''.
    """

    employee_code: str
    name: str
    address: str
    hired_on: datetime.date
    name_kana: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        employee_code = self.employee_code

        name = self.name

        address = self.address

        hired_on = self.hired_on.isoformat()

        name_kana = self.name_kana

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "employee_code": employee_code,
                "name": name,
                "address": address,
                "hired_on": hired_on,
            }
        )
        if name_kana is not UNSET:
            field_dict["name_kana"] = name_kana

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        employee_code = d.pop("employee_code")

        name = d.pop("name")

        address = d.pop("address")

        hired_on = datetime.date.fromisoformat(d.pop("hired_on"))

        name_kana = d.pop("name_kana", UNSET)

        employee_in = cls(
            employee_code=employee_code,
            name=name,
            address=address,
            hired_on=hired_on,
            name_kana=name_kana,
        )

        employee_in.additional_properties = d
        return employee_in

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
