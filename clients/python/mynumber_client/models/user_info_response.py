from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.user_info_response_document_signature_type_0 import UserInfoResponseDocumentSignatureType0


T = TypeVar("T", bound="UserInfoResponse")


@_attrs_define
class UserInfoResponse:
    """The pairwise ``sub`` and only the consented claims.

    Attributes:
        sub (str):
        name (None | str | Unset):
        address (None | str | Unset):
        birthdate (None | str | Unset):
        gender (None | str | Unset):
        document_signature (None | Unset | UserInfoResponseDocumentSignatureType0): For the sign scope: the card's
            signature over the digest
    """

    sub: str
    name: None | str | Unset = UNSET
    address: None | str | Unset = UNSET
    birthdate: None | str | Unset = UNSET
    gender: None | str | Unset = UNSET
    document_signature: None | Unset | UserInfoResponseDocumentSignatureType0 = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.user_info_response_document_signature_type_0 import UserInfoResponseDocumentSignatureType0  # noqa: PLC0415

        sub = self.sub

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        address: None | str | Unset
        if isinstance(self.address, Unset):
            address = UNSET
        else:
            address = self.address

        birthdate: None | str | Unset
        if isinstance(self.birthdate, Unset):
            birthdate = UNSET
        else:
            birthdate = self.birthdate

        gender: None | str | Unset
        if isinstance(self.gender, Unset):
            gender = UNSET
        else:
            gender = self.gender

        document_signature: dict[str, Any] | None | Unset
        if isinstance(self.document_signature, Unset):
            document_signature = UNSET
        elif isinstance(self.document_signature, UserInfoResponseDocumentSignatureType0):
            document_signature = self.document_signature.to_dict()
        else:
            document_signature = self.document_signature

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sub": sub,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if address is not UNSET:
            field_dict["address"] = address
        if birthdate is not UNSET:
            field_dict["birthdate"] = birthdate
        if gender is not UNSET:
            field_dict["gender"] = gender
        if document_signature is not UNSET:
            field_dict["document_signature"] = document_signature

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.user_info_response_document_signature_type_0 import UserInfoResponseDocumentSignatureType0  # noqa: PLC0415

        d = dict(src_dict)
        sub = d.pop("sub")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_address(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        address = _parse_address(d.pop("address", UNSET))

        def _parse_birthdate(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        birthdate = _parse_birthdate(d.pop("birthdate", UNSET))

        def _parse_gender(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        gender = _parse_gender(d.pop("gender", UNSET))

        def _parse_document_signature(data: object) -> None | Unset | UserInfoResponseDocumentSignatureType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                document_signature_type_0 = UserInfoResponseDocumentSignatureType0.from_dict(data)

                return document_signature_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UserInfoResponseDocumentSignatureType0, data)

        document_signature = _parse_document_signature(d.pop("document_signature", UNSET))

        user_info_response = cls(
            sub=sub,
            name=name,
            address=address,
            birthdate=birthdate,
            gender=gender,
            document_signature=document_signature,
        )

        return user_info_response
