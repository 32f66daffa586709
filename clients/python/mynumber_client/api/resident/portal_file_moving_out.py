from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.online_moving_out_request import OnlineMovingOutRequest
from ...models.online_moving_out_response import OnlineMovingOutResponse
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: OnlineMovingOutRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/residents/moving-out",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> OnlineMovingOutResponse | Problem | None:
    if response.status_code == 200:
        response_200 = OnlineMovingOutResponse.from_dict(response.json())

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
) -> Response[OnlineMovingOutResponse | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: OnlineMovingOutRequest,
) -> Response[OnlineMovingOutResponse | Problem]:
    """File Moving Out

     転出届 online (引越しワンストップ) — signed on your card; the new municipality is told
    when you will come. The 転入届 is still filed there, in person, with the card.

    Args:
        body (OnlineMovingOutRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OnlineMovingOutResponse | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: OnlineMovingOutRequest,
) -> OnlineMovingOutResponse | Problem | None:
    """File Moving Out

     転出届 online (引越しワンストップ) — signed on your card; the new municipality is told
    when you will come. The 転入届 is still filed there, in person, with the card.

    Args:
        body (OnlineMovingOutRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OnlineMovingOutResponse | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OnlineMovingOutRequest,
) -> Response[OnlineMovingOutResponse | Problem]:
    """File Moving Out

     転出届 online (引越しワンストップ) — signed on your card; the new municipality is told
    when you will come. The 転入届 is still filed there, in person, with the card.

    Args:
        body (OnlineMovingOutRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OnlineMovingOutResponse | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: OnlineMovingOutRequest,
) -> OnlineMovingOutResponse | Problem | None:
    """File Moving Out

     転出届 online (引越しワンストップ) — signed on your card; the new municipality is told
    when you will come. The 転入届 is still filed there, in person, with the card.

    Args:
        body (OnlineMovingOutRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OnlineMovingOutResponse | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
