from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.insurer_checkup_in import InsurerCheckupIn
from ...models.problem import Problem
from ...models.record_view import RecordView
from ...types import Response


def _get_kwargs(
    enrolment_id: str,
    *,
    body: InsurerCheckupIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/insurer/enrolments/{enrolment_id}/checkups".format(
            enrolment_id=quote(str(enrolment_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | RecordView | None:
    if response.status_code == 201:
        response_201 = RecordView.from_dict(response.json())

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
) -> Response[Problem | RecordView]:
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
    body: InsurerCheckupIn,
) -> Response[Problem | RecordView]:
    """Write Checkup

     Record a check-up the insurer ran (特定健診) for one of its insured.

    Args:
        enrolment_id (str): An opaque reference (enr_…)
        body (InsurerCheckupIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecordView]
    """

    kwargs = _get_kwargs(
        enrolment_id=enrolment_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    enrolment_id: str,
    *,
    client: AuthenticatedClient,
    body: InsurerCheckupIn,
) -> Problem | RecordView | None:
    """Write Checkup

     Record a check-up the insurer ran (特定健診) for one of its insured.

    Args:
        enrolment_id (str): An opaque reference (enr_…)
        body (InsurerCheckupIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecordView
    """

    return sync_detailed(
        enrolment_id=enrolment_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    enrolment_id: str,
    *,
    client: AuthenticatedClient,
    body: InsurerCheckupIn,
) -> Response[Problem | RecordView]:
    """Write Checkup

     Record a check-up the insurer ran (特定健診) for one of its insured.

    Args:
        enrolment_id (str): An opaque reference (enr_…)
        body (InsurerCheckupIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecordView]
    """

    kwargs = _get_kwargs(
        enrolment_id=enrolment_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    enrolment_id: str,
    *,
    client: AuthenticatedClient,
    body: InsurerCheckupIn,
) -> Problem | RecordView | None:
    """Write Checkup

     Record a check-up the insurer ran (特定健診) for one of its insured.

    Args:
        enrolment_id (str): An opaque reference (enr_…)
        body (InsurerCheckupIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecordView
    """

    return (
        await asyncio_detailed(
            enrolment_id=enrolment_id,
            client=client,
            body=body,
        )
    ).parsed
