from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.special_residence_card_response import SpecialResidenceCardResponse
from ...models.stay_grant_request import StayGrantRequest
from ...types import Response


def _get_kwargs(
    *,
    body: StayGrantRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/immigration/special-residence-cards/renewals",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SpecialResidenceCardResponse | None:
    if response.status_code == 201:
        response_201 = SpecialResidenceCardResponse.from_dict(response.json())

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
) -> Response[Problem | SpecialResidenceCardResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: StayGrantRequest,
) -> Response[Problem | SpecialResidenceCardResponse]:
    """Renew Special Residence Card

     在留期間更新 — renew the special residence card with the stay renewal: a new card until
    the new end of stay (birthday rule cap), the old card invalidated, its certificates
    revoked. Only at the bureau holding the person's stay case.

    Args:
        body (StayGrantRequest): The applicant as their residence card shows them, the stay the
            bureau grants with the
            new card, and the PINs the holder chooses at the bureau.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SpecialResidenceCardResponse]
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
    body: StayGrantRequest,
) -> Problem | SpecialResidenceCardResponse | None:
    """Renew Special Residence Card

     在留期間更新 — renew the special residence card with the stay renewal: a new card until
    the new end of stay (birthday rule cap), the old card invalidated, its certificates
    revoked. Only at the bureau holding the person's stay case.

    Args:
        body (StayGrantRequest): The applicant as their residence card shows them, the stay the
            bureau grants with the
            new card, and the PINs the holder chooses at the bureau.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SpecialResidenceCardResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: StayGrantRequest,
) -> Response[Problem | SpecialResidenceCardResponse]:
    """Renew Special Residence Card

     在留期間更新 — renew the special residence card with the stay renewal: a new card until
    the new end of stay (birthday rule cap), the old card invalidated, its certificates
    revoked. Only at the bureau holding the person's stay case.

    Args:
        body (StayGrantRequest): The applicant as their residence card shows them, the stay the
            bureau grants with the
            new card, and the PINs the holder chooses at the bureau.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SpecialResidenceCardResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: StayGrantRequest,
) -> Problem | SpecialResidenceCardResponse | None:
    """Renew Special Residence Card

     在留期間更新 — renew the special residence card with the stay renewal: a new card until
    the new end of stay (birthday rule cap), the old card invalidated, its certificates
    revoked. Only at the bureau holding the person's stay case.

    Args:
        body (StayGrantRequest): The applicant as their residence card shows them, the stay the
            bureau grants with the
            new card, and the PINs the holder chooses at the bureau.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SpecialResidenceCardResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
