from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.insurer_checkup_in_results import InsurerCheckupInResults


T = TypeVar("T", bound="InsurerCheckupIn")


@_attrs_define
class InsurerCheckupIn:
    """
    Attributes:
        results (InsurerCheckupInResults):
        examined_on (datetime.date):
        judgement (str | Unset):  Default: ''.
    """

    results: InsurerCheckupInResults
    examined_on: datetime.date
    judgement: str | Unset = ""
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        results = self.results.to_dict()

        examined_on = self.examined_on.isoformat()

        judgement = self.judgement

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "results": results,
                "examined_on": examined_on,
            }
        )
        if judgement is not UNSET:
            field_dict["judgement"] = judgement

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.insurer_checkup_in_results import InsurerCheckupInResults  # noqa: PLC0415

        d = dict(src_dict)
        results = InsurerCheckupInResults.from_dict(d.pop("results"))

        examined_on = datetime.date.fromisoformat(d.pop("examined_on"))

        judgement = d.pop("judgement", UNSET)

        insurer_checkup_in = cls(
            results=results,
            examined_on=examined_on,
            judgement=judgement,
        )

        insurer_checkup_in.additional_properties = d
        return insurer_checkup_in

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
