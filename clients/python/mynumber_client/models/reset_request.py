from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.id_document import IdDocument
from ..types import UNSET, Unset

T = TypeVar("T", bound="ResetRequest")


@_attrs_define
class ResetRequest:
    """
    Attributes:
        name_latin (str):
        date_of_birth (datetime.date):
        id_documents (list[IdDocument]):
        new_pin (str):
        residence_card_number (None | str | Unset):
    """

    name_latin: str
    date_of_birth: datetime.date
    id_documents: list[IdDocument]
    new_pin: str
    residence_card_number: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name_latin = self.name_latin

        date_of_birth = self.date_of_birth.isoformat()

        id_documents = []
        for id_documents_item_data in self.id_documents:
            id_documents_item = id_documents_item_data.value
            id_documents.append(id_documents_item)

        new_pin = self.new_pin

        residence_card_number: None | str | Unset
        if isinstance(self.residence_card_number, Unset):
            residence_card_number = UNSET
        else:
            residence_card_number = self.residence_card_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name_latin": name_latin,
                "date_of_birth": date_of_birth,
                "id_documents": id_documents,
                "new_pin": new_pin,
            }
        )
        if residence_card_number is not UNSET:
            field_dict["residence_card_number"] = residence_card_number

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name_latin = d.pop("name_latin")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        id_documents = []
        _id_documents = d.pop("id_documents")
        for id_documents_item_data in _id_documents:
            id_documents_item = IdDocument(id_documents_item_data)

            id_documents.append(id_documents_item)

        new_pin = d.pop("new_pin")

        def _parse_residence_card_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        residence_card_number = _parse_residence_card_number(d.pop("residence_card_number", UNSET))

        reset_request = cls(
            name_latin=name_latin,
            date_of_birth=date_of_birth,
            id_documents=id_documents,
            new_pin=new_pin,
            residence_card_number=residence_card_number,
        )

        reset_request.additional_properties = d
        return reset_request

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
