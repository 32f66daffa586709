from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="JobReport")


@_attrs_define
class JobReport:
    """What one run of the jobs did.

    Attributes:
        cards_made (list[str]):
        applications_cancelled (list[int]):
        mail_settled (int):
        renewal_notices (list[str]):
        cards_lapsed (list[str]):
    """

    cards_made: list[str]
    applications_cancelled: list[int]
    mail_settled: int
    renewal_notices: list[str]
    cards_lapsed: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cards_made = self.cards_made

        applications_cancelled = self.applications_cancelled

        mail_settled = self.mail_settled

        renewal_notices = self.renewal_notices

        cards_lapsed = self.cards_lapsed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cards_made": cards_made,
                "applications_cancelled": applications_cancelled,
                "mail_settled": mail_settled,
                "renewal_notices": renewal_notices,
                "cards_lapsed": cards_lapsed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cards_made = cast(list[str], d.pop("cards_made"))

        applications_cancelled = cast(list[int], d.pop("applications_cancelled"))

        mail_settled = d.pop("mail_settled")

        renewal_notices = cast(list[str], d.pop("renewal_notices"))

        cards_lapsed = cast(list[str], d.pop("cards_lapsed"))

        job_report = cls(
            cards_made=cards_made,
            applications_cancelled=applications_cancelled,
            mail_settled=mail_settled,
            renewal_notices=renewal_notices,
            cards_lapsed=cards_lapsed,
        )

        job_report.additional_properties = d
        return job_report

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
