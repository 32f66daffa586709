from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.organisation_kind import OrganisationKind

T = TypeVar("T", bound="OrganisationOut")


@_attrs_define
class OrganisationOut:
    """
    Attributes:
        kind (OrganisationKind): What the sandbox admin can add.
        name (str):
        role (str):
        token (str): Its API token, shown once
        municipality_code (None | str):
        code (str):
    """

    kind: OrganisationKind
    name: str
    role: str
    token: str
    municipality_code: None | str
    code: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        name = self.name

        role = self.role

        token = self.token

        municipality_code: None | str
        municipality_code = self.municipality_code

        code = self.code

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "name": name,
                "role": role,
                "token": token,
                "municipality_code": municipality_code,
                "code": code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = OrganisationKind(d.pop("kind"))

        name = d.pop("name")

        role = d.pop("role")

        token = d.pop("token")

        def _parse_municipality_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        municipality_code = _parse_municipality_code(d.pop("municipality_code"))

        code = d.pop("code")

        organisation_out = cls(
            kind=kind,
            name=name,
            role=role,
            token=token,
            municipality_code=municipality_code,
            code=code,
        )

        organisation_out.additional_properties = d
        return organisation_out

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
