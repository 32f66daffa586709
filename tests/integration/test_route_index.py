"""The route index (api/route_index.py): every request routed as FastAPI's full walk over the
app's routes would route it, and the FastAPI internals it relies on still there."""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRouter, _IncludedRouter
from starlette.routing import BaseRoute, Host, Mount

from mynumber.api import route_index
from mynumber.api.app import create_app
from mynumber.api.route_index import RouteIndex, leading_segments
from mynumber.bootstrap import System
from mynumber.web.core import HERE
from tests.client import TestClient

pytestmark = pytest.mark.sqlite_only  # routing: the database plays no part

SAMPLES = {"str": "x1", "path": "x1/y2", "int": "7", "float": "1.5"}
# Paths no route matches as they are (some do with a slash more or less: redirects).
UNKNOWN = [
    "/",
    "",
    "//",
    "/nope",
    "/nope/",
    "/Health",
    "/health/",
    "/health//",
    "/health\n/",
    "/staff",
    "/staff/",
    "/staff/nope",
    "/staff/ward-office/",
    "/staff/ward-office/nope/x1",
    "/staff/ward-office/residents/",
    "/clinic/visits//history",
    "/residents",
    "/residents/x1",
    "/portal/",
    "/static",
    "/static/",
    "/static/nope.css",
    "/docs-assets",
    "/.well-known/",
    "/oidc/authorize/",
    "/apply//",
]


class Chosen(Exception):
    """Raised where FastAPI reports the route it chose, before the route runs."""


def _leaves(routes: list[BaseRoute]) -> Iterator[Any]:
    for route in routes:
        if isinstance(route, _IncludedRouter):
            yield from route.effective_route_contexts()
        else:
            yield route


def _concrete(leaf: Any) -> str:
    """A path that ``leaf`` matches, its parameters filled in."""
    if isinstance(leaf, Mount):
        return leaf.path + "/site.css" if leaf.path == "/static" else leaf.path + "/favicon.png"
    route = getattr(leaf, "starlette_route", None) or leaf
    kinds = {
        name: type(convertor).__name__.removesuffix("Convertor").lower()
        for name, convertor in route.param_convertors.items()
    }
    kinds = {name: {"string": "str", "integer": "int"}.get(k, k) for name, k in kinds.items()}
    path = re.sub(r"{(\w+)}", lambda m: SAMPLES[kinds[m.group(1)]], route.path_format)
    assert route.path_regex.match(path), (route.path_format, path)
    return path


def _outcome(asgi: Any, path: str, method: str, root_path: str = "") -> tuple[Any, ...]:
    """Where ``asgi`` (the app's router, or its full walk) takes a request: the route chosen
    (its path, endpoint and route), or the answer given without one (404, redirect)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "server": ("testserver", 80),
        "path": path,
        "raw_path": path.encode(),
        "root_path": root_path,
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    try:
        asyncio.run(asgi(scope, receive, send))
    except Chosen as chosen:
        return chosen.args
    start = sent[0]
    return (start["status"], sorted(start["headers"]), b"".join(m.get("body", b"") for m in sent))


@pytest.fixture
def app(system: System) -> FastAPI:
    return create_app(system)


@pytest.fixture
def chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """FastAPI's telemetry hook names the chosen route just before running it: stop there."""

    def selected(*, scope: Any, path: str | None, mount: bool = False) -> None:
        if path is not None:  # None: an included router, which reports its own route next
            raise Chosen("route", path, mount, scope.get("endpoint"), scope.get("route"))

    monkeypatch.setattr(fastapi.routing, "_route_selected", selected)


def test_leading_segments() -> None:
    assert leading_segments("/staff/ward-office/residents/{person_id}/letter.pdf") == (
        "staff",
        "ward-office",
        "residents",
    )
    assert leading_segments("/insurer/letters/{letter_id}.pdf") == ("insurer", "letters")
    assert leading_segments("/health") == ("health",)
    assert leading_segments("/") == ("",)
    assert leading_segments("/a/b/") == ("a", "b", "")
    assert leading_segments("/static/{path}") == ("static",)
    assert leading_segments("/{path}") == ()
    assert leading_segments("/a/x{p}") == ("a",)
    assert leading_segments("/a\n/b") == ()
    assert leading_segments("{sub}.example.org") == ()
    assert leading_segments(None) == ()


