from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OnlineMovingOutRequest")


@_attrs_define
class OnlineMovingOutRequest:
    """
    Attributes:
        card_serial (str): The card the filing is signed with
        destination (str): Municipality code
        planned_move_on (datetime.date):
        visit_on (datetime.date): The day you will come to the new office (来庁予定日)
        signature_pin (str): The signature PIN (6-16 characters): the card signs
    """

    card_serial: str
    destination: str
    planned_move_on: datetime.date
    visit_on: datetime.date
    signature_pin: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        card_serial = self.card_serial

        destination = self.destination

        planned_move_on = self.planned_move_on.isoformat()

        visit_on = self.visit_on.isoformat()

        signature_pin = self.signature_pin

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "card_serial": card_serial,
                "destination": destination,
                "planned_move_on": planned_move_on,
                "visit_on": visit_on,
                "signature_pin": signature_pin,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        card_serial = d.pop("card_serial")

        destination = d.pop("destination")

        planned_move_on = datetime.date.fromisoformat(d.pop("planned_move_on"))

        visit_on = datetime.date.fromisoformat(d.pop("visit_on"))

        signature_pin = d.pop("signature_pin")

        online_moving_out_request = cls(
            card_serial=card_serial,
            destination=destination,
            planned_move_on=planned_move_on,
            visit_on=visit_on,
            signature_pin=signature_pin,
        )

        online_moving_out_request.additional_properties = d
        return online_moving_out_request

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
