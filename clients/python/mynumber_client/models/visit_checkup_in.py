from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.visit_checkup_in_results import VisitCheckupInResults


T = TypeVar("T", bound="VisitCheckupIn")


@_attrs_define
class VisitCheckupIn:
    """
    Attributes:
        results (VisitCheckupInResults):
        judgement (str | Unset):  Default: ''.
        examined_on (datetime.date | None | Unset):
    """

    results: VisitCheckupInResults
    judgement: str | Unset = ""
    examined_on: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        results = self.results.to_dict()

        judgement = self.judgement

        examined_on: None | str | Unset
        if isinstance(self.examined_on, Unset):
            examined_on = UNSET
        elif isinstance(self.examined_on, datetime.date):
            examined_on = self.examined_on.isoformat()
        else:
            examined_on = self.examined_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "results": results,
            }
        )
        if judgement is not UNSET:
            field_dict["judgement"] = judgement
        if examined_on is not UNSET:
            field_dict["examined_on"] = examined_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.visit_checkup_in_results import VisitCheckupInResults  # noqa: PLC0415

        d = dict(src_dict)
        results = VisitCheckupInResults.from_dict(d.pop("results"))

        judgement = d.pop("judgement", UNSET)

        def _parse_examined_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                examined_on_type_0 = datetime.date.fromisoformat(data)

                return examined_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        examined_on = _parse_examined_on(d.pop("examined_on", UNSET))

        visit_checkup_in = cls(
            results=results,
            judgement=judgement,
            examined_on=examined_on,
        )

        visit_checkup_in.additional_properties = d
        return visit_checkup_in

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
