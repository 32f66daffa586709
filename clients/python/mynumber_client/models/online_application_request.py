from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.channel import Channel
from ..models.express_reason import ExpressReason
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.representative_request import RepresentativeRequest


T = TypeVar("T", bound="OnlineApplicationRequest")


@_attrs_define
class OnlineApplicationRequest:
    """
    Attributes:
        channel (Channel): How the application was made (申請方法).
        application_id (str): 23 digits, from the letter
        taken_within_six_months (bool):
        no_headwear (bool):
        plain_background (bool):
        photo_base64 (None | str | Unset): JPEG or PNG, base64 (none for an infant under 1)
        express_reason (ExpressReason | None | Unset):
        legal_representative (None | RepresentativeRequest | Unset): Who applies for a child under 15
    """

    channel: Channel
    application_id: str
    taken_within_six_months: bool
    no_headwear: bool
    plain_background: bool
    photo_base64: None | str | Unset = UNSET
    express_reason: ExpressReason | None | Unset = UNSET
    legal_representative: None | RepresentativeRequest | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.representative_request import RepresentativeRequest  # noqa: PLC0415

        channel = self.channel.value

        application_id = self.application_id

        taken_within_six_months = self.taken_within_six_months

        no_headwear = self.no_headwear

        plain_background = self.plain_background

        photo_base64: None | str | Unset
        if isinstance(self.photo_base64, Unset):
            photo_base64 = UNSET
        else:
            photo_base64 = self.photo_base64

        express_reason: None | str | Unset
        if isinstance(self.express_reason, Unset):
            express_reason = UNSET
        elif isinstance(self.express_reason, ExpressReason):
            express_reason = self.express_reason.value
        else:
            express_reason = self.express_reason

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
                "channel": channel,
                "application_id": application_id,
                "taken_within_six_months": taken_within_six_months,
                "no_headwear": no_headwear,
                "plain_background": plain_background,
            }
        )
        if photo_base64 is not UNSET:
            field_dict["photo_base64"] = photo_base64
        if express_reason is not UNSET:
            field_dict["express_reason"] = express_reason
        if legal_representative is not UNSET:
            field_dict["legal_representative"] = legal_representative

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.representative_request import RepresentativeRequest  # noqa: PLC0415

        d = dict(src_dict)
        channel = Channel(d.pop("channel"))

        application_id = d.pop("application_id")

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

        online_application_request = cls(
            channel=channel,
            application_id=application_id,
            taken_within_six_months=taken_within_six_months,
            no_headwear=no_headwear,
            plain_background=plain_background,
            photo_base64=photo_base64,
            express_reason=express_reason,
            legal_representative=legal_representative,
        )

        online_application_request.additional_properties = d
        return online_application_request

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
