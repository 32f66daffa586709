from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="AccessView")


@_attrs_define
class AccessView:
    """One line of "who looked at my data": when, who, in which role, and what.

    Attributes:
        at (datetime.datetime):
        actor (str):
        role (str):
        action (str):
        detail (str):
    """

    at: datetime.datetime
    actor: str
    role: str
    action: str
    detail: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at.isoformat()

        actor = self.actor

        role = self.role

        action = self.action

        detail = self.detail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "actor": actor,
                "role": role,
                "action": action,
                "detail": detail,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        at = datetime.datetime.fromisoformat(d.pop("at"))

        actor = d.pop("actor")

        role = d.pop("role")

        action = d.pop("action")

        detail = d.pop("detail")

        access_view = cls(
            at=at,
            actor=actor,
            role=role,
            action=action,
            detail=detail,
        )

        access_view.additional_properties = d
        return access_view

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
