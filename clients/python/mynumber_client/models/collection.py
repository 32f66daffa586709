from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Collection")


@_attrs_define
class Collection:
    """
    Attributes:
        card_serial (str):
        expires_on (datetime.date | None):
        certificates_expire_on (datetime.date | None):
        signature_certificate (bool):
        notification_card_collected (bool):
        old_card_collected (None | str):
    """

    card_serial: str
    expires_on: datetime.date | None
    certificates_expire_on: datetime.date | None
    signature_certificate: bool
    notification_card_collected: bool
    old_card_collected: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        card_serial = self.card_serial

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

        signature_certificate = self.signature_certificate

        notification_card_collected = self.notification_card_collected

        old_card_collected: None | str
        old_card_collected = self.old_card_collected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "card_serial": card_serial,
                "expires_on": expires_on,
                "certificates_expire_on": certificates_expire_on,
                "signature_certificate": signature_certificate,
                "notification_card_collected": notification_card_collected,
                "old_card_collected": old_card_collected,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        card_serial = d.pop("card_serial")

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

        signature_certificate = d.pop("signature_certificate")

        notification_card_collected = d.pop("notification_card_collected")

        def _parse_old_card_collected(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        old_card_collected = _parse_old_card_collected(d.pop("old_card_collected"))

        collection = cls(
            card_serial=card_serial,
            expires_on=expires_on,
            certificates_expire_on=certificates_expire_on,
            signature_certificate=signature_certificate,
            notification_card_collected=notification_card_collected,
            old_card_collected=old_card_collected,
        )

        collection.additional_properties = d
        return collection

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
