from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.pin_kind import PinKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="UseRequest")


@_attrs_define
class UseRequest:
    """
    Attributes:
        pin (str):
        pin_kind (PinKind | Unset): The four PINs of the card; the value is a stable identifier.
        checks_address (bool | Unset):  Default: False.
    """

    pin: str
    pin_kind: PinKind | Unset = UNSET
    checks_address: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pin = self.pin

        pin_kind: str | Unset = UNSET
        if not isinstance(self.pin_kind, Unset):
            pin_kind = self.pin_kind.value

        checks_address = self.checks_address

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pin": pin,
            }
        )
        if pin_kind is not UNSET:
            field_dict["pin_kind"] = pin_kind
        if checks_address is not UNSET:
            field_dict["checks_address"] = checks_address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pin = d.pop("pin")

        _pin_kind = d.pop("pin_kind", UNSET)
        pin_kind: PinKind | Unset
        if isinstance(_pin_kind, Unset):
            pin_kind = UNSET
        else:
            pin_kind = PinKind(_pin_kind)

        checks_address = d.pop("checks_address", UNSET)

        use_request = cls(
            pin=pin,
            pin_kind=pin_kind,
            checks_address=checks_address,
        )

        use_request.additional_properties = d
        return use_request

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
