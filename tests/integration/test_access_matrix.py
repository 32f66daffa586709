"""The access matrix (issue 15): every route the app serves × every caller × {related,
unrelated} subject, held to the one table in ``access_expectations.py``.

Generated from ``app.routes`` — API routes, page routes, mounted files — so it cannot go
stale: a route missing from the table fails ``test_every_route_declares_who_may_call_it``,
and a row whose route is gone fails it too. For each route, every caller:

- granted, on the related subject (A, or a fresh Chiyoda resident when the call changes its
  subject for good): the route's success status (so the sample is a valid request);
- anyone else, and everyone on B (related to no caller): a refusal — 401, 403 or 404 over
  the API; a redirect to a login page, the 403 page or the 404 page on a page. Never 2xx,
  never 5xx;
- each refusal of a caller who is someone (a token, a clerk's or a resident's session) has
  left an audit entry by that caller's role, and no other request a refusal entry (but for
  what a row declares ``unaudited``): every refusal entry the product writes is seen as it is
  written (``RefusalEntries``), so a missing one names its request, and the log's count of
  refusal entries, read once before the test and once after, must grow by exactly as many.

The run counts the requests tried, the grants and refusals, the refusals audited and their
entries, and prints them (figures for ``docs/security.md``); it writes nothing tracked. The
world is built once per database.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import shutil
import string
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from mynumber.adapters.mail import PostOffice
from mynumber.api.app import create_app
from mynumber.api.deps import TokenCache
from mynumber.bootstrap import System, build_system
from mynumber.card.keys import KeyPool
from mynumber.config import Settings
from mynumber.domain.clock import SimulatedClock
from mynumber.services.core import audit_chain
from mynumber.services.core.refs import Kind, References
from tests.conftest import START, TEST_MASTER_KEY, reset_postgres
from tests.integration.access_audit import Entry, RefusalEntries, entries_wrong, in_log
from tests.integration.access_expectations import API, CALLERS, PAGES, PUBLIC, TABLE, Row
from tests.integration.access_world import Person, World, build_world, csrf_of

REFUSED_API = {401, 403, 404}
MATRIX_START = START + dt.timedelta(days=76)
"""The world is built from 2026-06-16 on: the special residence card's routes (from
2026-06-14) can then grant; every other row's dates are relative to the clock."""
SPARE_USERS = (
    "spare",
    "insured_spare",
    "employed_spare",
    "held_letter",
    "moved",
    "association_member",
    "lost_spare",
    "announced",
)
REFUSED_PAGE = {401, 403, 404}
YOUNG_GENERATION = 20_000
"""The collector's first threshold while the world lives (Python's default: 700)."""
LOGIN_PAGES = ("/login", "/portal/login")
PATH_KINDS = {
    "person_id": Kind.PERSON,
    "visit_id": Kind.VISIT,
    "employee_id": Kind.EMPLOYEE,
    "enrolment_id": Kind.ENROLMENT,
    "letter_id": Kind.LETTER,
    "mail_id": Kind.MAIL,
}


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of everything the app answers; a mount as ``<prefix>/{path}``."""
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            found.add(("GET", f"{route.path}/{{path}}"))
            continue
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, str(route.path)))
    return found


# --- the world, once per database -----------------------------------------------------------


def _fresh_rows(rows: list[Row]) -> Counter[str]:
    """How many spare residents and waiting applications the granted calls will use."""
    need: Counter[str] = Counter()
    for r in rows:
        if r.fresh is not None:
            need[r.fresh.__name__] += len(r.granted)
    return need


def _app(system: System) -> FastAPI:
    """The app, its token cache holding a caller for the whole run: no token of the world is
    revoked or changed, and with the product's 10 s (of the clock on the wall) each of the
    world's ~20 tokens was looked up again every 10 s, more often the busier the machine."""
    app = create_app(system)
    app.state.token_cache = TokenCache(seconds=24 * 3600)
    return app


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    ca_template: Path,
    key_source: KeyPool,
) -> Iterator[World]:
    from mynumber.demo.data import seed_municipalities

    folder = tmp_path_factory.mktemp(f"matrix-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'mynumber.sqlite3'}"
        shutil.copy(sqlite_template, folder / "mynumber.sqlite3")
        shutil.copy(sqlite_template, folder / "mynumber-chips.sqlite3")
    else:
        url = request.getfixturevalue("pg_url")
        reset_postgres(url)
    settings = Settings(database_url=url, data_dir=folder / "var", master_key=TEST_MASTER_KEY)
    shutil.copytree(ca_template, settings.data_dir / "ca")
    system = build_system(
        settings,
        clock=SimulatedClock(MATRIX_START),
        post=PostOffice(),
        key_source=key_source,
        run_migrations=False,
    )
    with system.uow() as uow:
        seed_municipalities(uow.session)
        uow.commit()
    # A module that sends fewer fresh rows than the matrix names its count (``FRESH_ROWS``).
    need = getattr(request.module, "FRESH_ROWS", None) or _fresh_rows(TABLE)
    spares = sum(need[name] for name in SPARE_USERS)
    # The world's PINs are stretched at the suite's lowest count (``pins_stretched_cheaply``).
    thresholds = gc.get_threshold()
    try:
        built = build_world(system, _app, spares=spares, waiting=need["waiting"])
        # What the served app's lifespan does (``api.app._serving``), which the in-process
        # browsers never start: the world built so far lives as long as the test, out of the
        # collector's reach, so a full collection in the middle of the requests is short.
        gc.freeze()
        # The collector's youngest generation ran at every 700 objects of net growth: ~540
        # collections a database during the requests, ~0.5 s of CPU (``gc.callbacks``). At
        # 20,000 while the world lives the requests' few reference cycles still go, later.
        gc.set_threshold(YOUNG_GENERATION, *thresholds[1:])
        yield built
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
    built.close()
    system.close()


@pytest.fixture
def refusal_entries(world: World, monkeypatch: pytest.MonkeyPatch) -> RefusalEntries:
    """The refusal entries written during the test (``access_audit``)."""
    entries = RefusalEntries(audit_chain.write_entries, world)
    monkeypatch.setattr(audit_chain, "write_entries", entries)
    return entries


# --- one request ----------------------------------------------------------------------------


@dataclass
class Tally:
    tried: int = 0
    granted: int = 0
    refused: int = 0
    server_errors: int = 0
    audited: int = 0
    """Refusals that left their audit entries (one, or two: a refused form whose error page
    shows the subject's page again, itself refused)."""
    entries: int = 0
    """The refusal entries those requests left."""
    unaudited: int = 0
    """Refusals that leave none: of no one (no token, no session of the page's kind), or
    declared by their row (``Row.unaudited``)."""
    wrong: list[str] = field(default_factory=list)


@functools.cache
def _fields(path: str) -> tuple[str, ...]:
    """The names of ``path``'s placeholders, in order (parsed once for each route)."""
    return tuple(name for _, name, _, _ in string.Formatter().parse(path) if name is not None)


@functools.lru_cache(maxsize=4096)
def _reference(references: References, kind: Kind, id_: int) -> str:
    """``references.reference`` (always the same for the same id), sealed once for each
    record: the same few records are named in thousands of requests."""
    return references.reference(kind, id_)


_PERSON_FIELDS = {
    Kind.PERSON: "person_id",
    Kind.VISIT: "visit_id",
    Kind.EMPLOYEE: "employee_id",
    Kind.ENROLMENT: "enrolment_id",
    Kind.LETTER: "letter_id",
    Kind.MAIL: "mail_id",
}


def _path(r: Row, w: World, s: Person, params: dict[str, str]) -> str:
    values: dict[str, Any] = {}
    for name in _fields(r.path):
        if name in params:
            values[name] = params[name]
        elif name in PATH_KINDS:
            kind = PATH_KINDS[name]
            values[name] = _reference(w.references, kind, getattr(s, _PERSON_FIELDS[kind]))
        elif name == "serial":
            values[name] = s.serial
        elif name == "application_id":
            values[name] = s.application_id
        elif name == "year":
            values[name] = "2026"
        elif name == "pin_kind":
            values[name] = "user_authentication"
        else:
            raise AssertionError(f"{r.path}: no value for {{{name}}}")
    return r.path.format(**values)


def _send(r: Row, w: World, s: Person, caller: str, *, page: bool, self_person: Person) -> Any:
    client, url, kwargs = _prepared(r, w, s, caller, page=page, self_person=self_person)
    return client.request(r.method, url, **kwargs)


def _prepared(
    r: Row, w: World, s: Person, caller: str, *, page: bool, self_person: Person
) -> tuple[Any, str, dict[str, Any]]:
    """The client, URL and arguments of the request, its sample built (a sample's own
    requests, such as a challenge asked for with the caller's token, are made here)."""
    parts = r.sample(w, s, caller)
    url = _path(r, w, s, parts.pop("params", {}))
    kwargs: dict[str, Any] = {k: v for k, v in parts.items() if k in ("json", "files", "content")}
    headers = dict(parts.get("headers", {}))
    if "query" in parts:
        kwargs["params"] = parts["query"]
    if page:
        browser, csrf = _browser(w, caller, self_person)
        if r.scope == PUBLIC and r.method != "GET":  # the form's own page gives its token
            csrf = csrf_of(browser, "/portal/login" if url.startswith("/portal") else "/login")
        if r.method != "GET":
            kwargs["data"] = {**parts.get("data", {}), "csrf": csrf}
        return browser, url, {"headers": headers, "follow_redirects": False, **kwargs}
    token = w.token(caller, self_person)
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    if "data" in parts:
        kwargs["data"] = parts["data"]
    return w.api, url, {"headers": headers, "follow_redirects": False, **kwargs}


def _browser(w: World, caller: str, self_person: Person) -> tuple[Any, str]:
    if caller == "none":
        return w.anonymous, w.anonymous_csrf
    if caller in ("self", "resident_other"):
        person = self_person if caller == "self" else w.c
        assert person.portal is not None
        return person.portal, person.csrf
    org = w.orgs[caller]
    return org.browser, org.csrf


def _is_refusal(resp: Any, page: bool) -> bool:
    if not page:
        return resp.status_code in REFUSED_API
    if resp.status_code in (302, 303, 307):
        return resp.headers.get("location", "").startswith(LOGIN_PAGES)
    return resp.status_code in REFUSED_PAGE


def _to_login(resp: Any) -> bool:
    return resp.status_code in (302, 303, 307) and resp.headers.get("location", "").startswith(
        LOGIN_PAGES
    )


def _audit_wrong(
    r: Row,
    roles: dict[str, str],
    caller: str,
    subject: str,
    resp: Any,
    page: bool,
    refusal: bool,
    own: list[Entry],
) -> str | None:
    """A refusal of someone leaves one entry by the caller's role, a page's form included
    (its error page shows the subject's page again, and that page's own refusal is waived:
    ``web.core``'s ``_audit_once``). A refusal of no one (no token; a login redirect: no
    session of the page's kind), one its row declares ``unaudited``, and any answer that is
    no refusal leave none."""
    due = (
        refusal
        and caller != "none"
        and not (page and _to_login(resp))
        and r.audits(caller, subject)
    )
    if not due:
        return f"a refusal entry where none is due: {own}" if own else None
    if not own:
        return "no audit entry for the refusal"
    return entries_wrong(own, most=1, role=roles[caller])


def _is_success(resp: Any, r: Row, page: bool) -> bool:
    if resp.status_code != r.ok:
        return False
    return not (
        page and r.ok in (302, 303) and resp.headers.get("location", "").startswith(LOGIN_PAGES)
    )


def _try(
    tally: Tally,
    r: Row,
    w: World,
    s: Person,
    caller: str,
    *,
    grant: bool,
    page: bool,
    self_person: Person,
    label: str,
    entries: RefusalEntries,
) -> None:
    client, url, kwargs = _prepared(r, w, s, caller, page=page, self_person=self_person)
    mark = len(entries.seen)
    resp = client.request(r.method, url, **kwargs)
    own = entries.seen[mark:]
    refusal = _is_refusal(resp, page)
    tally.tried += 1
    if resp.status_code >= 500:
        tally.server_errors += 1
    elif 200 <= resp.status_code < 300 or (page and resp.status_code in (302, 303) and not refusal):
        tally.granted += 1
    else:
        tally.refused += 1
    ok = _is_success(resp, r, page) if grant else refusal
    if not ok:
        where = resp.headers.get("location", "")
        tally.wrong.append(
            f"{r.method} {r.path} as {caller} on {label}: expected "
            f"{'grant ' + str(r.ok) if grant else 'refusal'}, got {resp.status_code} "
            f"{where} {resp.text[:160]!r}"
        )
    subject = "B" if s is w.b else "A"
    audit_wrong = _audit_wrong(r, entries.roles, caller, subject, resp, page, refusal, own)
    if audit_wrong is not None:
        tally.wrong.append(
            f"{r.method} {r.path} as {caller} on {label}: {resp.status_code}, {audit_wrong}"
        )
    elif own:
        tally.audited += 1
        tally.entries += len(own)
    elif refusal:
        tally.unaudited += 1


def _run(rows: list[Row], w: World, *, page: bool, entries: RefusalEntries) -> Tally:
    tally = Tally()
    attempt = functools.partial(_try, tally, page=page, entries=entries)
    for r in rows:
        if r.scope == PUBLIC:
            attempt(r, w, w.a, "none", grant=True, self_person=w.a, label="-")
            continue
        # Refusals first: a refused call must change nothing the granted calls rely on.
        for caller in CALLERS:
            if caller not in r.anywhere:
                attempt(r, w, w.b, caller, grant=False, self_person=w.a, label="B (unrelated)")
            if caller not in r.granted:
                attempt(r, w, w.a, caller, grant=False, self_person=w.a, label="A (related)")
        for caller in CALLERS:
            if caller not in r.granted:
                continue
            if caller in r.anywhere:
                attempt(r, w, w.b, caller, grant=True, self_person=w.a, label="B (every subject)")
            subject = r.fresh(w, w.a) if r.fresh is not None else w.a
            label = "A (related)" if r.fresh is None else "a fresh related subject"
            attempt(r, w, subject, caller, grant=True, self_person=subject, label=label)
    return tally


def _report(name: str, tally: Tally, w: World, entries: RefusalEntries) -> None:
    backend = w.system.engine.dialect.name
    print(
        f"\naccess matrix ({name}, {backend}): {tally.tried} requests tried, "
        f"{tally.granted} granted, {tally.refused} refused, {tally.server_errors} 5xx; "
        f"{tally.audited} refusals audited ({tally.entries} entries; "
        f"{len(entries.seen)} with the samples' own), "
        f"{tally.unaudited} of no one or declared unaudited"
    )
    assert not tally.wrong, f"{len(tally.wrong)} of {tally.tried} off the table:\n" + "\n".join(
        tally.wrong
    )
    assert tally.server_errors == 0
    # The entries seen written are in the log (a write that did not last, or one made some
    # other way, shows), the samples' own refused requests' included.
    logged = in_log(w) - entries.in_log_before
    assert logged == len(entries.seen), (
        f"{len(entries.seen)} refusal entries written, {logged} more in the log"
    )


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_every_route_declares_who_may_call_it(system: System) -> None:
    served = served_routes(create_app(system))
    declared = {(r.method, r.path) for r in TABLE}
    assert len(declared) == len(TABLE), "a route is declared twice"
    assert not served - declared, f"routes that declare no callers: {sorted(served - declared)}"
    assert not declared - served, (
        f"rows for routes the app no longer serves: {sorted(declared - served)}"
    )
    for r in TABLE:
        assert r.granted <= set(CALLERS), f"{r.path}: unknown callers {r.granted - set(CALLERS)}"
        assert r.scope != PUBLIC or not r.granted


class _EveryRoute:
    def test_every_api_route_grants_exactly_what_the_table_says(
        self, world: World, refusal_entries: RefusalEntries
    ) -> None:
        _report(
            "API", _run(API, world, page=False, entries=refusal_entries), world, refusal_entries
        )

    def test_every_page_grants_exactly_what_the_table_says(
        self, world: World, refusal_entries: RefusalEntries
    ) -> None:
        _report(
            "pages", _run(PAGES, world, page=True, entries=refusal_entries), world, refusal_entries
        )


# A class a database: ``--dist loadscope`` groups a class's tests (a module's functions go
# together), so the two worlds, ~40 s of CPU each, can go to two xdist workers side by side
# instead of one after the other on one.
@pytest.mark.parametrize("world", ["sqlite"], indirect=True)
class TestOnSQLite(_EveryRoute):
    pass


@pytest.mark.parametrize("world", ["postgresql"], indirect=True)
class TestOnPostgreSQL(_EveryRoute):
    pass


@pytest.mark.sqlite_only
def test_a_new_route_without_a_row_is_caught(system: System) -> None:
    app = create_app(system)
    app.add_api_route("/brand-new", lambda: {}, methods=["GET"])
    declared = {(r.method, r.path) for r in TABLE}
    assert served_routes(app) - declared == {("GET", "/brand-new")}
