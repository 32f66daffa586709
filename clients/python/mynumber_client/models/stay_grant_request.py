from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="StayGrantRequest")


@_attrs_define
class StayGrantRequest:
    """The applicant as their residence card shows them, the stay the bureau grants with the
    new card, and the PINs the holder chooses at the bureau.

        Attributes:
            name_latin (str):
            date_of_birth (datetime.date):
            residence_card_number (str): The residence card the applicant holds now
            new_residence_card_number (str): The number of the special residence card issued now
            status_of_residence (str):
            user_authentication_pin (str):
            resident_registry_pin (str):
            card_info_input_pin (str):
            period_of_stay_ends (datetime.date | None | Unset): None only for a status without a period of stay
            signature_pin (None | str | Unset): From 15
    """

    name_latin: str
    date_of_birth: datetime.date
    residence_card_number: str
    new_residence_card_number: str
    status_of_residence: str
    user_authentication_pin: str
    resident_registry_pin: str
    card_info_input_pin: str
    period_of_stay_ends: datetime.date | None | Unset = UNSET
    signature_pin: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name_latin = self.name_latin

        date_of_birth = self.date_of_birth.isoformat()

        residence_card_number = self.residence_card_number

        new_residence_card_number = self.new_residence_card_number

        status_of_residence = self.status_of_residence

        user_authentication_pin = self.user_authentication_pin

        resident_registry_pin = self.resident_registry_pin

        card_info_input_pin = self.card_info_input_pin

        period_of_stay_ends: None | str | Unset
        if isinstance(self.period_of_stay_ends, Unset):
            period_of_stay_ends = UNSET
        elif isinstance(self.period_of_stay_ends, datetime.date):
            period_of_stay_ends = self.period_of_stay_ends.isoformat()
        else:
            period_of_stay_ends = self.period_of_stay_ends

        signature_pin: None | str | Unset
        if isinstance(self.signature_pin, Unset):
            signature_pin = UNSET
        else:
            signature_pin = self.signature_pin

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name_latin": name_latin,
                "date_of_birth": date_of_birth,
                "residence_card_number": residence_card_number,
                "new_residence_card_number": new_residence_card_number,
                "status_of_residence": status_of_residence,
                "user_authentication_pin": user_authentication_pin,
                "resident_registry_pin": resident_registry_pin,
                "card_info_input_pin": card_info_input_pin,
            }
        )
        if period_of_stay_ends is not UNSET:
            field_dict["period_of_stay_ends"] = period_of_stay_ends
        if signature_pin is not UNSET:
            field_dict["signature_pin"] = signature_pin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name_latin = d.pop("name_latin")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        residence_card_number = d.pop("residence_card_number")

        new_residence_card_number = d.pop("new_residence_card_number")

        status_of_residence = d.pop("status_of_residence")

        user_authentication_pin = d.pop("user_authentication_pin")

        resident_registry_pin = d.pop("resident_registry_pin")

        card_info_input_pin = d.pop("card_info_input_pin")

        def _parse_period_of_stay_ends(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_of_stay_ends_type_0 = datetime.date.fromisoformat(data)

                return period_of_stay_ends_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        period_of_stay_ends = _parse_period_of_stay_ends(d.pop("period_of_stay_ends", UNSET))

        def _parse_signature_pin(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        signature_pin = _parse_signature_pin(d.pop("signature_pin", UNSET))

        stay_grant_request = cls(
            name_latin=name_latin,
            date_of_birth=date_of_birth,
            residence_card_number=residence_card_number,
            new_residence_card_number=new_residence_card_number,
            status_of_residence=status_of_residence,
            user_authentication_pin=user_authentication_pin,
            resident_registry_pin=resident_registry_pin,
            card_info_input_pin=card_info_input_pin,
            period_of_stay_ends=period_of_stay_ends,
            signature_pin=signature_pin,
        )

        stay_grant_request.additional_properties = d
        return stay_grant_request

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
