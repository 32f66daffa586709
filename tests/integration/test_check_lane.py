"""The check lane (``api.check_lane``): a well-formed PIN check is answered without the route,
with every edge of the service kept; anything the lane does not recognise reaches the route
with its body untouched, so malformed requests are refused exactly as before."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY
from starlette.types import Receive, Scope, Send

from mynumber.api.app import create_app
from mynumber.api.check_lane import CheckLane
from mynumber.api.deps import ReferenceScope
from mynumber.bootstrap import System
from mynumber.services.core.refs import References
from mynumber.services.insurance import clinic
from tests.client import TestClient
from tests.integration.clinic_support import (
    AUTH_PIN,
    NHI_NUMBER,
    World,
    b64,
    insured_patient,
    setup_world,
    token_for,
)

ROUTE = "/clinic/checks/pin"


@pytest.fixture
def world(system: System) -> World:
    return setup_world(system)


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def terminal(system: System, world: World) -> dict[str, str]:
    return token_for(system, world.clinic)


def signed_body(
    client: TestClient, terminal: dict[str, str], system: System, world: World
) -> dict[str, Any]:
    """A patient's card answering a nonce the server issued to the terminal."""
    patient = insured_patient(system, world)
    issued = client.post("/clinic/challenges", headers=terminal)
    assert issued.status_code == 201, issued.text
    nonce = base64.b64decode(issued.json()["nonce"])
    answer = clinic.answer_at_terminal(patient.chip, pin=AUTH_PIN, nonce=nonce)
    return {
        "nonce": b64(nonce),
        "certificate": b64(answer.certificate_der),
        "signature": b64(answer.signature),
    }


class Route:
    """Stands for FastAPI's routing behind the lane: records what reached it, answers 418."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def lane_alone(app: FastAPI, system: System, route: Route) -> TestClient:
    """The lane in front of ``route`` only (no FastAPI routing), inside the references'
    scope as in ``create_app``; the application's state (desk, tokens, handlers) is ``app``'s."""
    inner = ReferenceScope(CheckLane(route), references=References.from_keys(system.services.keys))

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = app
        await inner(scope, receive, send)

    return TestClient(asgi, base_url="http://lane")


def post(client: TestClient, content: bytes, headers: dict[str, str]) -> httpx2.Response:
    return client.post(ROUTE, content=content, headers=headers)


JSON = {"Content-Type": "application/json"}


def test_a_well_formed_check_is_answered_by_the_lane_without_the_route(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    body = signed_body(client, terminal, system, world)
    route = Route()
    resp = post(lane_alone(client.app, system, route), json.dumps(body).encode(), terminal | JSON)  # type: ignore[arg-type]
    assert resp.status_code == 200, resp.text
    assert route.bodies == []
    answer = resp.json()
    assert answer["eligible"] and answer["insurer_number"] == NHI_NUMBER
    assert answer["visit_id"] and answer["next_nonce"]["nonce"]
    assert resp.headers["content-type"] == "application/json"


@pytest.mark.sqlite_only  # the lane's reading of a request; a stand-in route behind it
@pytest.mark.parametrize(
    ("why", "content", "headers"),
    [
        ("no token", None, JSON),
        ("another scheme", None, {"Authorization": "Basic abc"} | JSON),
        ("a bearer without a token", None, {"Authorization": "Bearer "} | JSON),
        ("not sent as JSON", None, {"Content-Type": "text/plain"}),
        ("no type", None, {}),
        ("not JSON", b"{nonce", JSON),
        ("JSON but a list", b"[]", JSON),
        ("null", b"null", JSON),
        ("no body", b"", JSON),
        ("a field of the wrong type", b'{"nonce": 3, "certificate": "", "signature": ""}', JSON),
        ("a field missing", b'{"nonce": "AA==", "certificate": "AA=="}', JSON),
    ],
)
def test_what_the_lane_does_not_recognise_reaches_the_route_untouched(
    system: System,
    world: World,
    client: TestClient,
    terminal: dict[str, str],
    why: str,
    content: bytes | None,
    headers: dict[str, str],
) -> None:
    sent = (
        content
        if content is not None
        else json.dumps(signed_body(client, terminal, system, world)).encode()
    )
    token = {} if "Authorization" in headers or why == "no token" else terminal
    route = Route()
    resp = post(lane_alone(client.app, system, route), sent, token | headers)  # type: ignore[arg-type]
    assert resp.status_code == 418, why
    assert route.bodies == [sent], why


def test_through_the_service_a_lane_answer_keeps_every_edge(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    def answered() -> float:
        value = REGISTRY.get_sample_value(
            "mynumber_http_requests_total", {"method": "POST", "route": ROUTE, "status": "200"}
        )
        return value or 0.0

    before = answered()
    body = signed_body(client, terminal, system, world)
    resp = client.post(ROUTE, json=body, headers=terminal | {"X-Request-ID": "terminal-7.check"})
    assert resp.status_code == 200, resp.text
    assert resp.headers["x-request-id"] == "terminal-7.check"
    assert resp.headers["cache-control"] == "no-store"
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in resp.headers["content-security-policy"]
    assert answered() == before + 1  # counted under the route's template, never the path


def test_a_refusal_in_the_lane_is_the_applications_problem(
    system: System, world: World, client: TestClient, terminal: dict[str, str]
) -> None:
    body = signed_body(client, terminal, system, world)
    unknown = client.post(ROUTE, json=body, headers={"Authorization": "Bearer not-a-token"})
    assert unknown.status_code == 401, unknown.text
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert unknown.json()["detail_ja"]
    consent = client.post(ROUTE, json=body | {"consent": {"medication": True}}, headers=terminal)
    assert consent.status_code == 422, consent.text
    assert consent.json()["code"] == "invalid-input"
    assert consent.headers["cache-control"] == "no-store"  # the edges' headers on a refusal too
    # The refusals spent nothing: the same nonce and card still check.
    again = client.post(ROUTE, json=body, headers=terminal)
    assert again.status_code == 200, again.text
    replayed = client.post(ROUTE, json=body, headers=terminal)
    assert replayed.status_code == 401 and replayed.json()["code"] == "challenge-replayed"


@pytest.mark.sqlite_only
def test_a_body_over_the_limit_is_refused_by_the_lane_alone_too(
    system: System, client: TestClient, terminal: dict[str, str]
) -> None:
    """Behind ``Edges`` this never reaches the lane; in front of the route alone, the lane
    reads no more than the route's limit and answers the edges' 413."""
    route = Route()
    sent = b'{"nonce": "' + b"A" * (64 * 1024) + b'"}'
    resp = post(lane_alone(client.app, system, route), sent, terminal | JSON)  # type: ignore[arg-type]
    assert resp.status_code == 413 and resp.json()["code"] == "body-too-large"
    assert route.bodies == []
