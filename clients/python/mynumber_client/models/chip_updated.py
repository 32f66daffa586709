from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ChipUpdated")


@_attrs_define
class ChipUpdated:
    """
    Attributes:
        endorsement_lines_used (int):
        endorsement_lines_left (int):
        endorsement_field_full (bool):
        notice_en (str): When full: the card should be reissued (free)
        notice_ja (str):
        serial (str):
        chip_address (str): The address now written on the chip
    """

    endorsement_lines_used: int
    endorsement_lines_left: int
    endorsement_field_full: bool
    notice_en: str
    notice_ja: str
    serial: str
    chip_address: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        endorsement_lines_used = self.endorsement_lines_used

        endorsement_lines_left = self.endorsement_lines_left

        endorsement_field_full = self.endorsement_field_full

        notice_en = self.notice_en

        notice_ja = self.notice_ja

        serial = self.serial

        chip_address = self.chip_address

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "endorsement_lines_used": endorsement_lines_used,
                "endorsement_lines_left": endorsement_lines_left,
                "endorsement_field_full": endorsement_field_full,
                "notice_en": notice_en,
                "notice_ja": notice_ja,
                "serial": serial,
                "chip_address": chip_address,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        endorsement_lines_used = d.pop("endorsement_lines_used")

        endorsement_lines_left = d.pop("endorsement_lines_left")

        endorsement_field_full = d.pop("endorsement_field_full")

        notice_en = d.pop("notice_en")

        notice_ja = d.pop("notice_ja")

        serial = d.pop("serial")

        chip_address = d.pop("chip_address")

        chip_updated = cls(
            endorsement_lines_used=endorsement_lines_used,
            endorsement_lines_left=endorsement_lines_left,
            endorsement_field_full=endorsement_field_full,
            notice_en=notice_en,
            notice_ja=notice_ja,
            serial=serial,
            chip_address=chip_address,
        )

        chip_updated.additional_properties = d
        return chip_updated

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
