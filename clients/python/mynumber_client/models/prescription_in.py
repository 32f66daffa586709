from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.medicine_in import MedicineIn


T = TypeVar("T", bound="PrescriptionIn")


@_attrs_define
class PrescriptionIn:
    """
    Attributes:
        medicines (list[MedicineIn]):
        prescribed_on (datetime.date | None | Unset):
    """

    medicines: list[MedicineIn]
    prescribed_on: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        medicines = []
        for medicines_item_data in self.medicines:
            medicines_item = medicines_item_data.to_dict()
            medicines.append(medicines_item)

        prescribed_on: None | str | Unset
        if isinstance(self.prescribed_on, Unset):
            prescribed_on = UNSET
        elif isinstance(self.prescribed_on, datetime.date):
            prescribed_on = self.prescribed_on.isoformat()
        else:
            prescribed_on = self.prescribed_on

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "medicines": medicines,
            }
        )
        if prescribed_on is not UNSET:
            field_dict["prescribed_on"] = prescribed_on

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.medicine_in import MedicineIn  # noqa: PLC0415

        d = dict(src_dict)
        medicines = []
        _medicines = d.pop("medicines")
        for medicines_item_data in _medicines:
            medicines_item = MedicineIn.from_dict(medicines_item_data)

            medicines.append(medicines_item)

        def _parse_prescribed_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                prescribed_on_type_0 = datetime.date.fromisoformat(data)

                return prescribed_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        prescribed_on = _parse_prescribed_on(d.pop("prescribed_on", UNSET))

        prescription_in = cls(
            medicines=medicines,
            prescribed_on=prescribed_on,
        )

        prescription_in.additional_properties = d
        return prescription_in

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
