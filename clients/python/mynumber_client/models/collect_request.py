from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.id_document import IdDocument
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.proxy_request import ProxyRequest
    from ..models.representative_request import RepresentativeRequest


T = TypeVar("T", bound="CollectRequest")


@_attrs_define
class CollectRequest:
    """The holder's identity and papers; with ``proxy``, brought by a 代理人 (the PINs are
    then the ones the holder sealed in the reply form).

        Attributes:
            name_latin (str):
            date_of_birth (datetime.date):
            id_documents (list[IdDocument]):
            residence_card_number (None | str | Unset):
            proxy (None | ProxyRequest | Unset):
            pickup_notice_shown (bool | Unset):  Default: True.
            user_authentication_pin (None | str | Unset): Not for a face card
            resident_registry_pin (None | str | Unset):
            card_info_input_pin (None | str | Unset):
            signature_pin (None | str | Unset): From 15, not for a face card
            face_authentication (bool | Unset): 顔認証マイナンバーカード: no PINs, no signature certificate Default: False.
            legal_representative (None | RepresentativeRequest | Unset): Comes with a child under 15 and sets the PINs
    """

    name_latin: str
    date_of_birth: datetime.date
    id_documents: list[IdDocument]
    residence_card_number: None | str | Unset = UNSET
    proxy: None | ProxyRequest | Unset = UNSET
    pickup_notice_shown: bool | Unset = True
    user_authentication_pin: None | str | Unset = UNSET
    resident_registry_pin: None | str | Unset = UNSET
    card_info_input_pin: None | str | Unset = UNSET
    signature_pin: None | str | Unset = UNSET
    face_authentication: bool | Unset = False
    legal_representative: None | RepresentativeRequest | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.proxy_request import ProxyRequest  # noqa: PLC0415
        from ..models.representative_request import RepresentativeRequest  # noqa: PLC0415

        name_latin = self.name_latin

        date_of_birth = self.date_of_birth.isoformat()

        id_documents = []
        for id_documents_item_data in self.id_documents:
            id_documents_item = id_documents_item_data.value
            id_documents.append(id_documents_item)

        residence_card_number: None | str | Unset
        if isinstance(self.residence_card_number, Unset):
            residence_card_number = UNSET
        else:
            residence_card_number = self.residence_card_number

        proxy: dict[str, Any] | None | Unset
        if isinstance(self.proxy, Unset):
            proxy = UNSET
        elif isinstance(self.proxy, ProxyRequest):
            proxy = self.proxy.to_dict()
        else:
            proxy = self.proxy

        pickup_notice_shown = self.pickup_notice_shown

        user_authentication_pin: None | str | Unset
        if isinstance(self.user_authentication_pin, Unset):
            user_authentication_pin = UNSET
        else:
            user_authentication_pin = self.user_authentication_pin

        resident_registry_pin: None | str | Unset
        if isinstance(self.resident_registry_pin, Unset):
            resident_registry_pin = UNSET
        else:
            resident_registry_pin = self.resident_registry_pin

        card_info_input_pin: None | str | Unset
        if isinstance(self.card_info_input_pin, Unset):
            card_info_input_pin = UNSET
        else:
            card_info_input_pin = self.card_info_input_pin

        signature_pin: None | str | Unset
        if isinstance(self.signature_pin, Unset):
            signature_pin = UNSET
        else:
            signature_pin = self.signature_pin

        face_authentication = self.face_authentication

        legal_representative: dict[str, Any] | None | Unset
        if isinstance(self.legal_representative, Unset):
            legal_representative = UNSET
        elif isinstance(self.legal_representative, RepresentativeRequest):
            legal_representative = self.legal_representative.to_dict()
        else:
            legal_representative = self.legal_representative

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name_latin": name_latin,
                "date_of_birth": date_of_birth,
                "id_documents": id_documents,
            }
        )
        if residence_card_number is not UNSET:
            field_dict["residence_card_number"] = residence_card_number
        if proxy is not UNSET:
            field_dict["proxy"] = proxy
        if pickup_notice_shown is not UNSET:
            field_dict["pickup_notice_shown"] = pickup_notice_shown
        if user_authentication_pin is not UNSET:
            field_dict["user_authentication_pin"] = user_authentication_pin
        if resident_registry_pin is not UNSET:
            field_dict["resident_registry_pin"] = resident_registry_pin
        if card_info_input_pin is not UNSET:
            field_dict["card_info_input_pin"] = card_info_input_pin
        if signature_pin is not UNSET:
            field_dict["signature_pin"] = signature_pin
        if face_authentication is not UNSET:
            field_dict["face_authentication"] = face_authentication
        if legal_representative is not UNSET:
            field_dict["legal_representative"] = legal_representative

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.proxy_request import ProxyRequest  # noqa: PLC0415
        from ..models.representative_request import RepresentativeRequest  # noqa: PLC0415

        d = dict(src_dict)
        name_latin = d.pop("name_latin")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        id_documents = []
        _id_documents = d.pop("id_documents")
        for id_documents_item_data in _id_documents:
            id_documents_item = IdDocument(id_documents_item_data)

            id_documents.append(id_documents_item)

        def _parse_residence_card_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        residence_card_number = _parse_residence_card_number(d.pop("residence_card_number", UNSET))

        def _parse_proxy(data: object) -> None | ProxyRequest | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                proxy_type_0 = ProxyRequest.from_dict(data)

                return proxy_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProxyRequest | Unset, data)

        proxy = _parse_proxy(d.pop("proxy", UNSET))

        pickup_notice_shown = d.pop("pickup_notice_shown", UNSET)

        def _parse_user_authentication_pin(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_authentication_pin = _parse_user_authentication_pin(d.pop("user_authentication_pin", UNSET))

        def _parse_resident_registry_pin(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        resident_registry_pin = _parse_resident_registry_pin(d.pop("resident_registry_pin", UNSET))

        def _parse_card_info_input_pin(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        card_info_input_pin = _parse_card_info_input_pin(d.pop("card_info_input_pin", UNSET))

        def _parse_signature_pin(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        signature_pin = _parse_signature_pin(d.pop("signature_pin", UNSET))

        face_authentication = d.pop("face_authentication", UNSET)

        def _parse_legal_representative(data: object) -> None | RepresentativeRequest | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                legal_representative_type_0 = RepresentativeRequest.from_dict(data)

                return legal_representative_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RepresentativeRequest | Unset, data)

        legal_representative = _parse_legal_representative(d.pop("legal_representative", UNSET))

        collect_request = cls(
            name_latin=name_latin,
            date_of_birth=date_of_birth,
            id_documents=id_documents,
            residence_card_number=residence_card_number,
            proxy=proxy,
            pickup_notice_shown=pickup_notice_shown,
            user_authentication_pin=user_authentication_pin,
            resident_registry_pin=resident_registry_pin,
            card_info_input_pin=card_info_input_pin,
            signature_pin=signature_pin,
            face_authentication=face_authentication,
            legal_representative=legal_representative,
        )

        collect_request.additional_properties = d
        return collect_request

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
