from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EndorsementLine")


@_attrs_define
class EndorsementLine:
    """One change the ward office wrote on the card (``on_face``: a line of the 追記欄).

    Attributes:
        kind (str):
        endorsed_on (datetime.date):
        on_face (bool):
    """

    kind: str
    endorsed_on: datetime.date
    on_face: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        endorsed_on = self.endorsed_on.isoformat()

        on_face = self.on_face

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "endorsed_on": endorsed_on,
                "on_face": on_face,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = d.pop("kind")

        endorsed_on = datetime.date.fromisoformat(d.pop("endorsed_on"))

        on_face = d.pop("on_face")

        endorsement_line = cls(
            kind=kind,
            endorsed_on=endorsed_on,
            on_face=on_face,
        )

        endorsement_line.additional_properties = d
        return endorsement_line

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
