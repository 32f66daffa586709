from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.employer_withholding_slip_copy import EmployerWithholdingSlipCopy
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    employee_id: str,
    year: int,
    *,
    copy: EmployerWithholdingSlipCopy | Unset = EmployerWithholdingSlipCopy.EMPLOYEE,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_copy: str | Unset = UNSET
    if not isinstance(copy, Unset):
        json_copy = copy.value

    params["copy"] = json_copy

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/employer/employees/{employee_id}/withholding-slip/{year}.pdf".format(
            employee_id=quote(str(employee_id), safe=""),
            year=quote(str(year), safe=""),
        ),
        "params": params,
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
    employee_id: str,
    year: int,
    *,
    client: AuthenticatedClient,
    copy: EmployerWithholdingSlipCopy | Unset = EmployerWithholdingSlipCopy.EMPLOYEE,
) -> Response[Problem]:
    """Withholding Slip

     源泉徴収票 — the tax office copy carries the My Number; the employee's copy does not.

    Args:
        employee_id (str): An opaque reference (emp_…)
        year (int):
        copy (EmployerWithholdingSlipCopy | Unset):  Default:
            EmployerWithholdingSlipCopy.EMPLOYEE.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        employee_id=employee_id,
        year=year,
        copy=copy,
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
    copy: EmployerWithholdingSlipCopy | Unset = EmployerWithholdingSlipCopy.EMPLOYEE,
) -> Problem | None:
    """Withholding Slip

     源泉徴収票 — the tax office copy carries the My Number; the employee's copy does not.

    Args:
        employee_id (str): An opaque reference (emp_…)
        year (int):
        copy (EmployerWithholdingSlipCopy | Unset):  Default:
            EmployerWithholdingSlipCopy.EMPLOYEE.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return sync_detailed(
        employee_id=employee_id,
        year=year,
        client=client,
        copy=copy,
    ).parsed


async def asyncio_detailed(
    employee_id: str,
    year: int,
    *,
    client: AuthenticatedClient,
    copy: EmployerWithholdingSlipCopy | Unset = EmployerWithholdingSlipCopy.EMPLOYEE,
) -> Response[Problem]:
    """Withholding Slip

     源泉徴収票 — the tax office copy carries the My Number; the employee's copy does not.

    Args:
        employee_id (str): An opaque reference (emp_…)
        year (int):
        copy (EmployerWithholdingSlipCopy | Unset):  Default:
            EmployerWithholdingSlipCopy.EMPLOYEE.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem]
    """

    kwargs = _get_kwargs(
        employee_id=employee_id,
        year=year,
        copy=copy,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    employee_id: str,
    year: int,
    *,
    client: AuthenticatedClient,
    copy: EmployerWithholdingSlipCopy | Unset = EmployerWithholdingSlipCopy.EMPLOYEE,
) -> Problem | None:
    """Withholding Slip

     源泉徴収票 — the tax office copy carries the My Number; the employee's copy does not.

    Args:
        employee_id (str): An opaque reference (emp_…)
        year (int):
        copy (EmployerWithholdingSlipCopy | Unset):  Default:
            EmployerWithholdingSlipCopy.EMPLOYEE.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem
    """

    return (
        await asyncio_detailed(
            employee_id=employee_id,
            year=year,
            client=client,
            copy=copy,
        )
    ).parsed
