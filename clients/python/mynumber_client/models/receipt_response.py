from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ReceiptResponse")


@_attrs_define
class ReceiptResponse:
    """
    Attributes:
        receipt_number (str):
        tax_year (int):
        signed_at (datetime.datetime):
        received_at (datetime.datetime):
    """

    receipt_number: str
    tax_year: int
    signed_at: datetime.datetime
    received_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        receipt_number = self.receipt_number

        tax_year = self.tax_year

        signed_at = self.signed_at.isoformat()

        received_at = self.received_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "receipt_number": receipt_number,
                "tax_year": tax_year,
                "signed_at": signed_at,
                "received_at": received_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        receipt_number = d.pop("receipt_number")

        tax_year = d.pop("tax_year")

        signed_at = datetime.datetime.fromisoformat(d.pop("signed_at"))

        received_at = datetime.datetime.fromisoformat(d.pop("received_at"))

        receipt_response = cls(
            receipt_number=receipt_number,
            tax_year=tax_year,
            signed_at=signed_at,
            received_at=received_at,
        )

        receipt_response.additional_properties = d
        return receipt_response

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
