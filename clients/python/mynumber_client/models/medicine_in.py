from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MedicineIn")


@_attrs_define
class MedicineIn:
    """
    Attributes:
        name (str):
        days (int):
        dose (str | Unset):  Default: ''.
    """

    name: str
    days: int
    dose: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        days = self.days

        dose = self.dose

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "days": days,
            }
        )
        if dose is not UNSET:
            field_dict["dose"] = dose

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        days = d.pop("days")

        dose = d.pop("dose", UNSET)

        medicine_in = cls(
            name=name,
            days=days,
            dose=dose,
        )

        medicine_in.additional_properties = d
        return medicine_in

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
