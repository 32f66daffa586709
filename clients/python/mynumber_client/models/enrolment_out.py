from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EnrolmentOut")


@_attrs_define
class EnrolmentOut:
    """
    Attributes:
        enrolment_id (str): An opaque reference to a enrolment
        person_id (str): An opaque reference to a person
        symbol (str):
        number (str):
        branch (str):
        income_class (str):
        valid_from (datetime.date):
        valid_until (datetime.date | None):
    """

    enrolment_id: str
    person_id: str
    symbol: str
    number: str
    branch: str
    income_class: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enrolment_id = self.enrolment_id

        person_id = self.person_id

        symbol = self.symbol

        number = self.number

        branch = self.branch

        income_class = self.income_class

        valid_from = self.valid_from.isoformat()

        valid_until: None | str
        if isinstance(self.valid_until, datetime.date):
            valid_until = self.valid_until.isoformat()
        else:
            valid_until = self.valid_until

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enrolment_id": enrolment_id,
                "person_id": person_id,
                "symbol": symbol,
                "number": number,
                "branch": branch,
                "income_class": income_class,
                "valid_from": valid_from,
                "valid_until": valid_until,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enrolment_id = d.pop("enrolment_id")

        person_id = d.pop("person_id")

        symbol = d.pop("symbol")

        number = d.pop("number")

        branch = d.pop("branch")

        income_class = d.pop("income_class")

        valid_from = datetime.date.fromisoformat(d.pop("valid_from"))

        def _parse_valid_until(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_until_type_0 = datetime.date.fromisoformat(data)

                return valid_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        valid_until = _parse_valid_until(d.pop("valid_until"))

        enrolment_out = cls(
            enrolment_id=enrolment_id,
            person_id=person_id,
            symbol=symbol,
            number=number,
            branch=branch,
            income_class=income_class,
            valid_from=valid_from,
            valid_until=valid_until,
        )

        enrolment_out.additional_properties = d
        return enrolment_out

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
