from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="KioskResetRequest")


@_attrs_define
class KioskResetRequest:
    """
    Attributes:
        new_pin (str):
        nonce (None | str | Unset): The nonce, base64, from the challenge
        certificate (None | str | Unset): The card's certificate of the step's PIN, DER, base64 (as in the challenge)
        signature (None | str | Unset): The card's signature over to_sign, base64. Without the three: refused, no try
            spent
        live_image_base64 (None | str | Unset): The kiosk camera's image (user-authentication PIN reset), base64
    """

    new_pin: str
    nonce: None | str | Unset = UNSET
    certificate: None | str | Unset = UNSET
    signature: None | str | Unset = UNSET
    live_image_base64: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        new_pin = self.new_pin

        nonce: None | str | Unset
        if isinstance(self.nonce, Unset):
            nonce = UNSET
        else:
            nonce = self.nonce

        certificate: None | str | Unset
        if isinstance(self.certificate, Unset):
            certificate = UNSET
        else:
            certificate = self.certificate

        signature: None | str | Unset
        if isinstance(self.signature, Unset):
            signature = UNSET
        else:
            signature = self.signature

        live_image_base64: None | str | Unset
        if isinstance(self.live_image_base64, Unset):
            live_image_base64 = UNSET
        else:
            live_image_base64 = self.live_image_base64

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "new_pin": new_pin,
            }
        )
        if nonce is not UNSET:
            field_dict["nonce"] = nonce
        if certificate is not UNSET:
            field_dict["certificate"] = certificate
        if signature is not UNSET:
            field_dict["signature"] = signature
        if live_image_base64 is not UNSET:
            field_dict["live_image_base64"] = live_image_base64

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new_pin = d.pop("new_pin")

        def _parse_nonce(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        nonce = _parse_nonce(d.pop("nonce", UNSET))

        def _parse_certificate(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        certificate = _parse_certificate(d.pop("certificate", UNSET))

        def _parse_signature(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        signature = _parse_signature(d.pop("signature", UNSET))

        def _parse_live_image_base64(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        live_image_base64 = _parse_live_image_base64(d.pop("live_image_base64", UNSET))

        kiosk_reset_request = cls(
            new_pin=new_pin,
            nonce=nonce,
            certificate=certificate,
            signature=signature,
            live_image_base64=live_image_base64,
        )

        kiosk_reset_request.additional_properties = d
        return kiosk_reset_request

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
