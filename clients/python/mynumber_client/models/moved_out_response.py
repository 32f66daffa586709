from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="MovedOutResponse")


@_attrs_define
class MovedOutResponse:
    """
    Attributes:
        person_id (str): An opaque reference to a person
        status (str): The registration's status after the 転出届
        moved_to (None | str): Municipality code, or 'abroad'
    """

    person_id: str
    status: str
    moved_to: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = self.person_id

        status = self.status

        moved_to: None | str
        moved_to = self.moved_to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "person_id": person_id,
                "status": status,
                "moved_to": moved_to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        person_id = d.pop("person_id")

        status = d.pop("status")

        def _parse_moved_to(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        moved_to = _parse_moved_to(d.pop("moved_to"))

        moved_out_response = cls(
            person_id=person_id,
            status=status,
            moved_to=moved_to,
        )

        moved_out_response.additional_properties = d
        return moved_out_response

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
