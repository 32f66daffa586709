from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.id_document import IdDocument
from ..models.number_proof import NumberProof
from ..types import UNSET, Unset

T = TypeVar("T", bound="CollectIn")


@_attrs_define
class CollectIn:
    """
    Attributes:
        my_number (str):
        purposes (list[str]):
        number_proof (NumberProof): Documents for number confirmation (番号確認書類).
        identity_proof (IdDocument | None | Unset): A photo ID (not needed with the card)
        details_match (bool | Unset):  Default: False.
    """

    my_number: str
    purposes: list[str]
    number_proof: NumberProof
    identity_proof: IdDocument | None | Unset = UNSET
    details_match: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        my_number = self.my_number

        purposes = self.purposes

        number_proof = self.number_proof.value

        identity_proof: None | str | Unset
        if isinstance(self.identity_proof, Unset):
            identity_proof = UNSET
        elif isinstance(self.identity_proof, IdDocument):
            identity_proof = self.identity_proof.value
        else:
            identity_proof = self.identity_proof

        details_match = self.details_match

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "my_number": my_number,
                "purposes": purposes,
                "number_proof": number_proof,
            }
        )
        if identity_proof is not UNSET:
            field_dict["identity_proof"] = identity_proof
        if details_match is not UNSET:
            field_dict["details_match"] = details_match

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        my_number = d.pop("my_number")

        purposes = cast(list[str], d.pop("purposes"))

        number_proof = NumberProof(d.pop("number_proof"))

        def _parse_identity_proof(data: object) -> IdDocument | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                identity_proof_type_0 = IdDocument(data)

                return identity_proof_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(IdDocument | None | Unset, data)

        identity_proof = _parse_identity_proof(d.pop("identity_proof", UNSET))

        details_match = d.pop("details_match", UNSET)

        collect_in = cls(
            my_number=my_number,
            purposes=purposes,
            number_proof=number_proof,
            identity_proof=identity_proof,
            details_match=details_match,
        )

        collect_in.additional_properties = d
        return collect_in

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
