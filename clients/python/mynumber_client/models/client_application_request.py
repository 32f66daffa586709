from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.client_auth_method import ClientAuthMethod
from ..models.scope import Scope
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.client_application_request_jwks_type_0 import ClientApplicationRequestJwksType0


T = TypeVar("T", bound="ClientApplicationRequest")


@_attrs_define
class ClientApplicationRequest:
    """A service's application to sign people in with the card.

    Attributes:
        name (str):
        purpose (str):
        redirect_uris (list[str]):
        scopes (list[Scope]):
        token_endpoint_auth_method (ClientAuthMethod | Unset): How a service proves itself at the token endpoint.
        jwks (ClientApplicationRequestJwksType0 | None | Unset): Public keys for private_key_jwt (RSA or EC)
    """

    name: str
    purpose: str
    redirect_uris: list[str]
    scopes: list[Scope]
    token_endpoint_auth_method: ClientAuthMethod | Unset = UNSET
    jwks: ClientApplicationRequestJwksType0 | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.client_application_request_jwks_type_0 import ClientApplicationRequestJwksType0  # noqa: PLC0415

        name = self.name

        purpose = self.purpose

        redirect_uris = self.redirect_uris

        scopes = []
        for scopes_item_data in self.scopes:
            scopes_item = scopes_item_data.value
            scopes.append(scopes_item)

        token_endpoint_auth_method: str | Unset = UNSET
        if not isinstance(self.token_endpoint_auth_method, Unset):
            token_endpoint_auth_method = self.token_endpoint_auth_method.value

        jwks: dict[str, Any] | None | Unset
        if isinstance(self.jwks, Unset):
            jwks = UNSET
        elif isinstance(self.jwks, ClientApplicationRequestJwksType0):
            jwks = self.jwks.to_dict()
        else:
            jwks = self.jwks

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "purpose": purpose,
                "redirect_uris": redirect_uris,
                "scopes": scopes,
            }
        )
        if token_endpoint_auth_method is not UNSET:
            field_dict["token_endpoint_auth_method"] = token_endpoint_auth_method
        if jwks is not UNSET:
            field_dict["jwks"] = jwks

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.client_application_request_jwks_type_0 import ClientApplicationRequestJwksType0  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        purpose = d.pop("purpose")

        redirect_uris = cast(list[str], d.pop("redirect_uris"))

        scopes = []
        _scopes = d.pop("scopes")
        for scopes_item_data in _scopes:
            scopes_item = Scope(scopes_item_data)

            scopes.append(scopes_item)

        _token_endpoint_auth_method = d.pop("token_endpoint_auth_method", UNSET)
        token_endpoint_auth_method: ClientAuthMethod | Unset
        if isinstance(_token_endpoint_auth_method, Unset):
            token_endpoint_auth_method = UNSET
        else:
            token_endpoint_auth_method = ClientAuthMethod(_token_endpoint_auth_method)

        def _parse_jwks(data: object) -> ClientApplicationRequestJwksType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                jwks_type_0 = ClientApplicationRequestJwksType0.from_dict(data)

                return jwks_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ClientApplicationRequestJwksType0 | None | Unset, data)

        jwks = _parse_jwks(d.pop("jwks", UNSET))

        client_application_request = cls(
            name=name,
            purpose=purpose,
            redirect_uris=redirect_uris,
            scopes=scopes,
            token_endpoint_auth_method=token_endpoint_auth_method,
            jwks=jwks,
        )

        return client_application_request
