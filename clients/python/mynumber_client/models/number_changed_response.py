from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NumberChangedResponse")


@_attrs_define
class NumberChangedResponse:
    """
    Attributes:
        person_id (str): An opaque reference to a person
        my_number (str): The new number, masked: **** **** 1234
        cards_cancelled (int):
        letter_id (str): An opaque reference to a letter
        application_id (str): For the new card, on the new notification letter
        employers_notified (int):
        insurers_notified (int):
    """

    person_id: str
    my_number: str
    cards_cancelled: int
    letter_id: str
    application_id: str
    employers_notified: int
    insurers_notified: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = self.person_id

        my_number = self.my_number

        cards_cancelled = self.cards_cancelled

        letter_id = self.letter_id

        application_id = self.application_id

        employers_notified = self.employers_notified

        insurers_notified = self.insurers_notified

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "person_id": person_id,
                "my_number": my_number,
                "cards_cancelled": cards_cancelled,
                "letter_id": letter_id,
                "application_id": application_id,
                "employers_notified": employers_notified,
                "insurers_notified": insurers_notified,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        person_id = d.pop("person_id")

        my_number = d.pop("my_number")

        cards_cancelled = d.pop("cards_cancelled")

        letter_id = d.pop("letter_id")

        application_id = d.pop("application_id")

        employers_notified = d.pop("employers_notified")

        insurers_notified = d.pop("insurers_notified")

        number_changed_response = cls(
            person_id=person_id,
            my_number=my_number,
            cards_cancelled=cards_cancelled,
            letter_id=letter_id,
            application_id=application_id,
            employers_notified=employers_notified,
            insurers_notified=insurers_notified,
        )

        number_changed_response.additional_properties = d
        return number_changed_response

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
