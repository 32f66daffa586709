from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LetterReissuedResponse")


@_attrs_define
class LetterReissuedResponse:
    """
    Attributes:
        letter_id (str): An opaque reference to a letter
        application_id (str): The new 23-digit application ID
        mail_id (None | str | Unset): The mail item carrying it
    """

    letter_id: str
    application_id: str
    mail_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        letter_id = self.letter_id

        application_id = self.application_id

        mail_id: None | str | Unset
        if isinstance(self.mail_id, Unset):
            mail_id = UNSET
        else:
            mail_id = self.mail_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "letter_id": letter_id,
                "application_id": application_id,
            }
        )
        if mail_id is not UNSET:
            field_dict["mail_id"] = mail_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        letter_id = d.pop("letter_id")

        application_id = d.pop("application_id")

        def _parse_mail_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mail_id = _parse_mail_id(d.pop("mail_id", UNSET))

        letter_reissued_response = cls(
            letter_id=letter_id,
            application_id=application_id,
            mail_id=mail_id,
        )

        letter_reissued_response.additional_properties = d
        return letter_reissued_response

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
