from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Consent")


@_attrs_define
class Consent:
    """What the patient agreed to share at this visit (each item separately).

    Attributes:
        medication (bool | Unset):  Default: False.
        checkups (bool | Unset):  Default: False.
        limit_amount (bool | Unset):  Default: False.
    """

    medication: bool | Unset = False
    checkups: bool | Unset = False
    limit_amount: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        medication = self.medication

        checkups = self.checkups

        limit_amount = self.limit_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if medication is not UNSET:
            field_dict["medication"] = medication
        if checkups is not UNSET:
            field_dict["checkups"] = checkups
        if limit_amount is not UNSET:
            field_dict["limit_amount"] = limit_amount

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        medication = d.pop("medication", UNSET)

        checkups = d.pop("checkups", UNSET)

        limit_amount = d.pop("limit_amount", UNSET)

        consent = cls(
            medication=medication,
            checkups=checkups,
            limit_amount=limit_amount,
        )

        consent.additional_properties = d
        return consent

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
