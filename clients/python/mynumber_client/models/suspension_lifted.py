from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SuspensionLifted")


@_attrs_define
class SuspensionLifted:
    """
    Attributes:
        serial (str):
        status (str): The card's status now (active)
        certificates_expire_on (datetime.date | None): The new certificates' expiry (the revoked ones stay revoked)
    """

    serial: str
    status: str
    certificates_expire_on: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        serial = self.serial

        status = self.status

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
                "status": status,
                "certificates_expire_on": certificates_expire_on,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        serial = d.pop("serial")

        status = d.pop("status")

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

        suspension_lifted = cls(
            serial=serial,
            status=status,
            certificates_expire_on=certificates_expire_on,
        )

        suspension_lifted.additional_properties = d
        return suspension_lifted

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
