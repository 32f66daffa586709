from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.kiosk_reset_request import KioskResetRequest
from ...models.pin_kind import PinKind
from ...models.pin_reset import PinReset
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    serial: str,
    pin_kind: PinKind,
    *,
    body: KioskResetRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/kiosk/cards/{serial}/pins/{pin_kind}/reset".format(
            serial=quote(str(serial), safe=""),
            pin_kind=quote(str(pin_kind), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PinReset | Problem | None:
    if response.status_code == 200:
        response_200 = PinReset.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 423:
        response_423 = Problem.from_dict(response.json())

        return response_423

    if response.status_code == 500:
        response_500 = Problem.from_dict(response.json())

        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PinReset | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    serial: str,
    pin_kind: PinKind,
    *,
    client: AuthenticatedClient,
    body: KioskResetRequest,
) -> Response[PinReset | Problem]:
    """Kiosk Reset

     コンビニでの初期化 — the kiosk resets a PIN on the card in its own reader
    (``kiosk.reset_pin_at_kiosk``): the card proves it is there, and that the other
    credential's PIN was entered on it, by signing the challenge's ``to_sign`` with that PIN's
    key (the signature key to reset the user-authentication PIN, with a face match against
    the chip's photo; the user-authentication key to reset the signature PIN, after a
    smartphone pre-application). Without that proof — another card's, another kiosk's,
    another step's, a spent nonce — it is refused before any PIN (403
    ``card-not-in-terminal``, audited): no try is spent.

    Args:
        serial (str):
        pin_kind (PinKind): The four PINs of the card; the value is a stable identifier.
        body (KioskResetRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PinReset | Problem]
    """

    kwargs = _get_kwargs(
        serial=serial,
        pin_kind=pin_kind,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    serial: str,
    pin_kind: PinKind,
    *,
    client: AuthenticatedClient,
    body: KioskResetRequest,
) -> PinReset | Problem | None:
    """Kiosk Reset

     コンビニでの初期化 — the kiosk resets a PIN on the card in its own reader
    (``kiosk.reset_pin_at_kiosk``): the card proves it is there, and that the other
    credential's PIN was entered on it, by signing the challenge's ``to_sign`` with that PIN's
    key (the signature key to reset the user-authentication PIN, with a face match against
    the chip's photo; the user-authentication key to reset the signature PIN, after a
    smartphone pre-application). Without that proof — another card's, another kiosk's,
    another step's, a spent nonce — it is refused before any PIN (403
    ``card-not-in-terminal``, audited): no try is spent.

    Args:
        serial (str):
        pin_kind (PinKind): The four PINs of the card; the value is a stable identifier.
        body (KioskResetRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PinReset | Problem
    """

    return sync_detailed(
        serial=serial,
        pin_kind=pin_kind,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    serial: str,
    pin_kind: PinKind,
    *,
    client: AuthenticatedClient,
    body: KioskResetRequest,
) -> Response[PinReset | Problem]:
    """Kiosk Reset

     コンビニでの初期化 — the kiosk resets a PIN on the card in its own reader
    (``kiosk.reset_pin_at_kiosk``): the card proves it is there, and that the other
    credential's PIN was entered on it, by signing the challenge's ``to_sign`` with that PIN's
    key (the signature key to reset the user-authentication PIN, with a face match against
    the chip's photo; the user-authentication key to reset the signature PIN, after a
    smartphone pre-application). Without that proof — another card's, another kiosk's,
    another step's, a spent nonce — it is refused before any PIN (403
    ``card-not-in-terminal``, audited): no try is spent.

    Args:
        serial (str):
        pin_kind (PinKind): The four PINs of the card; the value is a stable identifier.
        body (KioskResetRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PinReset | Problem]
    """

    kwargs = _get_kwargs(
        serial=serial,
        pin_kind=pin_kind,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    serial: str,
    pin_kind: PinKind,
    *,
    client: AuthenticatedClient,
    body: KioskResetRequest,
) -> PinReset | Problem | None:
    """Kiosk Reset

     コンビニでの初期化 — the kiosk resets a PIN on the card in its own reader
    (``kiosk.reset_pin_at_kiosk``): the card proves it is there, and that the other
    credential's PIN was entered on it, by signing the challenge's ``to_sign`` with that PIN's
    key (the signature key to reset the user-authentication PIN, with a face match against
    the chip's photo; the user-authentication key to reset the signature PIN, after a
    smartphone pre-application). Without that proof — another card's, another kiosk's,
    another step's, a spent nonce — it is refused before any PIN (403
    ``card-not-in-terminal``, audited): no try is spent.

    Args:
        serial (str):
        pin_kind (PinKind): The four PINs of the card; the value is a stable identifier.
        body (KioskResetRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PinReset | Problem
    """

    return (
        await asyncio_detailed(
            serial=serial,
            pin_kind=pin_kind,
            client=client,
            body=body,
        )
    ).parsed
