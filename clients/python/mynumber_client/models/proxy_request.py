from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.id_document import IdDocument

T = TypeVar("T", bound="ProxyRequest")


@_attrs_define
class ProxyRequest:
    """代理人: the proxy's own ID as read by staff, the holder's reply form and the reason.

    Attributes:
        name_latin (str):
        date_of_birth (datetime.date):
        id_documents (list[IdDocument]):
        reason (str): Why the holder cannot come: illness, disability, aged_75_or_over, pregnancy, study or
            hospital_stay (any other is refused)
        reply_form_shown (bool): The 照会書兼回答書 filled in by the holder (the PINs sealed in it)
    """

    name_latin: str
    date_of_birth: datetime.date
    id_documents: list[IdDocument]
    reason: str
    reply_form_shown: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name_latin = self.name_latin

        date_of_birth = self.date_of_birth.isoformat()

        id_documents = []
        for id_documents_item_data in self.id_documents:
            id_documents_item = id_documents_item_data.value
            id_documents.append(id_documents_item)

        reason = self.reason

        reply_form_shown = self.reply_form_shown

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name_latin": name_latin,
                "date_of_birth": date_of_birth,
                "id_documents": id_documents,
                "reason": reason,
                "reply_form_shown": reply_form_shown,
            }
        )

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

        reason = d.pop("reason")

        reply_form_shown = d.pop("reply_form_shown")

        proxy_request = cls(
            name_latin=name_latin,
            date_of_birth=date_of_birth,
            id_documents=id_documents,
            reason=reason,
            reply_form_shown=reply_form_shown,
        )

        proxy_request.additional_properties = d
        return proxy_request

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
