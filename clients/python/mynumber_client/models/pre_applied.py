from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pin_kind import PinKind

T = TypeVar("T", bound="PreApplied")


@_attrs_define
class PreApplied:
    """
    Attributes:
        serial (str):
        pin (PinKind): The four PINs of the card; the value is a stable identifier.
        usable_until (datetime.datetime): Reset at a kiosk before this moment
    """

    serial: str
    pin: PinKind
    usable_until: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        serial = self.serial

        pin = self.pin.value

        usable_until = self.usable_until.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "serial": serial,
                "pin": pin,
                "usable_until": usable_until,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        serial = d.pop("serial")

        pin = PinKind(d.pop("pin"))

        usable_until = datetime.datetime.fromisoformat(d.pop("usable_until"))

        pre_applied = cls(
            serial=serial,
            pin=pin,
            usable_until=usable_until,
        )

        pre_applied.additional_properties = d
        return pre_applied

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
