from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.consent_body import ConsentBody


T = TypeVar("T", bound="FaceCheck")


@_attrs_define
class FaceCheck:
    """
    Attributes:
        certificate (str):
        live_image (str): The terminal camera's image (JPEG/PNG), base64
        chip_photo (None | str | Unset): Ignored: the live image is compared with the photo the server reads from the
            card's chip, never with an image the terminal sends
        consent (ConsentBody | Unset): What the patient chose on the terminal's screen for this visit (in a check
            request:
            refused if any is set — consent is ``/clinic/visits/{visit}/consent``, signed by the
            card).
        register_insurance_use (bool | Unset):  Default: False.
    """

    certificate: str
    live_image: str
    chip_photo: None | str | Unset = UNSET
    consent: ConsentBody | Unset = UNSET
    register_insurance_use: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        certificate = self.certificate

        live_image = self.live_image

        chip_photo: None | str | Unset
        if isinstance(self.chip_photo, Unset):
            chip_photo = UNSET
        else:
            chip_photo = self.chip_photo

        consent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.consent, Unset):
            consent = self.consent.to_dict()

        register_insurance_use = self.register_insurance_use

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "certificate": certificate,
                "live_image": live_image,
            }
        )
        if chip_photo is not UNSET:
            field_dict["chip_photo"] = chip_photo
        if consent is not UNSET:
            field_dict["consent"] = consent
        if register_insurance_use is not UNSET:
            field_dict["register_insurance_use"] = register_insurance_use

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consent_body import ConsentBody  # noqa: PLC0415

        d = dict(src_dict)
        certificate = d.pop("certificate")

        live_image = d.pop("live_image")

        def _parse_chip_photo(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        chip_photo = _parse_chip_photo(d.pop("chip_photo", UNSET))

        _consent = d.pop("consent", UNSET)
        consent: ConsentBody | Unset
        if isinstance(_consent, Unset):
            consent = UNSET
        else:
            consent = ConsentBody.from_dict(_consent)

        register_insurance_use = d.pop("register_insurance_use", UNSET)

        face_check = cls(
            certificate=certificate,
            live_image=live_image,
            chip_photo=chip_photo,
            consent=consent,
            register_insurance_use=register_insurance_use,
        )

        face_check.additional_properties = d
        return face_check

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
