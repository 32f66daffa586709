from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.paid_when import PaidWhen
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApplicationView")


@_attrs_define
class ApplicationView:
    """Where an application stands, and what the resident does next.

    Attributes:
        application_id (str):
        person_id (str): An opaque reference to a person
        channel (str):
        kind (str):
        status (str):
        express (bool):
        received_on (datetime.date):
        notice_expected_from (datetime.date):
        notice_expected_by (datetime.date):
        card_serial (None | str):
        pickup_notice (None | str):
        collect_by (datetime.date | None):
        next_step_en (str):
        next_step_ja (str):
        fee_yen (int | Unset):  Default: 0.
        fee_paid (None | PaidWhen | Unset):
        fee_why_free_en (str | Unset):  Default: ''.
        fee_why_free_ja (str | Unset):  Default: ''.
        reissue_reason (None | str | Unset):
        delivery (str | Unset):  Default: 'at_the_counter'.
        card_mail (None | str | Unset):
    """

    application_id: str
    person_id: str
    channel: str
    kind: str
    status: str
    express: bool
    received_on: datetime.date
    notice_expected_from: datetime.date
    notice_expected_by: datetime.date
    card_serial: None | str
    pickup_notice: None | str
    collect_by: datetime.date | None
    next_step_en: str
    next_step_ja: str
    fee_yen: int | Unset = 0
    fee_paid: None | PaidWhen | Unset = UNSET
    fee_why_free_en: str | Unset = ""
    fee_why_free_ja: str | Unset = ""
    reissue_reason: None | str | Unset = UNSET
    delivery: str | Unset = "at_the_counter"
    card_mail: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        application_id = self.application_id

        person_id = self.person_id

        channel = self.channel

        kind = self.kind

        status = self.status

        express = self.express

        received_on = self.received_on.isoformat()

        notice_expected_from = self.notice_expected_from.isoformat()

        notice_expected_by = self.notice_expected_by.isoformat()

        card_serial: None | str
        card_serial = self.card_serial

        pickup_notice: None | str
        pickup_notice = self.pickup_notice

        collect_by: None | str
        if isinstance(self.collect_by, datetime.date):
            collect_by = self.collect_by.isoformat()
        else:
            collect_by = self.collect_by

        next_step_en = self.next_step_en

        next_step_ja = self.next_step_ja

        fee_yen = self.fee_yen

        fee_paid: None | str | Unset
        if isinstance(self.fee_paid, Unset):
            fee_paid = UNSET
        elif isinstance(self.fee_paid, PaidWhen):
            fee_paid = self.fee_paid.value
        else:
            fee_paid = self.fee_paid

        fee_why_free_en = self.fee_why_free_en

        fee_why_free_ja = self.fee_why_free_ja

        reissue_reason: None | str | Unset
        if isinstance(self.reissue_reason, Unset):
            reissue_reason = UNSET
        else:
            reissue_reason = self.reissue_reason

        delivery = self.delivery

        card_mail: None | str | Unset
        if isinstance(self.card_mail, Unset):
            card_mail = UNSET
        else:
            card_mail = self.card_mail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "application_id": application_id,
                "person_id": person_id,
                "channel": channel,
                "kind": kind,
                "status": status,
                "express": express,
                "received_on": received_on,
                "notice_expected_from": notice_expected_from,
                "notice_expected_by": notice_expected_by,
                "card_serial": card_serial,
                "pickup_notice": pickup_notice,
                "collect_by": collect_by,
                "next_step_en": next_step_en,
                "next_step_ja": next_step_ja,
            }
        )
        if fee_yen is not UNSET:
            field_dict["fee_yen"] = fee_yen
        if fee_paid is not UNSET:
            field_dict["fee_paid"] = fee_paid
        if fee_why_free_en is not UNSET:
            field_dict["fee_why_free_en"] = fee_why_free_en
        if fee_why_free_ja is not UNSET:
            field_dict["fee_why_free_ja"] = fee_why_free_ja
        if reissue_reason is not UNSET:
            field_dict["reissue_reason"] = reissue_reason
        if delivery is not UNSET:
            field_dict["delivery"] = delivery
        if card_mail is not UNSET:
            field_dict["card_mail"] = card_mail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        application_id = d.pop("application_id")

        person_id = d.pop("person_id")

        channel = d.pop("channel")

        kind = d.pop("kind")

        status = d.pop("status")

        express = d.pop("express")

        received_on = datetime.date.fromisoformat(d.pop("received_on"))

        notice_expected_from = datetime.date.fromisoformat(d.pop("notice_expected_from"))

        notice_expected_by = datetime.date.fromisoformat(d.pop("notice_expected_by"))

        def _parse_card_serial(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        card_serial = _parse_card_serial(d.pop("card_serial"))

        def _parse_pickup_notice(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pickup_notice = _parse_pickup_notice(d.pop("pickup_notice"))

        def _parse_collect_by(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                collect_by_type_0 = datetime.date.fromisoformat(data)

                return collect_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        collect_by = _parse_collect_by(d.pop("collect_by"))

        next_step_en = d.pop("next_step_en")

        next_step_ja = d.pop("next_step_ja")

        fee_yen = d.pop("fee_yen", UNSET)

        def _parse_fee_paid(data: object) -> None | PaidWhen | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                fee_paid_type_0 = PaidWhen(data)

                return fee_paid_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PaidWhen | Unset, data)

        fee_paid = _parse_fee_paid(d.pop("fee_paid", UNSET))

        fee_why_free_en = d.pop("fee_why_free_en", UNSET)

        fee_why_free_ja = d.pop("fee_why_free_ja", UNSET)

        def _parse_reissue_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reissue_reason = _parse_reissue_reason(d.pop("reissue_reason", UNSET))

        delivery = d.pop("delivery", UNSET)

        def _parse_card_mail(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        card_mail = _parse_card_mail(d.pop("card_mail", UNSET))

        application_view = cls(
            application_id=application_id,
            person_id=person_id,
            channel=channel,
            kind=kind,
            status=status,
            express=express,
            received_on=received_on,
            notice_expected_from=notice_expected_from,
            notice_expected_by=notice_expected_by,
            card_serial=card_serial,
            pickup_notice=pickup_notice,
            collect_by=collect_by,
            next_step_en=next_step_en,
            next_step_ja=next_step_ja,
            fee_yen=fee_yen,
            fee_paid=fee_paid,
            fee_why_free_en=fee_why_free_en,
            fee_why_free_ja=fee_why_free_ja,
            reissue_reason=reissue_reason,
            delivery=delivery,
            card_mail=card_mail,
        )

        application_view.additional_properties = d
        return application_view

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
