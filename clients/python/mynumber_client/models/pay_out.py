from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PayOut")


@_attrs_define
class PayOut:
    """
    Attributes:
        employee_id (str): An opaque reference to a employee
        year (int):
        payment_amount (int):
        withholding_tax (int):
    """

    employee_id: str
    year: int
    payment_amount: int
    withholding_tax: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        employee_id = self.employee_id

        year = self.year

        payment_amount = self.payment_amount

        withholding_tax = self.withholding_tax

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "employee_id": employee_id,
                "year": year,
                "payment_amount": payment_amount,
                "withholding_tax": withholding_tax,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        employee_id = d.pop("employee_id")

        year = d.pop("year")

        payment_amount = d.pop("payment_amount")

        withholding_tax = d.pop("withholding_tax")

        pay_out = cls(
            employee_id=employee_id,
            year=year,
            payment_amount=payment_amount,
            withholding_tax=withholding_tax,
        )

        pay_out.additional_properties = d
        return pay_out

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
