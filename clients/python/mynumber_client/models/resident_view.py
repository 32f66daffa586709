from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ResidentView")


@_attrs_define
class ResidentView:
    """
    Attributes:
        person_id (str): An opaque reference to a person
        name_latin (str):
        name_kana (str):
        name_kanji (str):
        date_of_birth (datetime.date):
        sex (str):
        nationality (str):
        my_number (str):
        registered (bool):
        municipality_code (None | str):
        address (None | str):
        late (bool):
        residence_card_number (None | str):
        status_of_residence (None | str):
        period_of_stay_ends (datetime.date | None):
    """

    person_id: str
    name_latin: str
    name_kana: str
    name_kanji: str
    date_of_birth: datetime.date
    sex: str
    nationality: str
    my_number: str
    registered: bool
    municipality_code: None | str
    address: None | str
    late: bool
    residence_card_number: None | str
    status_of_residence: None | str
    period_of_stay_ends: datetime.date | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        person_id = self.person_id

        name_latin = self.name_latin

        name_kana = self.name_kana

        name_kanji = self.name_kanji

        date_of_birth = self.date_of_birth.isoformat()

        sex = self.sex

        nationality = self.nationality

        my_number = self.my_number

        registered = self.registered

        municipality_code: None | str
        municipality_code = self.municipality_code

        address: None | str
        address = self.address

        late = self.late

        residence_card_number: None | str
        residence_card_number = self.residence_card_number

        status_of_residence: None | str
        status_of_residence = self.status_of_residence

        period_of_stay_ends: None | str
        if isinstance(self.period_of_stay_ends, datetime.date):
            period_of_stay_ends = self.period_of_stay_ends.isoformat()
        else:
            period_of_stay_ends = self.period_of_stay_ends

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "person_id": person_id,
                "name_latin": name_latin,
                "name_kana": name_kana,
                "name_kanji": name_kanji,
                "date_of_birth": date_of_birth,
                "sex": sex,
                "nationality": nationality,
                "my_number": my_number,
                "registered": registered,
                "municipality_code": municipality_code,
                "address": address,
                "late": late,
                "residence_card_number": residence_card_number,
                "status_of_residence": status_of_residence,
                "period_of_stay_ends": period_of_stay_ends,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        person_id = d.pop("person_id")

        name_latin = d.pop("name_latin")

        name_kana = d.pop("name_kana")

        name_kanji = d.pop("name_kanji")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        sex = d.pop("sex")

        nationality = d.pop("nationality")

        my_number = d.pop("my_number")

        registered = d.pop("registered")

        def _parse_municipality_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        municipality_code = _parse_municipality_code(d.pop("municipality_code"))

        def _parse_address(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        address = _parse_address(d.pop("address"))

        late = d.pop("late")

        def _parse_residence_card_number(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        residence_card_number = _parse_residence_card_number(d.pop("residence_card_number"))

        def _parse_status_of_residence(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        status_of_residence = _parse_status_of_residence(d.pop("status_of_residence"))

        def _parse_period_of_stay_ends(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_of_stay_ends_type_0 = datetime.date.fromisoformat(data)

                return period_of_stay_ends_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        period_of_stay_ends = _parse_period_of_stay_ends(d.pop("period_of_stay_ends"))

        resident_view = cls(
            person_id=person_id,
            name_latin=name_latin,
            name_kana=name_kana,
            name_kanji=name_kanji,
            date_of_birth=date_of_birth,
            sex=sex,
            nationality=nationality,
            my_number=my_number,
            registered=registered,
            municipality_code=municipality_code,
            address=address,
            late=late,
            residence_card_number=residence_card_number,
            status_of_residence=status_of_residence,
            period_of_stay_ends=period_of_stay_ends,
        )

        resident_view.additional_properties = d
        return resident_view

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