@pytest.mark.usefixtures("chosen")
def test_every_route_chosen_as_by_the_full_walk(app: FastAPI) -> None:
    """Each route's own path, with a slash more or less (redirects) and a final newline
    (Starlette's ``$`` matches before one), by each of its methods and one it lacks (405),
    and paths no route has (404): the same route, endpoint or answer through the index as
    through FastAPI's walk over all the app's routes."""
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    leaves = list(_leaves(app.routes))
    assert len(leaves) > 150
    cases = 0
    for leaf in leaves:
        path = _concrete(leaf)
        methods = [*sorted(getattr(leaf, "methods", None) or {"GET"}), "TRACE"]
        for variant in {path, path + "/", path.rstrip("/") or "/", path + "\n"}:
            for method in methods:
                walked = _outcome(app.router.app, variant, method)
                assert _outcome(app.router, variant, method) == walked, (variant, method)
                if variant == path and method != "TRACE":
                    # The route itself, not one before it with the same path.
                    assert walked[0] == "route", (variant, method, walked)
                    assert walked[3] is getattr(leaf, "endpoint", walked[3]), (variant, method)
                cases += 1
    for path in UNKNOWN:
        for method in ("GET", "POST"):
            assert _outcome(app.router, path, method) == _outcome(app.router.app, path, method)
            cases += 1
    # Behind a proxy that strips a prefix (``root_path``), as uvicorn --root-path does.
    for path in ["/api", "/api/", "/api//", "/api/health", "/api/health/", "/apix/", "/health"]:
        assert _outcome(app.router, path, "GET", "/api") == _outcome(
            app.router.app, path, "GET", "/api"
        )
    assert cases > 1000


def test_answers_through_the_whole_app_unchanged(system: System) -> None:
    """Through every middleware and error handler: a wrong method (405 and its Allow header)
    on every route, the 404s and redirects of unknown paths, the static files."""
    indexed = create_app(system)
    walked = create_app(system)
    walked.router.middleware_stack = walked.router.app  # FastAPI's full walk
    requests = [("TRACE", _concrete(leaf)) for leaf in _leaves(indexed.routes)]
    requests += [(m, p) for p in UNKNOWN if p and "\n" not in p for m in ("GET", "POST")]
    requests += [("GET", "/static/site.css"), ("GET", "/static/portal.css"), ("HEAD", "/health")]
    # Without their lifespans (two apps on one system): none of these requests needs one.
    a = TestClient(indexed, follow_redirects=False)
    b = TestClient(walked, follow_redirects=False)
    statuses = set()
    for method, path in requests:
        one, other = a.request(method, path), b.request(method, path)
        statuses.add(one.status_code)
        assert (one.status_code, one.headers.get("allow"), one.headers.get("location")) == (
            other.status_code,
            other.headers.get("allow"),
            other.headers.get("location"),
        ), (method, path)
        assert one.content == other.content, (method, path)
    css = a.get("/static/site.css")
    assert {200, 307, 404, 405} <= statuses
    assert css.status_code == 200
    assert css.content == (HERE / "static" / "site.css").read_bytes()


def test_a_request_tries_few_routes(app: FastAPI) -> None:
    """What the index is for: a page's path no longer tried against the API's routes."""
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)

    def tried(path: str) -> int:
        view = index.view_for(path)
        assert view is not None
        return len(list(_leaves(view.routes)))

    everything = len(list(_leaves(app.routes)))
    assert tried("/staff/ward-office/residents/x1") <= 15 < everything
    assert tried("/clinic/checks/pin") <= 5
    assert tried("/portal/medical") <= 5
    assert index.view_for("") is None  # not a path the tree knows: the full walk


