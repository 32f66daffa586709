from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.id_document import IdDocument
from ..models.relation import Relation

T = TypeVar("T", bound="RepresentativeRequest")


@_attrs_define
class RepresentativeRequest:
    """The legal representative (法定代理人) of a child under 15, as read from their own ID.

    Attributes:
        name_latin (str):
        date_of_birth (datetime.date):
        relation (Relation): How the representative stands to the child (法定代理人の資格).
        id_documents (list[IdDocument]): The representative's own documents (a photo ID among them)
    """

    name_latin: str
    date_of_birth: datetime.date
    relation: Relation
    id_documents: list[IdDocument]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name_latin = self.name_latin

        date_of_birth = self.date_of_birth.isoformat()

        relation = self.relation.value

        id_documents = []
        for id_documents_item_data in self.id_documents:
            id_documents_item = id_documents_item_data.value
            id_documents.append(id_documents_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name_latin": name_latin,
                "date_of_birth": date_of_birth,
                "relation": relation,
                "id_documents": id_documents,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name_latin = d.pop("name_latin")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        relation = Relation(d.pop("relation"))

        id_documents = []
        _id_documents = d.pop("id_documents")
        for id_documents_item_data in _id_documents:
            id_documents_item = IdDocument(id_documents_item_data)

            id_documents.append(id_documents_item)

        representative_request = cls(
            name_latin=name_latin,
            date_of_birth=date_of_birth,
            relation=relation,
            id_documents=id_documents,
        )

        representative_request.additional_properties = d
        return representative_request

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
