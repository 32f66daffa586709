from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.insurer_kind import InsurerKind
from ..models.organisation_kind import OrganisationKind
from ..types import UNSET, Unset

T = TypeVar("T", bound="OrganisationIn")


@_attrs_define
class OrganisationIn:
    """
    Attributes:
        kind (OrganisationKind): What the sandbox admin can add.
        name (str):
        name_ja (str | Unset):  Default: ''.
        code (str | Unset): municipality: 6-digit local government code; clinic: 10-digit medical institution code;
            insurer: insurer number; employer: 13-digit corporate number Default: ''.
        municipality_code (None | str | Unset): A National Health Insurance's municipality
        insurer_kind (InsurerKind | Unset): The kinds of insurer a clinic meets.
        insurer_number (None | str | Unset): An employer's health insurance association
        address (str | Unset):  Default: ''.
    """

    kind: OrganisationKind
    name: str
    name_ja: str | Unset = ""
    code: str | Unset = ""
    municipality_code: None | str | Unset = UNSET
    insurer_kind: InsurerKind | Unset = UNSET
    insurer_number: None | str | Unset = UNSET
    address: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        name = self.name

        name_ja = self.name_ja

        code = self.code

        municipality_code: None | str | Unset
        if isinstance(self.municipality_code, Unset):
            municipality_code = UNSET
        else:
            municipality_code = self.municipality_code

        insurer_kind: str | Unset = UNSET
        if not isinstance(self.insurer_kind, Unset):
            insurer_kind = self.insurer_kind.value

        insurer_number: None | str | Unset
        if isinstance(self.insurer_number, Unset):
            insurer_number = UNSET
        else:
            insurer_number = self.insurer_number

        address = self.address

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
                "name": name,
            }
        )
        if name_ja is not UNSET:
            field_dict["name_ja"] = name_ja
        if code is not UNSET:
            field_dict["code"] = code
        if municipality_code is not UNSET:
            field_dict["municipality_code"] = municipality_code
        if insurer_kind is not UNSET:
            field_dict["insurer_kind"] = insurer_kind
        if insurer_number is not UNSET:
            field_dict["insurer_number"] = insurer_number
        if address is not UNSET:
            field_dict["address"] = address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = OrganisationKind(d.pop("kind"))

        name = d.pop("name")

        name_ja = d.pop("name_ja", UNSET)

        code = d.pop("code", UNSET)

        def _parse_municipality_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        municipality_code = _parse_municipality_code(d.pop("municipality_code", UNSET))

        _insurer_kind = d.pop("insurer_kind", UNSET)
        insurer_kind: InsurerKind | Unset
        if isinstance(_insurer_kind, Unset):
            insurer_kind = UNSET
        else:
            insurer_kind = InsurerKind(_insurer_kind)

        def _parse_insurer_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        insurer_number = _parse_insurer_number(d.pop("insurer_number", UNSET))

        address = d.pop("address", UNSET)

        organisation_in = cls(
            kind=kind,
            name=name,
            name_ja=name_ja,
            code=code,
            municipality_code=municipality_code,
            insurer_kind=insurer_kind,
            insurer_number=insurer_number,
            address=address,
        )

        organisation_in.additional_properties = d
        return organisation_in

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
