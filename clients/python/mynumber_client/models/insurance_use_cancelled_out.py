from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.letter_out import LetterOut


T = TypeVar("T", bound="InsuranceUseCancelledOut")


@_attrs_define
class InsuranceUseCancelledOut:
    """
    Attributes:
        person_id (str): An opaque reference to a person
        card_serial (str):
        insurance_use (bool): Always false: the card no longer works as one
        letters (list[LetterOut]): The 資格確認書 each insurer covering the person issued at once
    """

    person_id: str
    card_serial: str
    insurance_use: bool
    letters: list[LetterOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = self.person_id

        card_serial = self.card_serial

        insurance_use = self.insurance_use

        letters = []
        for letters_item_data in self.letters:
            letters_item = letters_item_data.to_dict()
            letters.append(letters_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "person_id": person_id,
                "card_serial": card_serial,
                "insurance_use": insurance_use,
                "letters": letters,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.letter_out import LetterOut  # noqa: PLC0415

        d = dict(src_dict)
        person_id = d.pop("person_id")

        card_serial = d.pop("card_serial")

        insurance_use = d.pop("insurance_use")

        letters = []
        _letters = d.pop("letters")
        for letters_item_data in _letters:
            letters_item = LetterOut.from_dict(letters_item_data)

            letters.append(letters_item)

        insurance_use_cancelled_out = cls(
            person_id=person_id,
            card_serial=card_serial,
            insurance_use=insurance_use,
            letters=letters,
        )

        insurance_use_cancelled_out.additional_properties = d
        return insurance_use_cancelled_out

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
