from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SpecialResidenceCardResponse")


@_attrs_define
class SpecialResidenceCardResponse:
    """
    Attributes:
        card_serial (str):
        residence_card_number (str):
        status_of_residence (str):
        period_of_stay_ends (datetime.date | None):
        expires_on (datetime.date):
        certificates_expire_on (datetime.date | None):
        signature_certificate (bool):
        replaced_card_serial (None | str):
    """

    card_serial: str
    residence_card_number: str
    status_of_residence: str
    period_of_stay_ends: datetime.date | None
    expires_on: datetime.date
    certificates_expire_on: datetime.date | None
    signature_certificate: bool
    replaced_card_serial: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        card_serial = self.card_serial

        residence_card_number = self.residence_card_number

        status_of_residence = self.status_of_residence

        period_of_stay_ends: None | str
        if isinstance(self.period_of_stay_ends, datetime.date):
            period_of_stay_ends = self.period_of_stay_ends.isoformat()
        else:
            period_of_stay_ends = self.period_of_stay_ends

        expires_on = self.expires_on.isoformat()

        certificates_expire_on: None | str
        if isinstance(self.certificates_expire_on, datetime.date):
            certificates_expire_on = self.certificates_expire_on.isoformat()
        else:
            certificates_expire_on = self.certificates_expire_on

        signature_certificate = self.signature_certificate

        replaced_card_serial: None | str
        replaced_card_serial = self.replaced_card_serial

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "card_serial": card_serial,
                "residence_card_number": residence_card_number,
                "status_of_residence": status_of_residence,
                "period_of_stay_ends": period_of_stay_ends,
                "expires_on": expires_on,
                "certificates_expire_on": certificates_expire_on,
                "signature_certificate": signature_certificate,
                "replaced_card_serial": replaced_card_serial,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        card_serial = d.pop("card_serial")

        residence_card_number = d.pop("residence_card_number")

        status_of_residence = d.pop("status_of_residence")

        def _parse_period_of_stay_ends(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_of_stay_ends_type_0 = datetime.date.fromisoformat(data)

                return period_of_stay_ends_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        period_of_stay_ends = _parse_period_of_stay_ends(d.pop("period_of_stay_ends"))

        expires_on = datetime.date.fromisoformat(d.pop("expires_on"))

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

        def _parse_replaced_card_serial(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        replaced_card_serial = _parse_replaced_card_serial(d.pop("replaced_card_serial"))

        special_residence_card_response = cls(
            card_serial=card_serial,
            residence_card_number=residence_card_number,
            status_of_residence=status_of_residence,
            period_of_stay_ends=period_of_stay_ends,
            expires_on=expires_on,
            certificates_expire_on=certificates_expire_on,
            signature_certificate=signature_certificate,
            replaced_card_serial=replaced_card_serial,
        )

        special_residence_card_response.additional_properties = d
        return special_residence_card_response

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
