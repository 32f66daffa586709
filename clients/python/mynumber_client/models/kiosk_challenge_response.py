from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.kiosk_step import KioskStep

T = TypeVar("T", bound="KioskChallengeResponse")


@_attrs_define
class KioskChallengeResponse:
    """
    Attributes:
        nonce (str): 32 random bytes, base64, issued to this terminal
        expires_at (datetime.datetime):
        step (KioskStep): What a card's signature at a kiosk (or a pre-application's smartphone) is for.
        to_sign (str): What the card signs after the step's PIN, base64: domain.terminal.kiosk_message(nonce, terminal,
            serial, step)
    """

    nonce: str
    expires_at: datetime.datetime
    step: KioskStep
    to_sign: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        nonce = self.nonce

        expires_at = self.expires_at.isoformat()

        step = self.step.value

        to_sign = self.to_sign

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "nonce": nonce,
                "expires_at": expires_at,
                "step": step,
                "to_sign": to_sign,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        nonce = d.pop("nonce")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        step = KioskStep(d.pop("step"))

        to_sign = d.pop("to_sign")

        kiosk_challenge_response = cls(
            nonce=nonce,
            expires_at=expires_at,
            step=step,
            to_sign=to_sign,
        )

        kiosk_challenge_response.additional_properties = d
        return kiosk_challenge_response

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
