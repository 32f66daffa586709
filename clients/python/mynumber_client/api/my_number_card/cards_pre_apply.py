from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.pin_kind import PinKind
from ...models.pre_application_request import PreApplicationRequest
from ...models.pre_applied import PreApplied
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    serial: str,
    pin_kind: PinKind,
    *,
    body: PreApplicationRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/cards/{serial}/pins/{pin_kind}/pre-application".format(
            serial=quote(str(serial), safe=""),
            pin_kind=quote(str(pin_kind), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PreApplied | Problem | None:
    if response.status_code == 201:
        response_201 = PreApplied.from_dict(response.json())

        return response_201

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PreApplied | Problem]:
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
    body: PreApplicationRequest,
) -> Response[PreApplied | Problem]:
    """Pre Apply

     事前申請 — with the smartphone and the card: the card signs ``to_sign`` after the
    4-digit PIN and the face photo matches the chip's; then the signature PIN can be reset at
    a kiosk within 24 hours.

    Args:
        serial (str):
        pin_kind (PinKind): The four PINs of the card; the value is a stable identifier.
        body (PreApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PreApplied | Problem]
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
    body: PreApplicationRequest,
) -> PreApplied | Problem | None:
    """Pre Apply

     事前申請 — with the smartphone and the card: the card signs ``to_sign`` after the
    4-digit PIN and the face photo matches the chip's; then the signature PIN can be reset at
    a kiosk within 24 hours.

    Args:
        serial (str):
        pin_kind (PinKind): The four PINs of the card; the value is a stable identifier.
        body (PreApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PreApplied | Problem
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
    body: PreApplicationRequest,
) -> Response[PreApplied | Problem]:
    """Pre Apply

     事前申請 — with the smartphone and the card: the card signs ``to_sign`` after the
    4-digit PIN and the face photo matches the chip's; then the signature PIN can be reset at
    a kiosk within 24 hours.

    Args:
        serial (str):
        pin_kind (PinKind): The four PINs of the card; the value is a stable identifier.
        body (PreApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PreApplied | Problem]
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
    body: PreApplicationRequest,
) -> PreApplied | Problem | None:
    """Pre Apply

     事前申請 — with the smartphone and the card: the card signs ``to_sign`` after the
    4-digit PIN and the face photo matches the chip's; then the signature PIN can be reset at
    a kiosk within 24 hours.

    Args:
        serial (str):
        pin_kind (PinKind): The four PINs of the card; the value is a stable identifier.
        body (PreApplicationRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PreApplied | Problem
    """

    return (
        await asyncio_detailed(
            serial=serial,
            pin_kind=pin_kind,
            client=client,
            body=body,
        )
    ).parsed
