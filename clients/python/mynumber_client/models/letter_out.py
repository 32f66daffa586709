from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LetterOut")


@_attrs_define
class LetterOut:
    """
    Attributes:
        letter_id (str): An opaque reference to a letter
        enrolment_id (str): An opaque reference to a enrolment
        issued_on (datetime.date):
        valid_from (datetime.date):
        valid_until (datetime.date):
        reason (str):
    """

    letter_id: str
    enrolment_id: str
    issued_on: datetime.date
    valid_from: datetime.date
    valid_until: datetime.date
    reason: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        letter_id = self.letter_id

        enrolment_id = self.enrolment_id

        issued_on = self.issued_on.isoformat()

        valid_from = self.valid_from.isoformat()

        valid_until = self.valid_until.isoformat()

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "letter_id": letter_id,
                "enrolment_id": enrolment_id,
                "issued_on": issued_on,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        letter_id = d.pop("letter_id")

        enrolment_id = d.pop("enrolment_id")

        issued_on = datetime.date.fromisoformat(d.pop("issued_on"))

        valid_from = datetime.date.fromisoformat(d.pop("valid_from"))

        valid_until = datetime.date.fromisoformat(d.pop("valid_until"))

        reason = d.pop("reason")

        letter_out = cls(
            letter_id=letter_id,
            enrolment_id=enrolment_id,
            issued_on=issued_on,
            valid_from=valid_from,
            valid_until=valid_until,
            reason=reason,
        )

        letter_out.additional_properties = d
        return letter_out

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
