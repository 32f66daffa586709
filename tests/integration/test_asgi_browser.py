"""``asgi_browser.AsgiBrowser`` sends what httpx's client over ``httpx2.ASGITransport`` sends.

The access matrix's browsers are ``AsgiBrowser``s (they were httpx clients); this sends the
same requests through both, to an app of the test's own that records every ASGI scope and
body it is given and answers what the path asks (cookies set and deleted, redirects, an
exception), and compares what the app saw and what each client answered.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx2
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.integration.asgi_browser import AsgiBrowser

Seen = list[tuple[dict[str, Any], list[tuple[bytes, bool]]]]

ANSWERS: dict[str, tuple[int, list[tuple[bytes, bytes]], bytes]] = {
    "/set": (
        200,
        [
            (b"set-cookie", b"sid=abc; HttpOnly; Path=/; SameSite=strict"),
            (b"set-cookie", b"lang=ja; Max-Age=31536000; Path=/; SameSite=lax"),
        ],
        b"set",
    ),
    "/set-again": (200, [(b"set-cookie", b"sid=def; HttpOnly; Path=/; SameSite=strict")], b""),
    "/forget": (
        200,
        [(b"set-cookie", b'sid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')],
        b"",
    ),
    "/forget-by-date": (
        200,
        [(b"set-cookie", b"lang=x; expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/")],
        b"",
    ),
    "/found": (302, [(b"location", b"/landed?from=found")], b""),
    "/see-other": (303, [(b"location", b"http://testserver/landed")], b""),
    "/temporary": (307, [(b"location", b"landed")], b""),
    "/moved": (301, [(b"location", b"/landed")], b""),
    "/cookie-then-redirect": (
        303,
        [(b"location", b"/landed"), (b"set-cookie", b"step=1; Path=/")],
        b"",
    ),
    "/loop": (302, [(b"location", b"/loop")], b""),
    "/json": (200, [(b"content-type", b"application/json")], '{"a": "é"}'.encode()),
    "/latin": (
        200,
        [(b"content-type", b"text/plain; charset=iso-8859-1")],
        "café".encode("latin-1"),
    ),
}


def _recording_app(seen: Seen) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        messages: list[tuple[bytes, bool]] = []
        while True:
            message = await receive()
            messages.append((message.get("body", b""), message.get("more_body", False)))
            if not message.get("more_body"):
                break
        seen.append(({k: v for k, v in scope.items() if k != "extensions"}, messages))
        if scope["path"] == "/boom":
            raise RuntimeError("the app fails before answering")
        status, headers, body = ANSWERS.get(scope["path"], (200, [], b"plain"))
        if scope["path"] == "/half":
            await send({"type": "http.response.start", "status": 201, "headers": []})
            raise RuntimeError("the app fails after starting its answer")
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body[:2], "more_body": True})
        await send({"type": "http.response.body", "body": body[2:]})

    return app


REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/plain/path-1_x.y~z", {}),
    ("GET", "/set", {}),
    ("GET", "/with query?x=1&y=a b", {}),
    ("GET", "/percent%2Fin/ü", {}),
    ("GET", "/guide", {"params": {"arrived_on": "2026-03-01", "municipality": "Chiyoda City"}}),
    ("GET", "/guide?dropped=1", {"params": {"kept": "yes"}}),
    (
        "POST",
        "/form",
        {"data": {"a": "1", "b": True, "c": False, "n": None, "l": ["x", "y"], "csrf": "t"}},
    ),
    ("POST", "/form", {"data": {"x": "1"}, "headers": {"Authorization": "Bearer t0ken"}}),
    ("POST", "/json", {"json": {"a": "é", "b": [1, 2], "c": None}}),
    ("POST", "/xml", {"content": b"<x/>", "headers": {"content-type": "application/xml"}}),
    ("PUT", "/raw", {"content": b"raw"}),
    (
        "POST",
        "/upload",
        {
            "files": {"photo": ("me.jpg", b"\xff\xd8" * 40_000, "image/jpeg")},
            "data": {"k": "v"},
            "headers": {"content-type": "multipart/form-data; boundary=fixedboundary"},
        },
    ),
    ("POST", "/empty", {}),
    ("PATCH", "/empty", {}),
    ("DELETE", "/empty", {}),
    ("GET", "/set-again", {}),
    ("GET", "/found", {}),
    ("GET", "/found", {"follow_redirects": False}),
    ("POST", "/found", {"data": {"a": "1"}}),
    ("POST", "/see-other", {"json": {"a": 1}}),
    ("POST", "/temporary", {"content": b"again"}),
    ("POST", "/moved", {"data": {"a": "1"}}),
    ("PUT", "/moved", {"content": b"kept"}),
    ("POST", "/cookie-then-redirect", {"data": {"a": "1"}}),
    ("GET", "/json", {}),
    ("GET", "/latin", {}),
    ("GET", "/boom", {}),
    ("GET", "/half", {}),
    ("GET", "/forget", {}),
    ("GET", "/after-forget", {}),
    ("GET", "/set", {}),
    ("GET", "/forget-by-date", {}),
    ("GET", "/after-forget-by-date", {}),
    ("GET", "/loop", {}),
]


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal() as made:
        yield made


def _boundaries_named(seen: Seen) -> Seen:
    """A multipart body's boundary is random unless the request names one: named alike."""
    named: Seen = []
    for scope, messages in seen:
        header = dict(scope["headers"]).get(b"content-type", b"")
        found = re.search(rb"boundary=([0-9a-f]{32})\b", header)
        if found is None:
            named.append((scope, messages))
            continue
        old = found.group(1)
        scope = {**scope, "headers": [(k, v.replace(old, b"B")) for k, v in scope["headers"]]}
        named.append((scope, [(body.replace(old, b"B"), more) for body, more in messages]))
    return named


