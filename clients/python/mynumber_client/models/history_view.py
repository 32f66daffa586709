from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.record_view import RecordView


T = TypeVar("T", bound="HistoryView")


@_attrs_define
class HistoryView:
    """What the clinic may see at this visit: each part only with its consent.

    Attributes:
        visit_id (str): An opaque reference to a visit
        medication (list[RecordView] | None):
        checkups (list[RecordView] | None):
    """

    visit_id: str
    medication: list[RecordView] | None
    checkups: list[RecordView] | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        visit_id = self.visit_id

        medication: list[dict[str, Any]] | None
        if isinstance(self.medication, list):
            medication = []
            for medication_type_0_item_data in self.medication:
                medication_type_0_item = medication_type_0_item_data.to_dict()
                medication.append(medication_type_0_item)

        else:
            medication = self.medication

        checkups: list[dict[str, Any]] | None
        if isinstance(self.checkups, list):
            checkups = []
            for checkups_type_0_item_data in self.checkups:
                checkups_type_0_item = checkups_type_0_item_data.to_dict()
                checkups.append(checkups_type_0_item)

        else:
            checkups = self.checkups

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "visit_id": visit_id,
                "medication": medication,
                "checkups": checkups,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.record_view import RecordView  # noqa: PLC0415

        d = dict(src_dict)
        visit_id = d.pop("visit_id")

        def _parse_medication(data: object) -> list[RecordView] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                medication_type_0 = []
                _medication_type_0 = data
                for medication_type_0_item_data in _medication_type_0:
                    medication_type_0_item = RecordView.from_dict(medication_type_0_item_data)

                    medication_type_0.append(medication_type_0_item)

                return medication_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RecordView] | None, data)

        medication = _parse_medication(d.pop("medication"))

        def _parse_checkups(data: object) -> list[RecordView] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                checkups_type_0 = []
                _checkups_type_0 = data
                for checkups_type_0_item_data in _checkups_type_0:
                    checkups_type_0_item = RecordView.from_dict(checkups_type_0_item_data)

                    checkups_type_0.append(checkups_type_0_item)

                return checkups_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[RecordView] | None, data)

        checkups = _parse_checkups(d.pop("checkups"))

        history_view = cls(
            visit_id=visit_id,
            medication=medication,
            checkups=checkups,
        )

        history_view.additional_properties = d
        return history_view

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
