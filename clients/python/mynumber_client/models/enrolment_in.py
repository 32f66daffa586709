from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.income_class import IncomeClass
from ..types import UNSET, Unset

T = TypeVar("T", bound="EnrolmentIn")


@_attrs_define
class EnrolmentIn:
    """
    Attributes:
        person_id (str): An opaque reference to a person
        number (str):
        branch (str):
        valid_from (datetime.date):
        symbol (str | Unset):  Default: ''.
        income_class (IncomeClass | Unset): The insurer's yearly income class (所得区分), by standard monthly remuneration.
        certain_income (bool | Unset):  Default: False.
        employer (str | Unset): The employer, for an employer's insurer (shown to staff; at most 100 characters)
            Default: ''.
    """

    person_id: str
    number: str
    branch: str
    valid_from: datetime.date
    symbol: str | Unset = ""
    income_class: IncomeClass | Unset = UNSET
    certain_income: bool | Unset = False
    employer: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = self.person_id

        number = self.number

        branch = self.branch

        valid_from = self.valid_from.isoformat()

        symbol = self.symbol

        income_class: str | Unset = UNSET
        if not isinstance(self.income_class, Unset):
            income_class = self.income_class.value

        certain_income = self.certain_income

        employer = self.employer

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "person_id": person_id,
                "number": number,
                "branch": branch,
                "valid_from": valid_from,
            }
        )
        if symbol is not UNSET:
            field_dict["symbol"] = symbol
        if income_class is not UNSET:
            field_dict["income_class"] = income_class
        if certain_income is not UNSET:
            field_dict["certain_income"] = certain_income
        if employer is not UNSET:
            field_dict["employer"] = employer

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        person_id = d.pop("person_id")

        number = d.pop("number")

        branch = d.pop("branch")

        valid_from = datetime.date.fromisoformat(d.pop("valid_from"))

        symbol = d.pop("symbol", UNSET)

        _income_class = d.pop("income_class", UNSET)
        income_class: IncomeClass | Unset
        if isinstance(_income_class, Unset):
            income_class = UNSET
        else:
            income_class = IncomeClass(_income_class)

        certain_income = d.pop("certain_income", UNSET)

        employer = d.pop("employer", UNSET)

        enrolment_in = cls(
            person_id=person_id,
            number=number,
            branch=branch,
            valid_from=valid_from,
            symbol=symbol,
            income_class=income_class,
            certain_income=certain_income,
            employer=employer,
        )

        enrolment_in.additional_properties = d
        return enrolment_in

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
