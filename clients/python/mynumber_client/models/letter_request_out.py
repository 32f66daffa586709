from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LetterRequestOut")


@_attrs_define
class LetterRequestOut:
    """
    Attributes:
        request_id (str): An opaque reference to a request
        status (str):
        letter_id (None | str):
        valid_until (None | str):
    """

    request_id: str
    status: str
    letter_id: None | str
    valid_until: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        request_id = self.request_id

        status = self.status

        letter_id: None | str
        letter_id = self.letter_id

        valid_until: None | str
        valid_until = self.valid_until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "request_id": request_id,
                "status": status,
                "letter_id": letter_id,
                "valid_until": valid_until,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        request_id = d.pop("request_id")

        status = d.pop("status")

        def _parse_letter_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        letter_id = _parse_letter_id(d.pop("letter_id"))

        def _parse_valid_until(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        valid_until = _parse_valid_until(d.pop("valid_until"))

        letter_request_out = cls(
            request_id=request_id,
            status=status,
            letter_id=letter_id,
            valid_until=valid_until,
        )

        letter_request_out.additional_properties = d
        return letter_request_out

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
