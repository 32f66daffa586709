from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PreApplicationRequest")


@_attrs_define
class PreApplicationRequest:
    """
    Attributes:
        nonce (str): The nonce, base64, as received from the challenge
        certificate (str): The card's certificate of the step's PIN (signature PIN: the signature certificate; 4-digit
            PIN: the user-authentication certificate), DER, base64
        signature (str): The card's signature over to_sign, base64
        live_image_base64 (str): The smartphone camera's face photo, base64
    """

    nonce: str
    certificate: str
    signature: str
    live_image_base64: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        nonce = self.nonce

        certificate = self.certificate

        signature = self.signature

        live_image_base64 = self.live_image_base64

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "nonce": nonce,
                "certificate": certificate,
                "signature": signature,
                "live_image_base64": live_image_base64,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        nonce = d.pop("nonce")

        certificate = d.pop("certificate")

        signature = d.pop("signature")

        live_image_base64 = d.pop("live_image_base64")

        pre_application_request = cls(
            nonce=nonce,
            certificate=certificate,
            signature=signature,
            live_image_base64=live_image_base64,
        )

        pre_application_request.additional_properties = d
        return pre_application_request

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
