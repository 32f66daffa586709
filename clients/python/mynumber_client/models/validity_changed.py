from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ValidityChanged")


@_attrs_define
class ValidityChanged:
    """
    Attributes:
        endorsement_lines_used (int):
        endorsement_lines_left (int):
        endorsement_field_full (bool):
        notice_en (str): When full: the card should be reissued (free)
        notice_ja (str):
        serial (str):
        expires_on (datetime.date | None):
        certificates_expire_on (datetime.date | None):
    """

    endorsement_lines_used: int
    endorsement_lines_left: int
    endorsement_field_full: bool
    notice_en: str
    notice_ja: str
    serial: str
    expires_on: datetime.date | None
    certificates_expire_on: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        endorsement_lines_used = self.endorsement_lines_used

        endorsement_lines_left = self.endorsement_lines_left

        endorsement_field_full = self.endorsement_field_full

        notice_en = self.notice_en

        notice_ja = self.notice_ja

        serial = self.serial

        expires_on: None | str
        if isinstance(self.expires_on, datetime.date):
            expires_on = self.expires_on.isoformat()
        else:
            expires_on = self.expires_on

        certificates_expire_on: None | str
        if isinstance(self.certificates_expire_on, datetime.date):
            certificates_expire_on = self.certificates_expire_on.isoformat()
        else:
            certificates_expire_on = self.certificates_expire_on

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
                "expires_on": expires_on,
                "certificates_expire_on": certificates_expire_on,
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

        def _parse_expires_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_on_type_0 = datetime.date.fromisoformat(data)

                return expires_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        expires_on = _parse_expires_on(d.pop("expires_on"))

        def _parse_certificates_expire_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                certificates_expire_on_type_0 = datetime.date.fromisoformat(data)

                return certificates_expire_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        certificates_expire_on = _parse_certificates_expire_on(d.pop("certificates_expire_on"))

        validity_changed = cls(
            endorsement_lines_used=endorsement_lines_used,
            endorsement_lines_left=endorsement_lines_left,
            endorsement_field_full=endorsement_field_full,
            notice_en=notice_en,
            notice_ja=notice_ja,
            serial=serial,
            expires_on=expires_on,
            certificates_expire_on=certificates_expire_on,
        )

        validity_changed.additional_properties = d
        return validity_changed

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
