from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CollectOut")


@_attrs_define
class CollectOut:
    """
    Attributes:
        employee_id (str): An opaque reference to a employee
        my_number (str): Masked: **** **** 1234
        purposes (list[str]):
        number_proof (str):
        identity_proof (str):
        registered_person (bool):
    """

    employee_id: str
    my_number: str
    purposes: list[str]
    number_proof: str
    identity_proof: str
    registered_person: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        employee_id = self.employee_id

        my_number = self.my_number

        purposes = self.purposes

        number_proof = self.number_proof

        identity_proof = self.identity_proof

        registered_person = self.registered_person

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "employee_id": employee_id,
                "my_number": my_number,
                "purposes": purposes,
                "number_proof": number_proof,
                "identity_proof": identity_proof,
                "registered_person": registered_person,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        employee_id = d.pop("employee_id")

        my_number = d.pop("my_number")

        purposes = cast(list[str], d.pop("purposes"))

        number_proof = d.pop("number_proof")

        identity_proof = d.pop("identity_proof")

        registered_person = d.pop("registered_person")

        collect_out = cls(
            employee_id=employee_id,
            my_number=my_number,
            purposes=purposes,
            number_proof=number_proof,
            identity_proof=identity_proof,
            registered_person=registered_person,
        )

        collect_out.additional_properties = d
        return collect_out

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
