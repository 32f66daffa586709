from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LetterCheck")


@_attrs_define
class LetterCheck:
    """
    Attributes:
        insurer_number (str):
        number (str):
        branch (str):
        date_of_birth (datetime.date):
        symbol (str | Unset):  Default: ''.
    """

    insurer_number: str
    number: str
    branch: str
    date_of_birth: datetime.date
    symbol: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        insurer_number = self.insurer_number

        number = self.number

        branch = self.branch

        date_of_birth = self.date_of_birth.isoformat()

        symbol = self.symbol

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "insurer_number": insurer_number,
                "number": number,
                "branch": branch,
                "date_of_birth": date_of_birth,
            }
        )
        if symbol is not UNSET:
            field_dict["symbol"] = symbol

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        insurer_number = d.pop("insurer_number")

        number = d.pop("number")

        branch = d.pop("branch")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        symbol = d.pop("symbol", UNSET)

        letter_check = cls(
            insurer_number=insurer_number,
            number=number,
            branch=branch,
            date_of_birth=date_of_birth,
            symbol=symbol,
        )

        letter_check.additional_properties = d
        return letter_check

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
