"""The suite's ``TestClient``: Starlette's, with a transport that runs a request in one call
into the client's event loop.

Starlette's transport makes about eight round trips from the test's thread into the portal's
loop for each request (two events, a memory stream, a cancel scope, the app's task, the wait
for the response, each body chunk, the close), each a wake-up of the other thread and a
hand-off of the GIL: ~3–5 ms of CPU a request beyond the app's own ~1.7 ms (docs/benchmarks.md,
ninth pass). Here the whole app is awaited in one ``portal.call`` and the body collected there.
What the tests rely on is kept: the same portal (the ``with`` block's, where lifespan ran, or
a new one for a client outside it), the same scope (lifespan state, client address, root
path), an app's exception raised to the test unless ``raise_server_exceptions=False`` (then
what the app sent, or an empty 500 if it sent nothing), and everything httpx does around the
transport (``base_url``, cookies, headers, redirects). Websockets go to Starlette's transport
unchanged. A streamed response is collected whole before the test sees it: no test reads an
endless one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import anyio
import httpx2
import starlette.testclient
from starlette.types import ASGIApp, Message

_DEFAULT_PORTS = {"http": 80, "https": 443}


class _Sent:
    """What the app sent for one request, collected in the event loop."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.complete = False
        self.trailers_expected = False
        self.trailers: list[tuple[bytes, bytes]] = []
        self.debug: dict[str, Any] | None = None
        self.error: Exception | None = None


class OneCallTransport(httpx2.BaseTransport):
    """Sends each HTTP request to the app in one ``portal.call``; hands websockets to the
    Starlette transport it wraps, whose settings (app, portal, exceptions, scope) it uses."""

    def __init__(self, starlette_transport: starlette.testclient._TestClientTransport) -> None:
        self._starlette = starlette_transport

    def close(self) -> None:
        self._starlette.close()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        url = request.url
        if url.scheme in {"ws", "wss"}:
            return self._starlette.handle_request(request)
        own = self._starlette
        headers = [] if "host" in request.headers else [(b"host", url.netloc)]
        headers += [
            (key.lower().encode(), value.encode()) for key, value in request.headers.multi_items()
        ]
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": request.method,
            "path": unquote(url.path),
            "raw_path": url.raw_path.split(b"?", 1)[0],
            "root_path": own.root_path,
            "scheme": url.scheme,
            "query_string": url.query,
            "headers": headers,
            "client": own.client,
            "server": [url.raw_host.decode("ascii"), url.port or _DEFAULT_PORTS[url.scheme]],
            "extensions": {"http.response.debug": {}, "http.response.trailers": {}},
            "state": own.app_state.copy(),
        }
        body = request.read()
        with own.portal_factory() as portal:
            sent = portal.call(self._run, scope, body)
        return self._response(request, sent)

    async def _run(self, scope: dict[str, Any], body: bytes) -> _Sent:
        return await exchange(self._starlette.app, scope, [{"type": "http.request", "body": body}])

    def _response(self, request: httpx2.Request, sent: _Sent) -> httpx2.Response:
        raising = self._starlette.raise_server_exceptions
        if sent.error is not None and raising:
            raise sent.error
        if sent.status is None:
            if raising:
                raise AssertionError("TestClient did not receive any response.")
            return httpx2.Response(500, request=request)
        content = b"" if request.method == "HEAD" else b"".join(sent.body)
        headers = [(k.decode(), v.decode()) for k, v in sent.headers]
        # A stream, not ``content=``, which would add a Content-Length the app did not send.
        response = httpx2.Response(
            sent.status, headers=headers, stream=httpx2.ByteStream(content), request=request
        )
        if sent.trailers_expected:
            response.extensions["http.response.trailers"] = sent.trailers
        if sent.debug is not None:
            response.extensions["http.response.debug"] = sent.debug
        return response


