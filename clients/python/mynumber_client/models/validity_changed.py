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
        serial (str):
        expires_on (datetime.date | None):
        certificates_expire_on (datetime.date | None):
    """

    serial: str
    expires_on: datetime.date | None
    certificates_expire_on: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
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
                "serial": serial,
                "expires_on": expires_on,
                "certificates_expire_on": certificates_expire_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
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
