from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EmployeeView")


@_attrs_define
class EmployeeView:
    """An employee as staff see them: never the number, only whether it is on file.

    Attributes:
        id (str): An opaque reference to a employee
        employee_code (str):
        name (str):
        name_kana (str):
        address (str):
        hired_on (datetime.date):
        left_on (datetime.date | None):
        number_status (str):
    """

    id: str
    employee_code: str
    name: str
    name_kana: str
    address: str
    hired_on: datetime.date
    left_on: datetime.date | None
    number_status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        employee_code = self.employee_code

        name = self.name

        name_kana = self.name_kana

        address = self.address

        hired_on = self.hired_on.isoformat()

        left_on: None | str
        if isinstance(self.left_on, datetime.date):
            left_on = self.left_on.isoformat()
        else:
            left_on = self.left_on

        number_status = self.number_status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "employee_code": employee_code,
                "name": name,
                "name_kana": name_kana,
                "address": address,
                "hired_on": hired_on,
                "left_on": left_on,
                "number_status": number_status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        employee_code = d.pop("employee_code")

        name = d.pop("name")

        name_kana = d.pop("name_kana")

        address = d.pop("address")

        hired_on = datetime.date.fromisoformat(d.pop("hired_on"))

        def _parse_left_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                left_on_type_0 = datetime.date.fromisoformat(data)

                return left_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        left_on = _parse_left_on(d.pop("left_on"))

        number_status = d.pop("number_status")

        employee_view = cls(
            id=id,
            employee_code=employee_code,
            name=name,
            name_kana=name_kana,
            address=address,
            hired_on=hired_on,
            left_on=left_on,
            number_status=number_status,
        )

        employee_view.additional_properties = d
        return employee_view

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