async def exchange(app: ASGIApp, scope: dict[str, Any], requests: list[Message]) -> _Sent:
    """One HTTP request through ``app``, in the running event loop: ``requests`` (the
    ``http.request`` messages) handed to its ``receive`` in turn, then, as Starlette's transport
    does, a disconnect only once the response is complete; what the app sent collected, and an
    exception it raised kept in ``error``. (The suite's ``TestClient`` and the access matrix's
    ``AsgiBrowser`` both send through it.)"""
    sent = _Sent()
    done = anyio.Event()
    pending = iter(requests)

    async def receive() -> Message:
        message = next(pending, None)
        if message is None:
            await done.wait()
            return {"type": "http.disconnect"}
        return message

    async def send(message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            assert sent.status is None, 'Received multiple "http.response.start" messages.'
            sent.status = message["status"]
            sent.headers = list(message.get("headers", []))
            sent.trailers_expected = message.get("trailers", False)
        elif kind == "http.response.body":
            assert sent.status is not None, '"http.response.body" before the start.'
            assert not sent.complete, '"http.response.body" after the body completed.'
            sent.body.append(bytes(message.get("body", b"")))
            if not message.get("more_body", False):
                sent.complete = True
                if not sent.trailers_expected:
                    done.set()
        elif kind == "http.response.trailers":
            assert sent.trailers_expected and sent.complete, 'Unexpected "trailers".'
            sent.trailers.extend(message.get("headers", []))
            if not message.get("more_trailers", False):
                done.set()
        elif kind == "http.response.debug":
            sent.debug = message["info"]

    try:
        await app(scope, receive, send)
    except Exception as error:
        sent.error = error
    finally:
        done.set()
    return sent


class TestClient(starlette.testclient.TestClient):
    """Starlette's ``TestClient`` (same arguments, ``with`` for lifespan, websockets) whose
    HTTP requests go through ``OneCallTransport``.

    Outside a ``with`` block, Starlette's client starts a blocking portal — a thread and an
    event loop — for each request and ends it after (~0.9 ms of CPU a request; ~1,600 of the
    requests of the unit and integration tests are sent so). This one starts one on the first
    such request and keeps it for the next ones, as the ``with`` block's portal is kept (where
    the app's requests run in one event loop and its worker threads are reused, as a server
    runs them); it ends at ``close`` or at the end of the test that started it
    (``close_kept_portals``, called by ``tests/conftest.py``), so no loop or thread outlives a
    test. Inside a ``with`` block the block's portal is used, as before."""

    __test__ = False
    _kept: contextlib.ExitStack | None = None
    _kept_portal: anyio.from_thread.BlockingPortal | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Starlette's constructor takes no transport: its own, made there, is wrapped.
        assert isinstance(self._transport, starlette.testclient._TestClientTransport)
        self._transport = OneCallTransport(self._transport)

    @contextlib.contextmanager
    def _portal_factory(self) -> Iterator[anyio.from_thread.BlockingPortal]:
        if self.portal is not None:  # inside ``with``
            yield self.portal
            return
        if self._kept_portal is None:
            kept = contextlib.ExitStack()
            self._kept_portal = kept.enter_context(
                anyio.from_thread.start_blocking_portal(**self.async_backend)
            )
            self._kept = kept
            _KEPT.add(self)
        yield self._kept_portal

    def close_kept_portal(self) -> None:
        """End the portal kept for requests outside ``with`` (a later one starts another)."""
        kept, self._kept, self._kept_portal = self._kept, None, None
        _KEPT.discard(self)
        if kept is not None:
            kept.close()

    def close(self) -> None:
        self.close_kept_portal()
        super().close()


_KEPT: set[TestClient] = set()
"""The clients whose kept portal is running (held until it ends: a portal's thread runs
until it is told to stop, whether or not its client is still referenced)."""


def close_kept_portals() -> None:
    """End every client's kept portal (at the end of each test)."""
    for client in list(_KEPT):
        client.close_kept_portal()
