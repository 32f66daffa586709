from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CardAnswerRequest")


@_attrs_define
class CardAnswerRequest:
    """
    Attributes:
        nonce (str): The nonce, base64, as received
        certificate (str): The user-authentication certificate, DER, base64
        signature (str): The card's PKCS#1 v1.5 SHA-256 signature, base64
    """

    nonce: str
    certificate: str
    signature: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        nonce = self.nonce

        certificate = self.certificate

        signature = self.signature

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "nonce": nonce,
                "certificate": certificate,
                "signature": signature,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        nonce = d.pop("nonce")

        certificate = d.pop("certificate")

        signature = d.pop("signature")

        card_answer_request = cls(
            nonce=nonce,
            certificate=certificate,
            signature=signature,
        )

        card_answer_request.additional_properties = d
        return card_answer_request

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
