"""A browser that hands its requests to an ASGI app in process, sending exactly what
``httpx2.AsyncClient`` over ``httpx2.ASGITransport`` sends (the access matrix's harness until
this module): the same ASGI scope, headers in the same order, the same body chunks, the same
cookies kept and sent, the same redirects followed.

Why not httpx itself: the access matrix sends ~10,800 requests (two databases), and httpx's
client work around each (the URL parsed and merged with the base URL, ``Request`` and
``Response`` models, the cookie jar's ``email.message`` view of every response's headers,
the redirect and auth layers) was ~15 % of the matrix's CPU. Here a request is a scope made
from strings and one call of the app. The bodies are still encoded by httpx
(``httpx2._content.encode_request``: form, JSON, multipart, raw), so they are byte for byte
httpx's; a URL with a query or an unusual character is parsed by ``httpx2.URL``.

Held to httpx by ``test_asgi_browser.py`` (scopes, bodies, cookies set and deleted,
redirects, an app's exception), which sends the same requests through both. What this
browser does not do (HTTPS, cookies with a domain, a path or ``Secure``, redirects to another
host, streamed bodies) fails loudly instead of differing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterable, Mapping
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import httpx2
from httpx2._content import encode_request
from httpx2._multipart import get_multipart_boundary_from_content_type
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message

from tests.client import exchange

HOST = "testserver"
BASE = f"http://{HOST}"
_PLAIN_PATH = re.compile(r"/[A-Za-z0-9/_.~!$&'()*+,;=:@-]*\Z")
"""A path httpx passes through as it is (no percent-encoding, no query)."""
_REDIRECTS = (301, 302, 303, 307, 308)
_MAX_REDIRECTS = 20  # httpx's DEFAULT_MAX_REDIRECTS


@functools.cache
def _client_headers(user_agent: str) -> tuple[tuple[bytes, bytes], ...]:
    """httpx's default client headers (their names lower-cased, as ASGITransport sends
    them), the user agent replaced in place, after ``Host``."""
    defaults = httpx2.AsyncClient(headers={"user-agent": user_agent}).headers
    return ((b"host", HOST.encode()), *((k.lower(), v) for k, v in defaults.raw))


def _put(headers: list[tuple[bytes, bytes]], name: bytes, value: bytes) -> None:
    """``httpx2.Headers.__setitem__``: replace the first header of that name in place (and
    drop the others), or append."""
    found = [i for i, (k, _) in enumerate(headers) if k == name]
    if not found:
        headers.append((name, value))
        return
    headers[found[0]] = (name, value)
    for i in reversed(found[1:]):
        del headers[i]


def _drop(headers: list[tuple[bytes, bytes]], name: bytes) -> None:
    headers[:] = [(k, v) for k, v in headers if k != name]


class Answer:
    """What the tests read of an ``httpx2.Response``: status, headers, body, text, JSON."""

    def __init__(self, status_code: int, raw_headers: list[tuple[bytes, bytes]], body: bytes):
        self.status_code = status_code
        self.headers = Headers(raw=raw_headers)
        self.content = body

    @property
    def text(self) -> str:
        # httpx: the content type's charset, else the client's default (UTF-8), with
        # undecodable bytes replaced.
        charset = "utf-8"
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("'\"")
        return self.content.decode(charset, errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


class AsgiBrowser:
    """A client with a cookie jar, sending to ``app`` on the running event loop (its
    ``request`` is a coroutine: the caller runs it in the loop, e.g. through a portal)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        client: tuple[str, int] = ("testclient", 50000),
        user_agent: str = "testclient",
    ) -> None:
        self._app = app
        self._client = client
        self._headers = _client_headers(user_agent)
        self.cookies: dict[str, str] = {}
        """name -> value, in the order httpx's jar sends them (a cookie set again keeps its
        place, one deleted and set again goes last)."""

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        content: bytes | None = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        json: Any = None,
        follow_redirects: bool = True,
    ) -> Answer:
        method = method.upper()
        sent = list(self._headers)
        for name, value in (headers or {}).items():
            _put(sent, name.lower().encode("ascii"), value.encode("ascii"))
        self._cookie_header(sent)
        asked_type = next((v for k, v in sent if k == b"content-type"), None)
        body_headers, stream = encode_request(
            content=content,
            data=data,
            files=files,
            json=json,
            boundary=get_multipart_boundary_from_content_type(asked_type),
        )
        for name, value in body_headers.items():  # httpx's setdefault
            key = name.lower().encode("ascii")
            if not any(k == key for k, _ in sent):
                sent.append((key, value.encode("ascii")))
        if method in ("POST", "PUT", "PATCH") and not any(
            k in (b"content-length", b"transfer-encoding") for k, _ in sent
        ):
            sent.insert(1, (b"content-length", b"0"))
        # The chunks httpx's ASGI transport hands the app, in order (every stream
        # ``encode_request`` makes is also a sync one).
        assert isinstance(stream, httpx2.SyncByteStream)
        chunks = list(stream)
        target = url
        for _ in range(_MAX_REDIRECTS + 1):
            answer = await self._send(method, target, params, sent, chunks)
            if not (follow_redirects and answer.status_code in _REDIRECTS):
                return answer
            location = answer.headers.get("location")
            if location is None:
                return answer
            target = _same_origin(urljoin(BASE + target, location))
            params = None
            new_method = method
            if answer.status_code in (302, 303) and method != "HEAD":
                new_method = "GET"
            if answer.status_code == 301 and method == "POST":
                new_method = "GET"
            _drop(sent, b"cookie")
            if new_method != method and new_method == "GET":
                _drop(sent, b"content-length")
                _drop(sent, b"transfer-encoding")
                chunks = [b""]
            method = new_method
            self._cookie_header(sent, append=True)
        raise httpx2.TooManyRedirects("Exceeded maximum allowed redirects.")

    def _cookie_header(self, sent: list[tuple[bytes, bytes]], *, append: bool = False) -> None:
        if self.cookies:
            value = "; ".join(f"{k}={v}" for k, v in self.cookies.items()).encode("ascii")
            if append:
                sent.append((b"cookie", value))
            else:
                _put(sent, b"cookie", value)

    async def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        sent: list[tuple[bytes, bytes]],
        chunks: list[bytes],
    ) -> Answer:
        if params is None and _PLAIN_PATH.match(url):
            path, raw_path, query = url, url.encode("ascii"), b""
        else:
            parsed = (
                httpx2.URL(BASE + url) if params is None else httpx2.URL(BASE + url, params=params)
            )
            path, raw_path, query = parsed.path, parsed.raw_path.split(b"?")[0], parsed.query
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "headers": list(sent),
            "scheme": "http",
            "path": path,
            "raw_path": raw_path,
            "query_string": query,
            "server": (HOST, None),
            "client": self._client,
            "root_path": "",
        }
        requests: list[Message] = [
            {"type": "http.request", "body": chunk, "more_body": True} for chunk in chunks
        ]
        requests.append({"type": "http.request", "body": b"", "more_body": False})
        answered = await exchange(self._app, scope, requests)
        # What ASGITransport(raise_app_exceptions=False) answers for an app's exception: what
        # the app had sent, else a 500. Without one, the app must have completed its answer.
        assert answered.error is not None or answered.complete
        status = 500 if answered.status is None else answered.status
        body = b"" if method == "HEAD" else b"".join(answered.body)
        self._keep_cookies(answered.headers)
        return Answer(status, answered.headers, body)

    def _keep_cookies(self, answer_headers: Iterable[tuple[bytes, bytes]]) -> None:
        for name, value in answer_headers:
            if name.lower() != b"set-cookie":
                continue
            pair, *attributes = value.decode("latin-1").split(";")
            key, eq, cookie = pair.partition("=")
            key, cookie = key.strip(), cookie.strip()
            if not eq or not key:
                continue
            delete = False
            for attribute in attributes:
                attr, _, attr_value = attribute.strip().partition("=")
                attr = attr.lower()
                if _expired(attr, attr_value):
                    delete = True
                elif attr in ("domain", "secure") or (attr == "path" and attr_value != "/"):
                    raise AssertionError(f"a cookie this browser does not keep: {value!r}")
            if delete:
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = cookie


def _expired(attribute: str, value: str) -> bool:
    """What makes httpx's jar (``http.cookiejar``) drop a cookie it is sent: a ``Max-Age``
    of 0 or less, or an ``Expires`` already past (Starlette's ``delete_cookie`` sends both)."""
    if attribute == "max-age":
        return int(value) <= 0
    if attribute == "expires":
        return parsedate_to_datetime(value) <= dt.datetime.now(dt.UTC)
    return False


def _same_origin(url: str) -> str:
    if not url.startswith(BASE + "/"):
        raise AssertionError(f"a redirect away from {BASE}: {url}")
    return url[len(BASE) :]
