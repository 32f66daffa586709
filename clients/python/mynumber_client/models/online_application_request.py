from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.channel import Channel
from ..models.express_reason import ExpressReason
from ..types import UNSET, Unset

T = TypeVar("T", bound="OnlineApplicationRequest")


@_attrs_define
class OnlineApplicationRequest:
    """
    Attributes:
        channel (Channel): How the application was made (申請方法).
        application_id (str): 23 digits, from the letter
        photo_base64 (str): JPEG or PNG, base64
        taken_within_six_months (bool):
        no_headwear (bool):
        plain_background (bool):
        express_reason (ExpressReason | None | Unset):
    """

    channel: Channel
    application_id: str
    photo_base64: str
    taken_within_six_months: bool
    no_headwear: bool
    plain_background: bool
    express_reason: ExpressReason | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        channel = self.channel.value

        application_id = self.application_id

        photo_base64 = self.photo_base64

        taken_within_six_months = self.taken_within_six_months

        no_headwear = self.no_headwear

        plain_background = self.plain_background

        express_reason: None | str | Unset
        if isinstance(self.express_reason, Unset):
            express_reason = UNSET
        elif isinstance(self.express_reason, ExpressReason):
            express_reason = self.express_reason.value
        else:
            express_reason = self.express_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "channel": channel,
                "application_id": application_id,
                "photo_base64": photo_base64,
                "taken_within_six_months": taken_within_six_months,
                "no_headwear": no_headwear,
                "plain_background": plain_background,
            }
        )
        if express_reason is not UNSET:
            field_dict["express_reason"] = express_reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        channel = Channel(d.pop("channel"))

        application_id = d.pop("application_id")

        photo_base64 = d.pop("photo_base64")

        taken_within_six_months = d.pop("taken_within_six_months")

        no_headwear = d.pop("no_headwear")

        plain_background = d.pop("plain_background")

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

        online_application_request = cls(
            channel=channel,
            application_id=application_id,
            photo_base64=photo_base64,
            taken_within_six_months=taken_within_six_months,
            no_headwear=no_headwear,
            plain_background=plain_background,
            express_reason=express_reason,
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
