from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.identity_request import IdentityRequest
from ...models.problem import Problem
from ...models.suspension_lifted import SuspensionLifted
from ...types import Response


def _get_kwargs(
    serial: str,
    *,
    body: IdentityRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/cards/{serial}/lift-suspension".format(
            serial=quote(str(serial), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SuspensionLifted | None:
    if response.status_code == 200:
        response_200 = SuspensionLifted.from_dict(response.json())

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SuspensionLifted]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    serial: str,
    *,
    client: AuthenticatedClient,
    body: IdentityRequest,
) -> Response[Problem | SuspensionLifted]:
    """Lift Suspension

     一時停止の解除 — the lost card was found: the holder brings it with ID; new
    certificates are issued (unless a reissued card already replaced it: 409).

    Args:
        serial (str):
        body (IdentityRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuspensionLifted]
    """

    kwargs = _get_kwargs(
        serial=serial,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    serial: str,
    *,
    client: AuthenticatedClient,
    body: IdentityRequest,
) -> Problem | SuspensionLifted | None:
    """Lift Suspension

     一時停止の解除 — the lost card was found: the holder brings it with ID; new
    certificates are issued (unless a reissued card already replaced it: 409).

    Args:
        serial (str):
        body (IdentityRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuspensionLifted
    """

    return sync_detailed(
        serial=serial,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    serial: str,
    *,
    client: AuthenticatedClient,
    body: IdentityRequest,
) -> Response[Problem | SuspensionLifted]:
    """Lift Suspension

     一時停止の解除 — the lost card was found: the holder brings it with ID; new
    certificates are issued (unless a reissued card already replaced it: 409).

    Args:
        serial (str):
        body (IdentityRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SuspensionLifted]
    """

    kwargs = _get_kwargs(
        serial=serial,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    serial: str,
    *,
    client: AuthenticatedClient,
    body: IdentityRequest,
) -> Problem | SuspensionLifted | None:
    """Lift Suspension

     一時停止の解除 — the lost card was found: the holder brings it with ID; new
    certificates are issued (unless a reissued card already replaced it: 409).

    Args:
        serial (str):
        body (IdentityRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SuspensionLifted
    """

    return (
        await asyncio_detailed(
            serial=serial,
            client=client,
            body=body,
        )
    ).parsed
