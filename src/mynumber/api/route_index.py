"""The app's routes filed by the path's leading segments, so that a request tries only the
routes that could match it (issue 14).

FastAPI matches a request by walking the app's routes in order; each included router walks all
of its routes (a regular expression each), and the router that matched is walked again to hand
the request over: ~98 route matches a request in ``test_access_matrix``, a page's path tried
against every API route first. The walk stays FastAPI's; it is given shorter lists. A route's
path template fixes the leading segments of every path it matches
(``/staff/ward-office/residents/{person_id}`` only matches paths that begin
``/staff/ward-office/residents/``), so the routes are filed in a tree of those segments. A
request follows its path down the tree, one empty segment further (the redirect_slashes retry
with a trailing slash), and is routed over the routes filed on the way, in their original
order. Every route that could match the path, or its retry, is in that list, and the others
would not have matched: the first full match, the first partial one (the 405 and its Allow
header) and the redirect are the full walk's.

FastAPI 0.165's internals this relies on, all here (``tests/integration/test_route_index.py``
fails if an upgrade breaks one):

- ``APIRouter.app`` is run on a shallow copy of the app's router whose ``routes`` is the
  shorter list: the method reads the list as ``self.routes`` (the match and the retry) and
  shares everything else (``default``, ``redirect_slashes``, ``form_limits``) with the copy.
- an included router is a ``_IncludedRouter`` dataclass whose ``_match`` walks
  ``effective_candidates()``: the list cached in ``_effective_candidates`` while the included
  router's version is ``_effective_candidates_version``. A copy with a shorter list and the same
  version walks that list, for the match and for the hand-over.
- low-priority routes (``APIRouter.frontend``) are matched across all routers after the rest:
  an app with any is routed by FastAPI alone.

The tree is rebuilt when a router's routes change (the versions FastAPI keeps for its own
caches, and the number of the app's routes). Websockets, the lifespan and paths with a newline
go through FastAPI's full walk. One trace differs, inside FastAPI's own scope entry
(``scope["fastapi"]``, read by FastAPI only, with defaults): a request that no included router
is tried for (``/static/…``, ``/docs``) gets no empty entry, and the included router named there
is the copy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from copy import copy
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, APIRouter, _EffectiveRouteContext, _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.types import Receive, Scope, Send

Segments = tuple[str, ...]
# A route of the app's router (its index), and for an included router one of its candidates.
Entry = tuple[int, int | None]


def install(app: FastAPI) -> None:
    """Route ``app``'s requests through the index (after every route is added or not: the index
    follows later changes)."""
    router = app.router
    # The router has no middleware of its own: its stack is its ``app``, which this wraps.
    if router.middleware_stack != router.app:
        raise RuntimeError("the app's router has middleware of its own")
    router.middleware_stack = RouteIndex(router)


def leading_segments(template: str | None) -> Segments:
    """The segments every path that ``template`` (a route's ``path_format``) matches begins
    with; none for a route matched by something else than its path (a host)."""
    if template is None or not template.startswith("/"):
        return ()
    literal = template
    # Past the first parameter the path is the request's (a newline too: see view_for).
    for stop in ("{", "\n"):
        literal = literal.partition(stop)[0]
    segments = literal.split("/")[1:]
    if literal != template:
        # The last segment is only the start of one.
        return tuple(segments[:-1])
    return tuple(segments)


def _template(route: object) -> str | None:
    if isinstance(route, _EffectiveRouteContext):
        if isinstance(route.original_route, APIRoute):
            return route.path_format
        route = route.starlette_route
    if isinstance(route, Route | WebSocketRoute | Mount):
        return route.path_format
    return None


def _segments_of(candidate: object) -> set[Segments]:
    if isinstance(candidate, _IncludedRouter):
        return {leading_segments(_template(leaf)) for leaf in candidate.effective_route_contexts()}
    return {leading_segments(_template(candidate))}


@dataclasses.dataclass
class _Node:
    children: dict[str, _Node] = dataclasses.field(default_factory=dict)
    filed: list[Entry] = dataclasses.field(default_factory=list)
    # What is filed here and above, and the router over those routes (made on first use).
    entries: frozenset[Entry] = frozenset()
    view: APIRouter | None = None

    def at(self, segments: Segments) -> _Node:
        node = self
        for segment in segments:
            node = node.children.setdefault(segment, _Node())
        return node


class RouteIndex:
    """The app's router's ASGI entry: each HTTP request routed over the routes its path can
    match."""

    def __init__(self, router: APIRouter) -> None:
        self.router = router
        self._watched: list[APIRouter] = []
        self._versions: list[int] = []
        self._length = -1
        self._root: _Node | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        view = self.view_for(get_route_path(scope)) if scope["type"] == "http" else None
        if view is None:
            await self.router.app(scope, receive, send)
            return
        # APIRouter.app names the router it runs as the request's (url_for): the app's.
        if "router" not in scope:
            scope["router"] = self.router
        await APIRouter.app(view, scope, receive, send)

    def view_for(self, route_path: str) -> APIRouter | None:
        """The app's router over the routes that a request for ``route_path`` (or its
        redirect_slashes retry) can match, in order; None where FastAPI walks them all."""
        root = self._tree()
        # A newline: Starlette's ``$`` matches before a final one, so that "/health\n/" is
        # redirected to /health; no path of a page or a call has one.
        if root is None or not route_path.startswith("/") or "\n" in route_path:
            return None
        node = root
        for segment in (*route_path.split("/")[1:], ""):
            if (child := node.children.get(segment)) is None:
                break
            node = child
        return node.view or self._view(node)

    def _tree(self) -> _Node | None:
        if (
            self._root is not None
            and len(self.router.routes) == self._length
            and [router._routes_version for router in self._watched] == self._versions
        ):
            return self._root
        return self._build()

    def _build(self) -> _Node | None:
        router = self.router
        included = [r for r in router.routes if isinstance(r, _IncludedRouter)]
        self._watched = [router, *_originals(included)]
        self._versions = [r._routes_version for r in self._watched]
        self._length = len(router.routes)
        if any(True for _ in router._iter_low_priority_routes()):
            self._root = None
            return None
        root = _Node()
        for i, route in enumerate(router.routes):
            if isinstance(route, _IncludedRouter):
                for j, candidate in enumerate(route.effective_candidates()):
                    for segments in _segments_of(candidate):
                        root.at(segments).filed.append((i, j))
            else:
                for segments in _segments_of(route):
                    root.at(segments).filed.append((i, None))
        _inherit(root, frozenset())
        self._root = root
        return root

    def _view(self, node: _Node) -> APIRouter:
        routes: list[BaseRoute] = []
        for i, route in enumerate(self.router.routes):
            if isinstance(route, _IncludedRouter):
                candidates = route.effective_candidates()
                kept = [c for j, c in enumerate(candidates) if (i, j) in node.entries]
                if len(kept) == len(candidates):
                    routes.append(route)
                elif kept:
                    routes.append(dataclasses.replace(route, _effective_candidates=kept))
            elif (i, None) in node.entries:
                routes.append(route)
        view = copy(self.router)
        view.routes = routes
        node.view = view
        return view


def _inherit(node: _Node, above: frozenset[Entry]) -> None:
    node.entries = above | frozenset(node.filed)
    for child in node.children.values():
        _inherit(child, node.entries)


def _originals(included: Iterable[_IncludedRouter]) -> list[APIRouter]:
    found: list[APIRouter] = []
    for branch in included:
        found.append(branch.original_router)
        nested: Any = [c for c in branch.effective_candidates() if isinstance(c, _IncludedRouter)]
        found.extend(_originals(nested))
    return found
