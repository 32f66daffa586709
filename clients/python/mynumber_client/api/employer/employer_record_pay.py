from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.pay_in import PayIn
from ...models.pay_out import PayOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    employee_id: str,
    year: int,
    *,
    body: PayIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/employer/employees/{employee_id}/pay/{year}".format(
            employee_id=quote(str(employee_id), safe=""),
            year=quote(str(year), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> PayOut | Problem | None:
    if response.status_code == 200:
        response_200 = PayOut.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[PayOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    employee_id: str,
    year: int,
    *,
    client: AuthenticatedClient,
    body: PayIn,
) -> Response[PayOut | Problem]:
    """Record Pay

     The year's pay and income tax withheld (payroll).

    Args:
        employee_id (str): An opaque reference (emp_…)
        year (int):
        body (PayIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PayOut | Problem]
    """

    kwargs = _get_kwargs(
        employee_id=employee_id,
        year=year,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    employee_id: str,
    year: int,
    *,
    client: AuthenticatedClient,
    body: PayIn,
) -> PayOut | Problem | None:
    """Record Pay

     The year's pay and income tax withheld (payroll).

    Args:
        employee_id (str): An opaque reference (emp_…)
        year (int):
        body (PayIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PayOut | Problem
    """

    return sync_detailed(
        employee_id=employee_id,
        year=year,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    employee_id: str,
    year: int,
    *,
    client: AuthenticatedClient,
    body: PayIn,
) -> Response[PayOut | Problem]:
    """Record Pay

     The year's pay and income tax withheld (payroll).

    Args:
        employee_id (str): An opaque reference (emp_…)
        year (int):
        body (PayIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PayOut | Problem]
    """

    kwargs = _get_kwargs(
        employee_id=employee_id,
        year=year,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    employee_id: str,
    year: int,
    *,
    client: AuthenticatedClient,
    body: PayIn,
) -> PayOut | Problem | None:
    """Record Pay

     The year's pay and income tax withheld (payroll).

    Args:
        employee_id (str): An opaque reference (emp_…)
        year (int):
        body (PayIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PayOut | Problem
    """

    return (
        await asyncio_detailed(
            employee_id=employee_id,
            year=year,
            client=client,
            body=body,
        )
    ).parsed
