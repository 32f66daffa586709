from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ConsentBody")


@_attrs_define
class ConsentBody:
    """What the patient chose on the terminal's screen for this visit (in a check request:
    refused if any is set — consent is ``/clinic/visits/{visit}/consent``, signed by the
    card).

        Attributes:
            medication (bool | Unset): Share past medication (薬剤情報) Default: False.
            checkups (bool | Unset): Share check-up results (特定健診情報) Default: False.
            limit_amount (bool | Unset): Share the limit-amount category (限度額) Default: False.
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

        consent_body = cls(
            medication=medication,
            checkups=checkups,
            limit_amount=limit_amount,
        )

        consent_body.additional_properties = d
        return consent_body

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
