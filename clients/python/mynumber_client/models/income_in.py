from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.income_class import IncomeClass
from ..types import UNSET, Unset

T = TypeVar("T", bound="IncomeIn")


@_attrs_define
class IncomeIn:
    """
    Attributes:
        income_class (IncomeClass): The insurer's yearly income class (所得区分), by standard monthly remuneration.
        certain_income (bool | Unset):  Default: False.
    """

    income_class: IncomeClass
    certain_income: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        income_class = self.income_class.value

        certain_income = self.certain_income

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "income_class": income_class,
            }
        )
        if certain_income is not UNSET:
            field_dict["certain_income"] = certain_income

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        income_class = IncomeClass(d.pop("income_class"))

        certain_income = d.pop("certain_income", UNSET)

        income_in = cls(
            income_class=income_class,
            certain_income=certain_income,
        )

        income_in.additional_properties = d
        return income_in

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
