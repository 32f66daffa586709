from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.consent_body import ConsentBody


T = TypeVar("T", bound="PinCheck")


@_attrs_define
class PinCheck:
    """
    Attributes:
        nonce (str):
        certificate (str): User-authentication certificate, DER, base64
        signature (str): The card's signature over the nonce, base64
        consent (ConsentBody | Unset): What the patient chose on the terminal's screen for this visit (in a check
            request:
            refused if any is set — consent is ``/clinic/visits/{visit}/consent``, signed by the
            card).
        register_insurance_use (bool | Unset): The patient chose to register the card as insurance card now Default:
            False.
    """

    nonce: str
    certificate: str
    signature: str
    consent: ConsentBody | Unset = UNSET
    register_insurance_use: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        nonce = self.nonce

        certificate = self.certificate

        signature = self.signature

        consent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.consent, Unset):
            consent = self.consent.to_dict()

        register_insurance_use = self.register_insurance_use

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "nonce": nonce,
                "certificate": certificate,
                "signature": signature,
            }
        )
        if consent is not UNSET:
            field_dict["consent"] = consent
        if register_insurance_use is not UNSET:
            field_dict["register_insurance_use"] = register_insurance_use

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consent_body import ConsentBody  # noqa: PLC0415

        d = dict(src_dict)
        nonce = d.pop("nonce")

        certificate = d.pop("certificate")

        signature = d.pop("signature")

        _consent = d.pop("consent", UNSET)
        consent: ConsentBody | Unset
        if isinstance(_consent, Unset):
            consent = UNSET
        else:
            consent = ConsentBody.from_dict(_consent)

        register_insurance_use = d.pop("register_insurance_use", UNSET)

        pin_check = cls(
            nonce=nonce,
            certificate=certificate,
            signature=signature,
            consent=consent,
            register_insurance_use=register_insurance_use,
        )

        pin_check.additional_properties = d
        return pin_check

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
