from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

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
        face_authentication (bool | Unset):  Default: False.
        no_signature (None | str | Unset):
        legal_representative (None | str | Unset):
    """

    card_serial: str
    expires_on: datetime.date | None
    certificates_expire_on: datetime.date | None
    signature_certificate: bool
    notification_card_collected: bool
    old_card_collected: None | str
    face_authentication: bool | Unset = False
    no_signature: None | str | Unset = UNSET
    legal_representative: None | str | Unset = UNSET
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

        face_authentication = self.face_authentication

        no_signature: None | str | Unset
        if isinstance(self.no_signature, Unset):
            no_signature = UNSET
        else:
            no_signature = self.no_signature

        legal_representative: None | str | Unset
        if isinstance(self.legal_representative, Unset):
            legal_representative = UNSET
        else:
            legal_representative = self.legal_representative

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
        if face_authentication is not UNSET:
            field_dict["face_authentication"] = face_authentication
        if no_signature is not UNSET:
            field_dict["no_signature"] = no_signature
        if legal_representative is not UNSET:
            field_dict["legal_representative"] = legal_representative

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

        face_authentication = d.pop("face_authentication", UNSET)

        def _parse_no_signature(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        no_signature = _parse_no_signature(d.pop("no_signature", UNSET))

        def _parse_legal_representative(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        legal_representative = _parse_legal_representative(d.pop("legal_representative", UNSET))

        collection = cls(
            card_serial=card_serial,
            expires_on=expires_on,
            certificates_expire_on=certificates_expire_on,
            signature_certificate=signature_certificate,
            notification_card_collected=notification_card_collected,
            old_card_collected=old_card_collected,
            face_authentication=face_authentication,
            no_signature=no_signature,
            legal_representative=legal_representative,
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
