from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.number_change_ground import NumberChangeGround

T = TypeVar("T", bound="NumberChangeRequest")


@_attrs_define
class NumberChangeRequest:
    """
    Attributes:
        ground (NumberChangeGround): Who asked for the change (番号法 第7条第2項: 請求又は職権).
        leaked (bool): The number has leaked (checked by the office)
        fraud_feared (bool): It may be used fraudulently (checked by the office)
    """

    ground: NumberChangeGround
    leaked: bool
    fraud_feared: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ground = self.ground.value

        leaked = self.leaked

        fraud_feared = self.fraud_feared

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ground": ground,
                "leaked": leaked,
                "fraud_feared": fraud_feared,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ground = NumberChangeGround(d.pop("ground"))

        leaked = d.pop("leaked")

        fraud_feared = d.pop("fraud_feared")

        number_change_request = cls(
            ground=ground,
            leaked=leaked,
            fraud_feared=fraud_feared,
        )

        number_change_request.additional_properties = d
        return number_change_request

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