def _answers(portal: BlockingPortal, request: Callable[..., Awaitable[Any]]) -> list[Any]:
    answers: list[Any] = []
    for method, url, kwargs in REQUESTS:
        try:
            got = portal.call(functools.partial(request, method, url, **kwargs))
        except httpx2.TooManyRedirects as e:
            answers.append(("too many redirects", str(e)))
            continue
        answers.append(
            (got.status_code, got.headers.raw, got.content, got.text, got.headers.get("location"))
        )
    return answers


def _through_httpx(portal: BlockingPortal, seen: Seen) -> list[Any]:
    client = httpx2.AsyncClient(
        transport=httpx2.ASGITransport(
            app=_recording_app(seen), raise_app_exceptions=False, client=("testclient", 50000)
        ),
        base_url="http://testserver",
        headers={"user-agent": "testclient"},
        follow_redirects=True,
    )
    try:
        return _answers(portal, client.request)
    finally:
        portal.call(client.aclose)


def _through_asgi_browser(portal: BlockingPortal, seen: Seen) -> list[Any]:
    return _answers(portal, AsgiBrowser(_recording_app(seen), client=("testclient", 50000)).request)


def test_it_sends_and_answers_what_httpx_does(portal: BlockingPortal) -> None:
    by_httpx: Seen = []
    by_browser: Seen = []
    expected = _through_httpx(portal, by_httpx)
    answered = _through_asgi_browser(portal, by_browser)
    assert len(by_browser) == len(by_httpx) > len(REQUESTS)  # the redirects are followed
    for (scope, messages), (want_scope, want_messages) in zip(
        _boundaries_named(by_browser), _boundaries_named(by_httpx), strict=True
    ):
        assert scope == want_scope
        assert messages == want_messages, scope["path"]
    assert answered == expected
    # What the comparison above would miss if both sides went wrong the same way.
    assert json.loads(answered[REQUESTS.index(("GET", "/json", {}))][2]) == {"a": "é"}
    cookies = {scope["path"]: dict(scope["headers"]).get(b"cookie") for scope, _ in by_browser}
    assert cookies["/set-again"] == b"sid=abc; lang=ja"
    assert cookies["/json"] == b"sid=def; lang=ja; step=1"
    assert cookies["/after-forget"] == b"lang=ja; step=1"
    assert cookies["/after-forget-by-date"] == b"step=1; sid=abc"


def test_json_and_text() -> None:
    from tests.integration.asgi_browser import Answer

    answer = Answer(200, [(b"content-type", b"application/json; charset=utf-8")], b'{"n": 1}')
    assert answer.json() == {"n": 1}
    assert answer.text == '{"n": 1}'
    assert answer.headers.get("Content-Type") == "application/json; charset=utf-8"


def test_cookies_it_does_not_keep_fail_loudly(portal: BlockingPortal) -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"set-cookie", b"sid=1; Secure; Path=/")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    browser = AsgiBrowser(app)
    with pytest.raises(AssertionError, match="does not keep"):
        portal.call(lambda: browser.request("GET", "/"))
