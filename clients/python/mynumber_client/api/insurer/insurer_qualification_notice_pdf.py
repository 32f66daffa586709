from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    enrolment_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/insurer/enrolments/{enrolment_id}/qualification-notice.pdf".format(
            enrolment_id=quote(str(enrolment_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | None:
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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    enrolment_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem]:
    """Qualification Notice Pdf

     資格情報のお知らせ for an insured person whose card works as insurance card (refused
    for a person who gets a 資格確認書 instead; audited).

    Args:
        enrolment_id (str): An opaque reference (enr_…)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        enrolment_id=enrolment_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    enrolment_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | None:
    """Qualification Notice Pdf

     資格情報のお知らせ for an insured person whose card works as insurance card (refused
    for a person who gets a 資格確認書 instead; audited).

    Args:
        enrolment_id (str): An opaque reference (enr_…)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return sync_detailed(
        enrolment_id=enrolment_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    enrolment_id: str,
    *,
    client: AuthenticatedClient,
) -> Response[Problem]:
    """Qualification Notice Pdf

     資格情報のお知らせ for an insured person whose card works as insurance card (refused
    for a person who gets a 資格確認書 instead; audited).

    Args:
        enrolment_id (str): An opaque reference (enr_…)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        enrolment_id=enrolment_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    enrolment_id: str,
    *,
    client: AuthenticatedClient,
) -> Problem | None:
    """Qualification Notice Pdf

     資格情報のお知らせ for an insured person whose card works as insurance card (refused
    for a person who gets a 資格確認書 instead; audited).

    Args:
        enrolment_id (str): An opaque reference (enr_…)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return (
        await asyncio_detailed(
            enrolment_id=enrolment_id,
            client=client,
        )
    ).parsed
