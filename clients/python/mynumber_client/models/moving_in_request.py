from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.id_document import IdDocument
from ..models.sex import Sex
from ..types import UNSET, Unset

T = TypeVar("T", bound="MovingInRequest")


@_attrs_define
class MovingInRequest:
    """
    Attributes:
        municipality_code (str):
        name_latin (str):
        date_of_birth (datetime.date):
        sex (Sex): As the resident register records it (住民票の性別).
        nationality (str):
        address (str):
        started_living_on (datetime.date):
        id_documents (list[IdDocument]):
        name_kana (str | Unset):  Default: ''.
        name_kanji (str | Unset):  Default: ''.
        residence_card_number (None | str | Unset):
        status_of_residence (None | str | Unset):
        period_of_stay_ends (datetime.date | None | Unset):
    """

    municipality_code: str
    name_latin: str
    date_of_birth: datetime.date
    sex: Sex
    nationality: str
    address: str
    started_living_on: datetime.date
    id_documents: list[IdDocument]
    name_kana: str | Unset = ""
    name_kanji: str | Unset = ""
    residence_card_number: None | str | Unset = UNSET
    status_of_residence: None | str | Unset = UNSET
    period_of_stay_ends: datetime.date | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        municipality_code = self.municipality_code

        name_latin = self.name_latin

        date_of_birth = self.date_of_birth.isoformat()

        sex = self.sex.value

        nationality = self.nationality

        address = self.address

        started_living_on = self.started_living_on.isoformat()

        id_documents = []
        for id_documents_item_data in self.id_documents:
            id_documents_item = id_documents_item_data.value
            id_documents.append(id_documents_item)

        name_kana = self.name_kana

        name_kanji = self.name_kanji

        residence_card_number: None | str | Unset
        if isinstance(self.residence_card_number, Unset):
            residence_card_number = UNSET
        else:
            residence_card_number = self.residence_card_number

        status_of_residence: None | str | Unset
        if isinstance(self.status_of_residence, Unset):
            status_of_residence = UNSET
        else:
            status_of_residence = self.status_of_residence

        period_of_stay_ends: None | str | Unset
        if isinstance(self.period_of_stay_ends, Unset):
            period_of_stay_ends = UNSET
        elif isinstance(self.period_of_stay_ends, datetime.date):
            period_of_stay_ends = self.period_of_stay_ends.isoformat()
        else:
            period_of_stay_ends = self.period_of_stay_ends

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "municipality_code": municipality_code,
                "name_latin": name_latin,
                "date_of_birth": date_of_birth,
                "sex": sex,
                "nationality": nationality,
                "address": address,
                "started_living_on": started_living_on,
                "id_documents": id_documents,
            }
        )
        if name_kana is not UNSET:
            field_dict["name_kana"] = name_kana
        if name_kanji is not UNSET:
            field_dict["name_kanji"] = name_kanji
        if residence_card_number is not UNSET:
            field_dict["residence_card_number"] = residence_card_number
        if status_of_residence is not UNSET:
            field_dict["status_of_residence"] = status_of_residence
        if period_of_stay_ends is not UNSET:
            field_dict["period_of_stay_ends"] = period_of_stay_ends

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        municipality_code = d.pop("municipality_code")

        name_latin = d.pop("name_latin")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        sex = Sex(d.pop("sex"))

        nationality = d.pop("nationality")

        address = d.pop("address")

        started_living_on = datetime.date.fromisoformat(d.pop("started_living_on"))

        id_documents = []
        _id_documents = d.pop("id_documents")
        for id_documents_item_data in _id_documents:
            id_documents_item = IdDocument(id_documents_item_data)

            id_documents.append(id_documents_item)

        name_kana = d.pop("name_kana", UNSET)

        name_kanji = d.pop("name_kanji", UNSET)

        def _parse_residence_card_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        residence_card_number = _parse_residence_card_number(d.pop("residence_card_number", UNSET))

        def _parse_status_of_residence(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_of_residence = _parse_status_of_residence(d.pop("status_of_residence", UNSET))

        def _parse_period_of_stay_ends(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_of_stay_ends_type_0 = datetime.date.fromisoformat(data)

                return period_of_stay_ends_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        period_of_stay_ends = _parse_period_of_stay_ends(d.pop("period_of_stay_ends", UNSET))

        moving_in_request = cls(
            municipality_code=municipality_code,
            name_latin=name_latin,
            date_of_birth=date_of_birth,
            sex=sex,
            nationality=nationality,
            address=address,
            started_living_on=started_living_on,
            id_documents=id_documents,
            name_kana=name_kana,
            name_kanji=name_kanji,
            residence_card_number=residence_card_number,
            status_of_residence=status_of_residence,
            period_of_stay_ends=period_of_stay_ends,
        )

        moving_in_request.additional_properties = d
        return moving_in_request

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
