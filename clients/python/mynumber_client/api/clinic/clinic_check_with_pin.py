from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.answer_out import AnswerOut
from ...models.pin_check import PinCheck
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: PinCheck,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/clinic/checks/pin",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AnswerOut | Problem | None:
    if response.status_code == 200:
        response_200 = AnswerOut.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[AnswerOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PinCheck,
) -> Response[AnswerOut | Problem]:
    """Check With Pin

     The card signed the nonce after the PIN: the eligibility answer, and the terminal's
    nonce for the next card. Checks arriving together are answered together
    (``api.check_desk``). A well-formed check is answered by ``api.check_lane`` before it
    reaches this route, with the same ``answer_pin_check``.

    Args:
        body (PinCheck):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnswerOut | Problem]
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
    body: PinCheck,
) -> AnswerOut | Problem | None:
    """Check With Pin

     The card signed the nonce after the PIN: the eligibility answer, and the terminal's
    nonce for the next card. Checks arriving together are answered together
    (``api.check_desk``). A well-formed check is answered by ``api.check_lane`` before it
    reaches this route, with the same ``answer_pin_check``.

    Args:
        body (PinCheck):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnswerOut | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PinCheck,
) -> Response[AnswerOut | Problem]:
    """Check With Pin

     The card signed the nonce after the PIN: the eligibility answer, and the terminal's
    nonce for the next card. Checks arriving together are answered together
    (``api.check_desk``). A well-formed check is answered by ``api.check_lane`` before it
    reaches this route, with the same ``answer_pin_check``.

    Args:
        body (PinCheck):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnswerOut | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PinCheck,
) -> AnswerOut | Problem | None:
    """Check With Pin

     The card signed the nonce after the PIN: the eligibility answer, and the terminal's
    nonce for the next card. Checks arriving together are answered together
    (``api.check_desk``). A well-formed check is answered by ``api.check_lane`` before it
    reaches this route, with the same ``answer_pin_check``.

    Args:
        body (PinCheck):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnswerOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
