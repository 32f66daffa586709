from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.card_status_view_tries_left import CardStatusViewTriesLeft
    from ..models.endorsement_line import EndorsementLine


T = TypeVar("T", bound="CardStatusView")


@_attrs_define
class CardStatusView:
    """A card as its holder and the counter see it: dates, status and what works now.

    Attributes:
        serial (str):
        person_id (str): An opaque reference to a person
        status (str):
        invalid_reason (None | str):
        issued_on (datetime.date | None):
        expires_on (datetime.date | None):
        certificates_expire_on (datetime.date | None):
        chip_address (str):
        tries_left (CardStatusViewTriesLeft):
        problem (None | str):
        problem_en (None | str):
        problem_ja (None | str):
        move_act_by (datetime.date | None):
        kind (str | Unset):  Default: 'my_number_card'.
        endorsement_lines_used (int | Unset):  Default: 0.
        endorsement_lines_left (int | Unset):  Default: 4.
        endorsements (list[EndorsementLine] | Unset):
    """

    serial: str
    person_id: str
    status: str
    invalid_reason: None | str
    issued_on: datetime.date | None
    expires_on: datetime.date | None
    certificates_expire_on: datetime.date | None
    chip_address: str
    tries_left: CardStatusViewTriesLeft
    problem: None | str
    problem_en: None | str
    problem_ja: None | str
    move_act_by: datetime.date | None
    kind: str | Unset = "my_number_card"
    endorsement_lines_used: int | Unset = 0
    endorsement_lines_left: int | Unset = 4
    endorsements: list[EndorsementLine] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        serial = self.serial

        person_id = self.person_id

        status = self.status

        invalid_reason: None | str
        invalid_reason = self.invalid_reason

        issued_on: None | str
        if isinstance(self.issued_on, datetime.date):
            issued_on = self.issued_on.isoformat()
        else:
            issued_on = self.issued_on

        expires_on: None | str
        if isinstance(self.expires_on, datetime.date):
            expires_on = self.expires_on.isoformat()
        else:
            expires_on = self.expires_on

        certificates_expire_on: None | str
        if isinstance(self.certificates_expire_on, datetime.date):
            certificates_expire_on = self.certificates_expire_on.isoformat()
        else:
            certificates_expire_on = self.certificates_expire_on

        chip_address = self.chip_address

        tries_left = self.tries_left.to_dict()

        problem: None | str
        problem = self.problem

        problem_en: None | str
        problem_en = self.problem_en

        problem_ja: None | str
        problem_ja = self.problem_ja

        move_act_by: None | str
        if isinstance(self.move_act_by, datetime.date):
            move_act_by = self.move_act_by.isoformat()
        else:
            move_act_by = self.move_act_by

        kind = self.kind

        endorsement_lines_used = self.endorsement_lines_used

        endorsement_lines_left = self.endorsement_lines_left

        endorsements: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.endorsements, Unset):
            endorsements = []
            for endorsements_item_data in self.endorsements:
                endorsements_item = endorsements_item_data.to_dict()
                endorsements.append(endorsements_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "serial": serial,
                "person_id": person_id,
                "status": status,
                "invalid_reason": invalid_reason,
                "issued_on": issued_on,
                "expires_on": expires_on,
                "certificates_expire_on": certificates_expire_on,
                "chip_address": chip_address,
                "tries_left": tries_left,
                "problem": problem,
                "problem_en": problem_en,
                "problem_ja": problem_ja,
                "move_act_by": move_act_by,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind
        if endorsement_lines_used is not UNSET:
            field_dict["endorsement_lines_used"] = endorsement_lines_used
        if endorsement_lines_left is not UNSET:
            field_dict["endorsement_lines_left"] = endorsement_lines_left
        if endorsements is not UNSET:
            field_dict["endorsements"] = endorsements

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.card_status_view_tries_left import CardStatusViewTriesLeft  # noqa: PLC0415
        from ..models.endorsement_line import EndorsementLine  # noqa: PLC0415

        d = dict(src_dict)
        serial = d.pop("serial")

        person_id = d.pop("person_id")

        status = d.pop("status")

        def _parse_invalid_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invalid_reason = _parse_invalid_reason(d.pop("invalid_reason"))

        def _parse_issued_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_on_type_0 = datetime.date.fromisoformat(data)

                return issued_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        issued_on = _parse_issued_on(d.pop("issued_on"))

        def _parse_expires_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_on_type_0 = datetime.date.fromisoformat(data)

                return expires_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        expires_on = _parse_expires_on(d.pop("expires_on"))

        def _parse_certificates_expire_on(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                certificates_expire_on_type_0 = datetime.date.fromisoformat(data)

                return certificates_expire_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        certificates_expire_on = _parse_certificates_expire_on(d.pop("certificates_expire_on"))

        chip_address = d.pop("chip_address")

        tries_left = CardStatusViewTriesLeft.from_dict(d.pop("tries_left"))

        def _parse_problem(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        problem = _parse_problem(d.pop("problem"))

        def _parse_problem_en(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        problem_en = _parse_problem_en(d.pop("problem_en"))

        def _parse_problem_ja(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        problem_ja = _parse_problem_ja(d.pop("problem_ja"))

        def _parse_move_act_by(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                move_act_by_type_0 = datetime.date.fromisoformat(data)

                return move_act_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        move_act_by = _parse_move_act_by(d.pop("move_act_by"))

        kind = d.pop("kind", UNSET)

        endorsement_lines_used = d.pop("endorsement_lines_used", UNSET)

        endorsement_lines_left = d.pop("endorsement_lines_left", UNSET)

        _endorsements = d.pop("endorsements", UNSET)
        endorsements: list[EndorsementLine] | Unset = UNSET
        if _endorsements is not UNSET:
            endorsements = []
            for endorsements_item_data in _endorsements:
                endorsements_item = EndorsementLine.from_dict(endorsements_item_data)

                endorsements.append(endorsements_item)

        card_status_view = cls(
            serial=serial,
            person_id=person_id,
            status=status,
            invalid_reason=invalid_reason,
            issued_on=issued_on,
            expires_on=expires_on,
            certificates_expire_on=certificates_expire_on,
            chip_address=chip_address,
            tries_left=tries_left,
            problem=problem,
            problem_en=problem_en,
            problem_ja=problem_ja,
            move_act_by=move_act_by,
            kind=kind,
            endorsement_lines_used=endorsement_lines_used,
            endorsement_lines_left=endorsement_lines_left,
            endorsements=endorsements,
        )

        card_status_view.additional_properties = d
        return card_status_view

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
