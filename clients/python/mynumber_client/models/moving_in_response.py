from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="MovingInResponse")


@_attrs_define
class MovingInResponse:
    """
    Attributes:
        person_id (str): An opaque reference to a person
        registration_id (str): An opaque reference to a registration
        my_number (str): Masked: **** **** 1234
        late (bool):
        returning (bool):
        letter_id (None | str):
        application_id (None | str):
        mail_id (None | str | Unset): The mail item carrying the letter (to record it returned)
    """

    person_id: str
    registration_id: str
    my_number: str
    late: bool
    returning: bool
    letter_id: None | str
    application_id: None | str
    mail_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = self.person_id

        registration_id = self.registration_id

        my_number = self.my_number

        late = self.late

        returning = self.returning

        letter_id: None | str
        letter_id = self.letter_id

        application_id: None | str
        application_id = self.application_id

        mail_id: None | str | Unset
        if isinstance(self.mail_id, Unset):
            mail_id = UNSET
        else:
            mail_id = self.mail_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "person_id": person_id,
                "registration_id": registration_id,
                "my_number": my_number,
                "late": late,
                "returning": returning,
                "letter_id": letter_id,
                "application_id": application_id,
            }
        )
        if mail_id is not UNSET:
            field_dict["mail_id"] = mail_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        person_id = d.pop("person_id")

        registration_id = d.pop("registration_id")

        my_number = d.pop("my_number")

        late = d.pop("late")

        returning = d.pop("returning")

        def _parse_letter_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        letter_id = _parse_letter_id(d.pop("letter_id"))

        def _parse_application_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        application_id = _parse_application_id(d.pop("application_id"))

        def _parse_mail_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mail_id = _parse_mail_id(d.pop("mail_id", UNSET))

        moving_in_response = cls(
            person_id=person_id,
            registration_id=registration_id,
            my_number=my_number,
            late=late,
            returning=returning,
            letter_id=letter_id,
            application_id=application_id,
            mail_id=mail_id,
        )

        moving_in_response.additional_properties = d
        return moving_in_response

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
