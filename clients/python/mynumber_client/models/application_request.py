from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.channel import Channel
from ..models.express_reason import ExpressReason
from ..models.reissue_reason import ReissueReason
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.representative_request import RepresentativeRequest


T = TypeVar("T", bound="ApplicationRequest")


@_attrs_define
class ApplicationRequest:
    """
    Attributes:
        channel (Channel): How the application was made (申請方法).
        taken_within_six_months (bool):
        no_headwear (bool):
        plain_background (bool):
        photo_base64 (None | str | Unset): JPEG or PNG, base64 (none for an infant under 1)
        application_id (None | str | Unset): 23 digits, from the letter
        person_id (None | str | Unset): At the counter
        express_reason (ExpressReason | None | Unset):
        reissue_reason (None | ReissueReason | Unset): endorsement_field_full: reissue a card in hand whose endorsement
            field (追記欄) is full (free; refused while a line is left)
        legal_representative (None | RepresentativeRequest | Unset): Who applies for a child under 15
        user_authentication_pin (None | str | Unset): Express only: the card is mailed by registered post, so its PINs
            are chosen now (4 digits each; the signature PIN from 15)
        resident_registry_pin (None | str | Unset):
        card_info_input_pin (None | str | Unset):
        signature_pin (None | str | Unset):
    """

    channel: Channel
    taken_within_six_months: bool
    no_headwear: bool
    plain_background: bool
    photo_base64: None | str | Unset = UNSET
    application_id: None | str | Unset = UNSET
    person_id: None | str | Unset = UNSET
    express_reason: ExpressReason | None | Unset = UNSET
    reissue_reason: None | ReissueReason | Unset = UNSET
    legal_representative: None | RepresentativeRequest | Unset = UNSET
    user_authentication_pin: None | str | Unset = UNSET
    resident_registry_pin: None | str | Unset = UNSET
    card_info_input_pin: None | str | Unset = UNSET
    signature_pin: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.representative_request import RepresentativeRequest  # noqa: PLC0415

        channel = self.channel.value

        taken_within_six_months = self.taken_within_six_months

        no_headwear = self.no_headwear

        plain_background = self.plain_background

        photo_base64: None | str | Unset
        if isinstance(self.photo_base64, Unset):
            photo_base64 = UNSET
        else:
            photo_base64 = self.photo_base64

        application_id: None | str | Unset
        if isinstance(self.application_id, Unset):
            application_id = UNSET
        else:
            application_id = self.application_id

        person_id: None | str | Unset
        if isinstance(self.person_id, Unset):
            person_id = UNSET
        else:
            person_id = self.person_id

        express_reason: None | str | Unset
        if isinstance(self.express_reason, Unset):
            express_reason = UNSET
        elif isinstance(self.express_reason, ExpressReason):
            express_reason = self.express_reason.value
        else:
            express_reason = self.express_reason

        reissue_reason: None | str | Unset
        if isinstance(self.reissue_reason, Unset):
            reissue_reason = UNSET
        elif isinstance(self.reissue_reason, ReissueReason):
            reissue_reason = self.reissue_reason.value
        else:
            reissue_reason = self.reissue_reason

        legal_representative: dict[str, Any] | None | Unset
        if isinstance(self.legal_representative, Unset):
            legal_representative = UNSET
        elif isinstance(self.legal_representative, RepresentativeRequest):
            legal_representative = self.legal_representative.to_dict()
        else:
            legal_representative = self.legal_representative

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

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "channel": channel,
                "taken_within_six_months": taken_within_six_months,
                "no_headwear": no_headwear,
                "plain_background": plain_background,
            }
        )
        if photo_base64 is not UNSET:
            field_dict["photo_base64"] = photo_base64
        if application_id is not UNSET:
            field_dict["application_id"] = application_id
        if person_id is not UNSET:
            field_dict["person_id"] = person_id
        if express_reason is not UNSET:
            field_dict["express_reason"] = express_reason
        if reissue_reason is not UNSET:
            field_dict["reissue_reason"] = reissue_reason
        if legal_representative is not UNSET:
            field_dict["legal_representative"] = legal_representative
        if user_authentication_pin is not UNSET:
            field_dict["user_authentication_pin"] = user_authentication_pin
        if resident_registry_pin is not UNSET:
            field_dict["resident_registry_pin"] = resident_registry_pin
        if card_info_input_pin is not UNSET:
            field_dict["card_info_input_pin"] = card_info_input_pin
        if signature_pin is not UNSET:
            field_dict["signature_pin"] = signature_pin

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.representative_request import RepresentativeRequest  # noqa: PLC0415

        d = dict(src_dict)
        channel = Channel(d.pop("channel"))

        taken_within_six_months = d.pop("taken_within_six_months")

        no_headwear = d.pop("no_headwear")

        plain_background = d.pop("plain_background")

        def _parse_photo_base64(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        photo_base64 = _parse_photo_base64(d.pop("photo_base64", UNSET))

        def _parse_application_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        application_id = _parse_application_id(d.pop("application_id", UNSET))

        def _parse_person_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        person_id = _parse_person_id(d.pop("person_id", UNSET))

        def _parse_express_reason(data: object) -> ExpressReason | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                express_reason_type_0 = ExpressReason(data)

                return express_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExpressReason | None | Unset, data)

        express_reason = _parse_express_reason(d.pop("express_reason", UNSET))

        def _parse_reissue_reason(data: object) -> None | ReissueReason | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reissue_reason_type_0 = ReissueReason(data)

                return reissue_reason_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReissueReason | Unset, data)

        reissue_reason = _parse_reissue_reason(d.pop("reissue_reason", UNSET))

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

        application_request = cls(
            channel=channel,
            taken_within_six_months=taken_within_six_months,
            no_headwear=no_headwear,
            plain_background=plain_background,
            photo_base64=photo_base64,
            application_id=application_id,
            person_id=person_id,
            express_reason=express_reason,
            reissue_reason=reissue_reason,
            legal_representative=legal_representative,
            user_authentication_pin=user_authentication_pin,
            resident_registry_pin=resident_registry_pin,
            card_info_input_pin=card_info_input_pin,
            signature_pin=signature_pin,
        )

        application_request.additional_properties = d
        return application_request

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
