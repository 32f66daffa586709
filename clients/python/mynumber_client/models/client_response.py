from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ClientResponse")


@_attrs_define
class ClientResponse:
    """
    Attributes:
        client_id (str):
        name (str):
        purpose (str):
        redirect_uris (list[str]):
        scopes_asked (list[str]):
        scopes_approved (list[str]):
        token_endpoint_auth_method (str):
        status (str):
        applied_at (datetime.datetime):
        reviewed_at (datetime.datetime | None):
        client_secret (None | str | Unset): Sandbox only (client_secret_basic): shown this once
    """

    client_id: str
    name: str
    purpose: str
    redirect_uris: list[str]
    scopes_asked: list[str]
    scopes_approved: list[str]
    token_endpoint_auth_method: str
    status: str
    applied_at: datetime.datetime
    reviewed_at: datetime.datetime | None
    client_secret: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        client_id = self.client_id

        name = self.name

        purpose = self.purpose

        redirect_uris = self.redirect_uris

        scopes_asked = self.scopes_asked

        scopes_approved = self.scopes_approved

        token_endpoint_auth_method = self.token_endpoint_auth_method

        status = self.status

        applied_at = self.applied_at.isoformat()

        reviewed_at: None | str
        if isinstance(self.reviewed_at, datetime.datetime):
            reviewed_at = self.reviewed_at.isoformat()
        else:
            reviewed_at = self.reviewed_at

        client_secret: None | str | Unset
        if isinstance(self.client_secret, Unset):
            client_secret = UNSET
        else:
            client_secret = self.client_secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "client_id": client_id,
                "name": name,
                "purpose": purpose,
                "redirect_uris": redirect_uris,
                "scopes_asked": scopes_asked,
                "scopes_approved": scopes_approved,
                "token_endpoint_auth_method": token_endpoint_auth_method,
                "status": status,
                "applied_at": applied_at,
                "reviewed_at": reviewed_at,
            }
        )
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        client_id = d.pop("client_id")

        name = d.pop("name")

        purpose = d.pop("purpose")

        redirect_uris = cast(list[str], d.pop("redirect_uris"))

        scopes_asked = cast(list[str], d.pop("scopes_asked"))

        scopes_approved = cast(list[str], d.pop("scopes_approved"))

        token_endpoint_auth_method = d.pop("token_endpoint_auth_method")

        status = d.pop("status")

        applied_at = datetime.datetime.fromisoformat(d.pop("applied_at"))

        def _parse_reviewed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reviewed_at_type_0 = datetime.datetime.fromisoformat(data)

                return reviewed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        reviewed_at = _parse_reviewed_at(d.pop("reviewed_at"))

        def _parse_client_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_secret = _parse_client_secret(d.pop("client_secret", UNSET))

        client_response = cls(
            client_id=client_id,
            name=name,
            purpose=purpose,
            redirect_uris=redirect_uris,
            scopes_asked=scopes_asked,
            scopes_approved=scopes_approved,
            token_endpoint_auth_method=token_endpoint_auth_method,
            status=status,
            applied_at=applied_at,
            reviewed_at=reviewed_at,
            client_secret=client_secret,
        )

        client_response.additional_properties = d
        return client_response

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
