from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.collect_request import CollectRequest
from ...models.collection import Collection
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    application_id: str,
    *,
    body: CollectRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/cards/applications/{application_id}/collect".format(
            application_id=quote(str(application_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Collection | Problem | None:
    if response.status_code == 200:
        response_200 = Collection.from_dict(response.json())

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
) -> Response[Collection | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    application_id: str,
    *,
    client: AuthenticatedClient,
    body: CollectRequest,
) -> Response[Collection | Problem]:
    """Collect Card

     交付 — hand the card to its owner, who sets the PINs (under 15: with the legal
    representative, who sets them; a face-authentication card: none).

    Args:
        application_id (str):
        body (CollectRequest): The holder's identity and papers; with ``proxy``, brought by a 代理人
            (the PINs are
            then the ones the holder sealed in the reply form).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Collection | Problem]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    application_id: str,
    *,
    client: AuthenticatedClient,
    body: CollectRequest,
) -> Collection | Problem | None:
    """Collect Card

     交付 — hand the card to its owner, who sets the PINs (under 15: with the legal
    representative, who sets them; a face-authentication card: none).

    Args:
        application_id (str):
        body (CollectRequest): The holder's identity and papers; with ``proxy``, brought by a 代理人
            (the PINs are
            then the ones the holder sealed in the reply form).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Collection | Problem
    """

    return sync_detailed(
        application_id=application_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    application_id: str,
    *,
    client: AuthenticatedClient,
    body: CollectRequest,
) -> Response[Collection | Problem]:
    """Collect Card

     交付 — hand the card to its owner, who sets the PINs (under 15: with the legal
    representative, who sets them; a face-authentication card: none).

    Args:
        application_id (str):
        body (CollectRequest): The holder's identity and papers; with ``proxy``, brought by a 代理人
            (the PINs are
            then the ones the holder sealed in the reply form).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Collection | Problem]
    """

    kwargs = _get_kwargs(
        application_id=application_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    application_id: str,
    *,
    client: AuthenticatedClient,
    body: CollectRequest,
) -> Collection | Problem | None:
    """Collect Card

     交付 — hand the card to its owner, who sets the PINs (under 15: with the legal
    representative, who sets them; a face-authentication card: none).

    Args:
        application_id (str):
        body (CollectRequest): The holder's identity and papers; with ``proxy``, brought by a 代理人
            (the PINs are
            then the ones the holder sealed in the reply form).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Collection | Problem
    """

    return (
        await asyncio_detailed(
            application_id=application_id,
            client=client,
            body=body,
        )
    ).parsed
