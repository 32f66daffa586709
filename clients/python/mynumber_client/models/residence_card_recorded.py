from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ResidenceCardRecorded")


@_attrs_define
class ResidenceCardRecorded:
    """
    Attributes:
        person_id (str): An opaque reference to a person
        residence_card_number (str):
        status_of_residence (str):
        period_of_stay_ends (datetime.date | None):
    """

    person_id: str
    residence_card_number: str
    status_of_residence: str
    period_of_stay_ends: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = self.person_id

        residence_card_number = self.residence_card_number

        status_of_residence = self.status_of_residence

        period_of_stay_ends: None | str
        if isinstance(self.period_of_stay_ends, datetime.date):
            period_of_stay_ends = self.period_of_stay_ends.isoformat()
        else:
            period_of_stay_ends = self.period_of_stay_ends

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "person_id": person_id,
                "residence_card_number": residence_card_number,
                "status_of_residence": status_of_residence,
                "period_of_stay_ends": period_of_stay_ends,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        person_id = d.pop("person_id")

        residence_card_number = d.pop("residence_card_number")

        status_of_residence = d.pop("status_of_residence")

        def _parse_period_of_stay_ends(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_of_stay_ends_type_0 = datetime.date.fromisoformat(data)

                return period_of_stay_ends_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        period_of_stay_ends = _parse_period_of_stay_ends(d.pop("period_of_stay_ends"))

        residence_card_recorded = cls(
            person_id=person_id,
            residence_card_number=residence_card_number,
            status_of_residence=status_of_residence,
            period_of_stay_ends=period_of_stay_ends,
        )

        residence_card_recorded.additional_properties = d
        return residence_card_recorded

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
