"""The edge (api/edges.py, api/docs.py): body limits per route before reading, text that
cannot be stored refused once for every route, security headers on every answer, and the API
docs served from local files under a Content Security Policy."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from mynumber.adapters.db.models import Person
from mynumber.api.app import create_app
from mynumber.api.edges import DEFAULT, PHOTO_FORM, TEXT_CHARS, Edges, limits_for
from mynumber.bootstrap import System
from mynumber.demo.data import seed_demo_tokens
from mynumber.domain.photo_rules import MAX_FILE_BYTES
from tests.client import TestClient
from tests.integration.test_api import MOVING_IN
from tests.integration.test_web_ward_office import BASE, FORM, Counter

# --- The middleware alone, around a route that records what reaches it --------------------


class Recorder:
    """An ASGI app that reads the whole body, keeps it, and answers 200."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.bodies.append(body)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _call(
    app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]], chunks: Iterator[bytes]
) -> tuple[int, dict[str, str], bytes, int]:
    """Run one request through ``app``: status, headers, body, and how many chunks of the
    request body were pulled from the client."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "http_version": "1.1",
        "scheme": "http",
        "server": ("test", 80),
        "client": ("test", 1),
        "root_path": "",
    }
    # In a thread of its own: asyncio.run refuses a thread where an event loop runs, as in an
    # xdist worker's main thread once a browser module (Playwright) ran on that worker.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(scope, receive, send)).result()
    start = sent[0]
    answer_headers = {k.decode(): v.decode() for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], answer_headers, body, pulled


def _endless(size: int = 1024) -> Iterator[bytes]:
    while True:
        yield b"x" * size


def test_a_declared_length_over_the_limit_is_refused_without_reading_a_byte() -> None:
    route = Recorder()
    status, headers, body, pulled = _call(
        Edges(route),
        "POST",
        "/jpki/ocsp",
        [(b"content-type", b"application/ocsp-request"), (b"content-length", b"300000000")],
        _endless(),
    )
    assert status == 413 and pulled == 0 and route.bodies == []
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["code"] == "body-too-large" and problem["detail"] and problem["detail_ja"]


@pytest.mark.parametrize("content_type", [b"application/ocsp-request", b"application/json"])
def test_a_chunked_body_is_counted_and_refused_once_past_the_limit(content_type: bytes) -> None:
    """No Content-Length: the edge stops reading right after the limit, the route gets
    nothing (streamed bodies) or never runs (JSON and forms, read whole before the route)."""
    route = Recorder()
    status, _, body, pulled = _call(
        Edges(route), "POST", "/jpki/ocsp", [(b"content-type", content_type)], _endless()
    )
    assert status == 413 and json.loads(body)["code"] == "body-too-large"
    assert pulled == DEFAULT.body_bytes // 1024 + 1
    assert route.bodies == []


def test_a_body_within_the_limit_reaches_the_route_unchanged() -> None:
    route = Recorder()
    chunks = iter([b"a" * 1000, b"b" * 1000])
    status, _, body, _ = _call(
        Edges(route), "POST", "/jpki/ocsp", [(b"content-type", b"application/ocsp-request")], chunks
    )
    assert status == 200 and body == b"ok"
    assert route.bodies == [b"a" * 1000 + b"b" * 1000]


def test_photo_routes_take_a_photo_and_the_rest_take_64_kib() -> None:
    assert limits_for("POST", "/apply") == PHOTO_FORM
    assert PHOTO_FORM.body_bytes >= MAX_FILE_BYTES
    assert PHOTO_FORM.body_bytes < 8 * 1024 * 1024
    one_photo = limits_for("POST", "/cards/applications")
    assert one_photo.text_chars >= MAX_FILE_BYTES * 4 // 3  # the photo in base64
    assert limits_for("POST", "/clinic/checks/face").body_bytes > 2 * one_photo.text_chars
    assert limits_for("POST", "/staff/kiosk") == PHOTO_FORM
    for path in (
        "/jpki/ocsp",
        "/ward-office/residents",
        "/login",
        "/clinic/checks/pin",
        "/staff/card-counter/apply/extra",
    ):
        assert limits_for("POST", path) == DEFAULT
    assert DEFAULT.body_bytes == 64 * 1024


# --- The whole app, on both databases -------------------------------------------------------


@pytest.fixture
def client(system: System) -> Iterator[TestClient]:
    with TestClient(create_app(system), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def ward_token(system: System) -> str:
    with system.uow() as uow:
        demo = seed_demo_tokens(uow.session, system.services)
        uow.commit()
    return next(t.token for t in demo if t.role.value == "ward_office")


def _people(system: System) -> int:
    with system.reading() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(Person)) or 0)


def _problem(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = answer.json()
    assert body["status"] == status and body["detail"] and body["detail_ja"]
    return body


@pytest.mark.sqlite_only  # refused at the edge, before any route
def test_an_oversized_unauthenticated_ocsp_post_is_refused(client: TestClient) -> None:
    declared = client.post(
        "/jpki/ocsp",
        content=b"0" * (65 * 1024),
        headers={"content-type": "application/ocsp-request"},
    )
    _problem(declared, 413)
    chunked = client.post(
        "/jpki/ocsp",
        content=_endless_bytes(70),
        headers={"content-type": "application/ocsp-request"},
    )
    _problem(chunked, 413)
    assert "content-length" not in {k.lower() for k in chunked.request.headers}


def _endless_bytes(kib: int) -> Iterator[bytes]:
    for _ in range(kib):
        yield b"0" * 1024


def test_an_oversized_json_body_stores_nothing(
    client: TestClient, system: System, ward_token: str
) -> None:
    padded = {**MOVING_IN, "address": "x" * 100, "padding": ["y" * 1000] * 70}
    text = json.dumps(padded).encode()
    headers = {"Authorization": f"Bearer {ward_token}", "content-type": "application/json"}
    _problem(client.post("/ward-office/residents", content=text, headers=headers), 413)
    chunks = iter([text[i : i + 4096] for i in range(0, len(text), 4096)])
    _problem(client.post("/ward-office/residents", content=chunks, headers=headers), 413)
    assert _people(system) == 0
    registered = client.post(
        "/ward-office/residents", json=MOVING_IN, headers={"Authorization": f"Bearer {ward_token}"}
    )
    assert registered.status_code == 201 and _people(system) == 1


@pytest.mark.sqlite_only  # refused at the edge, before any route
def test_an_oversized_photo_upload_is_refused_before_the_form_is_read(client: TestClient) -> None:
    photo = b"\xff\xd8" + b"0" * (PHOTO_FORM.body_bytes + 1)
    answer = client.post(
        "/apply", data={"application_id": "x"}, files={"photo": ("me.jpg", photo, "image/jpeg")}
    )
    _problem(answer, 413)
    # A page without a photo takes 64 KiB: a file there is refused far below 7 MB.
    _problem(
        client.post(
            "/login", data={"token": "t"}, files={"f": ("a.bin", b"0" * (DEFAULT.body_bytes + 1))}
        ),
        413,
    )


@pytest.mark.sqlite_only  # ends at the missing token, before any look-up
def test_a_photo_route_takes_more_than_the_default(client: TestClient) -> None:
    """A 200 KB photo in base64 passes the edge (then the route asks for a token)."""
    body = {"person_id": 1, "channel": "smartphone", "photo_base64": "A" * 200_000}
    answer = client.post("/cards/applications", json=body)
    assert answer.status_code == 401, answer.text


# SQLite only, though PostgreSQL could store neither (SQLite stores a NUL): the edge refuses
# the text before the route runs, so no database sees it (the call counts the people, and
# ``writes_nothing`` fails the test if it ever writes). Without the edge's rule SQLite would
# store the NUL (201) and its driver refuse a lone surrogate (500): the test fails there too.
@pytest.mark.sqlite_only(writes_nothing=True)
@pytest.mark.parametrize("bad", ["\ud800", "\udfff", "a\x00b"])
def test_json_with_a_nul_or_a_lone_surrogate_is_refused_and_nothing_stored(
    client: TestClient, system: System, ward_token: str, bad: str
) -> None:
    text = json.dumps({**MOVING_IN, "address": f"1-1 Chiyoda {bad}"}).encode()  # \uXXXX escapes
    answer = client.post(
        "/ward-office/residents",
        content=text,
        headers={"Authorization": f"Bearer {ward_token}", "content-type": "application/json"},
    )
    problem = _problem(answer, 422)
    assert problem["errors"] == [
        {"field": "address", "message": "contains a NUL or an unpaired surrogate"}
    ]
    assert bad not in answer.text
    assert _people(system) == 0


def test_a_paired_surrogate_is_a_character_like_any_other(
    client: TestClient, system: System, ward_token: str
) -> None:
    """An emoji arrives in JSON as a surrogate pair: decoded, it is one code point."""
    text = json.dumps({**MOVING_IN, "address": "1-1 Chiyoda \U0001f3e0"}).encode()
    assert b"\\ud83c\\udfe0" in text
    answer = client.post(
        "/ward-office/residents",
        content=text,
        headers={"Authorization": f"Bearer {ward_token}", "content-type": "application/json"},
    )
    assert answer.status_code == 201, answer.text
    assert _people(system) == 1


@pytest.mark.sqlite_only
def test_a_prescription_with_a_lone_surrogate_never_reaches_the_route(client: TestClient) -> None:
    """The reported case: refused at the edge, before the token or the visit is looked at."""
    text = b'{"drug_name": "Loxonin\\ud800", "quantity": 1}'
    answer = client.post(
        "/clinic/visits/1/prescriptions", content=text, headers={"content-type": "application/json"}
    )
    assert _problem(answer, 422)["errors"][0]["field"] == "drug_name"


@pytest.mark.sqlite_only(writes_nothing=True)  # as the NULs above: refused before the route
def test_strings_longer_than_the_default_are_refused_and_keys_are_checked(
    client: TestClient, system: System, ward_token: str
) -> None:
    headers = {"Authorization": f"Bearer {ward_token}"}
    long = client.post(
        "/ward-office/residents",
        headers=headers,
        json={**MOVING_IN, "address": "x" * (TEXT_CHARS + 1)},
    )
    problem = _problem(long, 422)
    assert problem["errors"][0]["field"] == "address" and str(TEXT_CHARS) in problem["detail"]
    key = client.post(
        "/ward-office/residents",
        headers={**headers, "content-type": "application/json"},
        content=json.dumps({**MOVING_IN, "bad\x00key": 1}).encode(),
    )
    _problem(key, 422)
    nested = client.post(
        "/ward-office/residents",
        headers=headers,
        json={**MOVING_IN, "id_documents": ["passport", "a\x00"]},
    )
    assert _problem(nested, 422)["errors"][0]["field"] == "id_documents.1"
    assert _people(system) == 0


@pytest.mark.sqlite_only
def test_a_deeply_nested_body_is_refused_not_a_crash(client: TestClient) -> None:
    text = b"[" * 30_000 + b"]" * 30_000
    _problem(
        client.post(
            "/numbers/validate", content=text, headers={"content-type": "application/json"}
        ),
        422,
    )


def test_a_page_form_with_a_nul_is_refused_and_nothing_stored(system: System) -> None:
    counter = Counter(system)
    answer = counter.post(f"{BASE}/moving-in", {**FORM, "address": "2-1-1 Kanda\x00"})
    problem = _problem(answer, 422)
    assert problem["errors"][0]["field"] == "address"
    assert _people(system) == 0
    long = counter.post(f"{BASE}/moving-in", {**FORM, "name_latin": "A" * (TEXT_CHARS + 1)})
    _problem(long, 422)
    assert _people(system) == 0
    counter.register()
    assert _people(system) == 1


@pytest.mark.sqlite_only  # refused at the edge; nothing reaches a route or a table
def test_a_multipart_form_with_a_nul_is_refused(client: TestClient) -> None:
    answer = client.post(
        "/apply",
        data={"application_id": "AB\x00CD"},
        files={"photo": ("me.jpg", b"\xff\xd8\xff", "image/jpeg")},
    )
    assert _problem(answer, 422)["errors"][0]["field"] == "application_id"
    # A file's name too (written raw: clients escape it).
    raw = (
        b'--XX\r\nContent-Disposition: form-data; name="photo"; filename="me\x00.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\r\n--XX--\r\n"
    )
    named = client.post(
        "/apply", content=raw, headers={"content-type": "multipart/form-data; boundary=XX"}
    )
    assert _problem(named, 422)["errors"][0]["field"] == "photo"


def test_a_query_or_path_with_a_nul_is_refused(system: System) -> None:
    counter = Counter(system)
    _problem(counter.client.get(f"{BASE}?q=12%00"), 422)
    _problem(counter.client.get(f"{BASE}/residents/1%00"), 422)
    _problem(counter.client.get(f"{BASE}?q=" + "1" * (TEXT_CHARS + 1)), 422)
    assert counter.client.get(f"{BASE}?q=").status_code == 200


# --- Security headers ----------------------------------------------------------------------


def _secured(answer: Any, *, stored: bool = False) -> str:
    headers = answer.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    policy: str = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    script = re.search(r"script-src ([^;]*)", policy)
    assert script and "'unsafe-inline'" not in script.group(1)
    if not stored:
        assert headers["cache-control"] == "no-store"
    return policy


@pytest.mark.sqlite_only  # headers
def test_pages_api_answers_and_errors_carry_the_security_headers(
    client: TestClient, system: System
) -> None:
    for path in ("/", "/guide", "/login", "/health", "/openapi.json", "/nowhere"):
        answer = client.get(path)
        policy = _secured(answer)
        assert "script-src 'self';" in policy and "style-src 'self';" in policy
    _secured(client.post("/ward-office/residents", json=MOVING_IN))  # 401
    counter = Counter(system)
    _secured(counter.client.get(BASE))
    _secured(counter.client.post(f"{BASE}/moving-in", data={"address": "\x00"}))
    static = client.get("/static/site.css")
    _secured(static, stored=True)
    assert "no-store" not in static.headers.get("cache-control", "")


@pytest.mark.sqlite_only  # headers
def test_an_unexpected_error_is_answered_with_the_headers_too(system: System) -> None:
    app = create_app(system)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a message that may quote the input")

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/boom")
    assert _problem(answer, 500)["code"] == "internal"
    assert "quote the input" not in answer.text
    _secured(answer)


def test_no_template_has_inline_script_or_style() -> None:
    from mynumber.web.core import HERE

    pattern = re.compile(
        r"<script(?![^>]*\bsrc=)|\son[a-z]+\s*=|<style|\sstyle\s*=|"
        r"javascript:",
        re.IGNORECASE,
    )
    offending = [
        str(path.relative_to(HERE))
        for path in (HERE / "templates").rglob("*")
        if path.is_file() and pattern.search(path.read_text())
    ]
    assert offending == []


# --- The API docs, from local files ---------------------------------------------------------


@pytest.mark.sqlite_only  # static pages
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_docs_load_only_local_assets_under_a_hashed_script_policy(
    client: TestClient, page: str
) -> None:
    import base64
    import hashlib

    answer = client.get(page)
    assert answer.status_code == 200
    policy = _secured(answer)
    html = answer.text
    assert "http" not in html.lower() and "//" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(url.startswith("/docs-assets/") for url in assets), assets
    for url in assets:
        got = client.get(url)
        assert got.status_code == 200 and len(got.content) > 0, url
        assert got.headers["x-content-type-options"] == "nosniff"
    for script in re.findall(r"<script>(.*?)</script>", html, flags=re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert client.get("/openapi.json").status_code == 200


def test_the_swagger_page_knows_the_spec_and_the_bundle() -> None:
    from mynumber.api.docs import SWAGGER_CSS, SWAGGER_JS, assets_dir

    assert (assets_dir() / SWAGGER_JS.rsplit("/", 1)[1]).stat().st_size > 100_000
    assert (assets_dir() / SWAGGER_CSS.rsplit("/", 1)[1]).is_file()
