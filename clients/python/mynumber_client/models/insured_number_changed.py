from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="InsuredNumberChanged")


@_attrs_define
class InsuredNumberChanged:
    """番号変更の通知: an insured person's My Number was changed; update the number the
    insurer keeps for them (read it anew, for social security). No digits.

        Attributes:
            enrolment_id (str): An opaque reference to a enrolment
            person_id (str): An opaque reference to a person
            changed_on (datetime.date):
    """

    enrolment_id: str
    person_id: str
    changed_on: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enrolment_id = self.enrolment_id

        person_id = self.person_id

        changed_on = self.changed_on.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enrolment_id": enrolment_id,
                "person_id": person_id,
                "changed_on": changed_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enrolment_id = d.pop("enrolment_id")

        person_id = d.pop("person_id")

        changed_on = datetime.date.fromisoformat(d.pop("changed_on"))

        insured_number_changed = cls(
            enrolment_id=enrolment_id,
            person_id=person_id,
            changed_on=changed_on,
        )

        insured_number_changed.additional_properties = d
        return insured_number_changed

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
