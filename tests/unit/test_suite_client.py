"""The suite's ``TestClient`` (``tests/client.py``) answers as Starlette's own does: the same
request through both, on a small app of the test's own, gives the same status, headers, body,
cookies, redirects, raised exceptions, streamed body, lifespan state and websocket."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient as StarlettesClient  # noqa: TID251 - compared with
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from tests.client import TestClient


async def greeting(request: Request) -> Response:
    response = JSONResponse({"hello": request.query_params.get("name", "?")})
    response.set_cookie("seen", "yes")
    return response


async def echo(request: Request) -> Response:
    body = await request.body()
    return JSONResponse(
        {
            "body": body.decode(),
            "header": request.headers.get("x-test"),
            "cookie": request.cookies.get("seen"),
            "path": request.url.path,
            "client": list(request.client or ()),
            "state": request.state.opened,
        },
        headers={"x-answer": "1"},
    )


async def moved(request: Request) -> Response:
    return RedirectResponse("/greeting?name=moved", status_code=303)


async def boom(request: Request) -> Response:
    raise RuntimeError("the app failed")


async def chunks(request: Request) -> Response:
    async def parts() -> AsyncIterator[bytes]:
        for part in (b"one,", b"two,", b"three"):
            yield part

    return StreamingResponse(parts(), media_type="text/plain")


class Silent:
    """An app that answers nothing."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        return None


async def shout(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text((await websocket.receive_text()).upper())
    await websocket.close()


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
    yield {"opened": "by the lifespan"}


APP = Starlette(
    routes=[
        Route("/greeting", greeting, methods=["GET", "HEAD"]),
        Route("/echo", echo, methods=["POST"]),
        Route("/moved", moved),
        Route("/boom", boom),
        Route("/chunks", chunks),
        Route("/silent", Silent()),
        WebSocketRoute("/ws", shout),
    ],
    lifespan=lifespan,
)


@pytest.fixture
def both() -> Iterator[tuple[Any, Any]]:
    with (
        TestClient(APP, base_url="http://clinic.test") as ours,
        StarlettesClient(APP, base_url="http://clinic.test") as theirs,
    ):
        yield ours, theirs


def same(ours: Any, theirs: Any) -> tuple[int, list[tuple[str, str]], bytes]:
    seen = [(r.status_code, sorted(r.headers.multi_items()), r.content) for r in (ours, theirs)]
    assert seen[0] == seen[1]
    return seen[0]


def test_a_request_its_cookie_and_its_redirect_are_answered_alike(both: tuple[Any, Any]) -> None:
    ours, theirs = both
    status, _, body = same(ours.get("/greeting?name=Aoi"), theirs.get("/greeting?name=Aoi"))
    assert (status, body) == (200, b'{"hello":"Aoi"}')
    assert ours.cookies.get("seen") == theirs.cookies.get("seen") == "yes"
    sent = {"content": b"hi", "headers": {"X-Test": "t"}}
    status, headers, body = same(ours.post("/echo", **sent), theirs.post("/echo", **sent))
    assert b'"cookie":"yes"' in body and b'"state":"by the lifespan"' in body
    assert ("x-answer", "1") in headers
    followed = same(ours.get("/moved"), theirs.get("/moved"))
    assert followed[2] == b'{"hello":"moved"}'
    kept = same(
        ours.get("/moved", follow_redirects=False), theirs.get("/moved", follow_redirects=False)
    )
    assert kept[0] == 303
    head = same(ours.head("/greeting"), theirs.head("/greeting"))
    assert head[2] == b""
    assert same(ours.get("/chunks"), theirs.get("/chunks"))[2] == b"one,two,three"
    assert same(ours.get("/nowhere"), theirs.get("/nowhere"))[0] == 404


def test_an_app_error_reaches_the_test_or_is_a_500_as_asked() -> None:
    for client in (TestClient(APP), StarlettesClient(APP)):
        with pytest.raises(RuntimeError, match="the app failed"):
            client.get("/boom")
        with pytest.raises(AssertionError):
            client.get("/silent")
    quiet = (
        TestClient(APP, raise_server_exceptions=False),
        StarlettesClient(APP, raise_server_exceptions=False),
    )
    assert same(quiet[0].get("/boom"), quiet[1].get("/boom"))[0] == 500
    assert [c.get("/silent").status_code for c in quiet] == [500, 500]


def test_a_websocket_goes_through_as_before(both: tuple[Any, Any]) -> None:
    for client in both:
        with client.websocket_connect("/ws") as socket:
            socket.send_text("konnichiwa")
            assert socket.receive_text() == "KONNICHIWA"