def test_fastapi_internals_relied_on(app: FastAPI) -> None:
    """The index's assumptions about FastAPI (api/route_index.py). If one fails after an
    upgrade, the index must change with it."""
    router = app.router
    # The app's router has no middleware of its own; its ASGI entry is the index.
    assert isinstance(router.middleware_stack, RouteIndex)
    assert not list(router._iter_low_priority_routes())
    health = next(
        r
        for r in router.routes
        if isinstance(r, _IncludedRouter)
        and any(c.path == "/health" for c in r.effective_candidates())
    )
    # APIRouter.app walks ``self.routes``: over none, /health is not found.
    bare = dataclasses.replace(health)  # a copy, as the index makes them
    assert bare.effective_candidates() == health.effective_candidates()
    none = copy.copy(router)
    none.routes = []
    status = _outcome(lambda s, r, q: APIRouter.app(none, s, r, q), "/health", "GET")[0]
    assert status == 404
    # An included router walks its cached ``_effective_candidates`` while the version holds:
    # over none, it matches nothing.
    empty = dataclasses.replace(health, _effective_candidates=[])
    assert empty._effective_candidates_version == health._effective_candidates_version
    assert empty._match({"type": "http", "path": "/health", "method": "GET"})[0].name == "NONE"
    assert health._match({"type": "http", "path": "/health", "method": "GET"})[0].name == "FULL"


def test_index_follows_routes_added_later(app: FastAPI) -> None:
    """A route added after the first request (to the app, or to a router it includes) is
    routed: the tree is rebuilt."""
    extra = APIRouter()
    app.include_router(extra)
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
        assert client.get("/late").status_code == 404

        @app.get("/late")
        def late() -> dict[str, str]:
            return {"late": "yes"}

        assert client.get("/late").json() == {"late": "yes"}
        assert client.get("/later/x1").status_code == 404

        @extra.get("/later/{name}")
        def later(name: str) -> dict[str, str]:
            return {"later": name}

        assert client.get("/later/x1").json() == {"later": "x1"}


async def _asgi_ok(scope: Any, receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _tricky_app(root_mount: bool) -> FastAPI:
    """Templates the app does not have: trailing slashes, a path parameter, a parameter inside
    a segment, nested and twice-included routers, a mount at the root of a prefix, a host."""
    inner = APIRouter()
    nested = APIRouter()

    def endpoint() -> None: ...

    for path, method in [("/a/b/", "GET"), ("/a/{x}", "GET"), ("/a/b", "POST"), ("/c/d/", "GET")]:
        inner.add_api_route(path, endpoint, methods=[method], name=path + method)
    nested.add_api_route("/deep/{p:path}", endpoint, methods=["GET"])
    inner.include_router(nested, prefix="/n")
    app = FastAPI()
    app.include_router(inner, prefix="/p")
    app.include_router(inner)
    app.add_api_route("/x{y}", endpoint, methods=["GET"])
    app.add_api_route("/", endpoint, methods=["GET"])
    app.mount("/m", _asgi_ok)
    app.router.routes.append(Host("example.org", app=_asgi_ok))
    if root_mount:  # matches every path: no 404, no redirect
        app.mount("", _asgi_ok)
    route_index.install(app)
    return app


@pytest.mark.usefixtures("chosen")
@pytest.mark.parametrize("root_mount", [False, True])
def test_templates_the_app_lacks(root_mount: bool) -> None:
    app = _tricky_app(root_mount)
    paths = ["/", "/a", "/a/", "/a/b", "/a/b/", "/a/b//", "/a/c", "/a/c/", "/c/d", "/c/d/"]
    paths += ["/p/a/b", "/p/a/b/", "/p/c/d", "/n/deep/x/y", "/p/n/deep/", "/p/n/deep"]
    paths += ["/xz", "/x", "/x/", "/m", "/m/", "/m/q", "/zzz", "/zzz/", "//", "/p//a"]
    answers = set()
    for path in paths:
        for method in ("GET", "POST", "TRACE"):
            walked = _outcome(app.router.app, path, method)
            assert _outcome(app.router, path, method) == walked, (path, method)
            answers.add(walked[0])
    # The redirect to /c/d/ is found from /c/d: the tree is walked one empty segment further.
    assert answers == ({"route"} if root_mount else {"route", 307, 404})
    index = app.router.middleware_stack
    assert isinstance(index, RouteIndex)
    view = index.view_for("/c/d")
    assert view is not None
    assert len(view.routes) < len(app.router.routes)
