from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.id_document import IdDocument

T = TypeVar("T", bound="HandOverRequest")


@_attrs_define
class HandOverRequest:
    """
    Attributes:
        id_documents (list[IdDocument]):
    """

    id_documents: list[IdDocument]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id_documents = []
        for id_documents_item_data in self.id_documents:
            id_documents_item = id_documents_item_data.value
            id_documents.append(id_documents_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id_documents": id_documents,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id_documents = []
        _id_documents = d.pop("id_documents")
        for id_documents_item_data in _id_documents:
            id_documents_item = IdDocument(id_documents_item_data)

            id_documents.append(id_documents_item)

        hand_over_request = cls(
            id_documents=id_documents,
        )

        hand_over_request.additional_properties = d
        return hand_over_request

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
