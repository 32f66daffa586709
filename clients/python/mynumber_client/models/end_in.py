from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.loss_reason import LossReason

T = TypeVar("T", bound="EndIn")


@_attrs_define
class EndIn:
    """
    Attributes:
        last_day (datetime.date):
        reason (LossReason): Why an enrolment ends (資格喪失の事由): a closed list, because the reason is kept with
            the enrolment and written to the audit log, which free text must never reach.
    """

    last_day: datetime.date
    reason: LossReason
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        last_day = self.last_day.isoformat()

        reason = self.reason.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "last_day": last_day,
                "reason": reason,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        last_day = datetime.date.fromisoformat(d.pop("last_day"))

        reason = LossReason(d.pop("reason"))

        end_in = cls(
            last_day=last_day,
            reason=reason,
        )

        end_in.additional_properties = d
        return end_in

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
