from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ResidentTokenResponse")


@_attrs_define
class ResidentTokenResponse:
    """
    Attributes:
        token (str): The resident's API token (Authorization: Bearer), shown once
        person_id (str): An opaque reference to a person
        expires_at (datetime.datetime):
    """

    token: str
    person_id: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        person_id = self.person_id

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "token": token,
                "person_id": person_id,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        person_id = d.pop("person_id")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        resident_token_response = cls(
            token=token,
            person_id=person_id,
            expires_at=expires_at,
        )

        resident_token_response.additional_properties = d
        return resident_token_response

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
