"""No enumerable ids (issue 15.2): every record addressed in a URL or named in the API's JSON
is an opaque reference (services.core.refs), never 1, 2, 3 …

The rules are checked over ``app.routes`` itself, so a route added later with an ``int`` id in
its path fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.demo.data import seed_demo_tokens
from mynumber.domain.access import Role
from mynumber.domain.employment_rules import StaffRole
from mynumber.services.core.refs import Kind
from tests.client import TestClient
from tests.conftest import ref, unref
from tests.integration.employer_support import make_company
from tests.staff_login import StaffClient, clerk_for

# Path parameters that are neither records nor enumerable: a year, a PIN's kind, a page's
# action, the card serial (16 random hex digits) and the application ID (23 random digits).
NOT_RECORDS = {"year", "pin_kind", "action", "serial", "application_id", "client_id"}
# client_id: an OpenID Connect client's identifier, random (rp_ + 32 characters) and public by
# design (it is in every authorization request), like a card serial.
MOVING_IN = {
    "municipality_code": "131016",
    "name_latin": "SMITH JOHN",
    "date_of_birth": "1995-04-12",
    "sex": "M",
    "nationality": "US",
    "address": "1-1 Chiyoda, Chiyoda-ku, Tokyo",
    "started_living_on": "2026-03-30",
    "id_documents": ["residence_card", "passport"],
    "residence_card_number": "AB12345678CD",
    "status_of_residence": "Engineer/Specialist",
    "period_of_stay_ends": "2029-03-31",
}


def _routes(app: FastAPI) -> Iterator[Any]:
    """Every API route and page as mounted (full path, its dependencies)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context


def _path_parameters(dependant: Dependant) -> Iterator[tuple[str, Any, Dependant]]:
    for param in dependant.path_params:
        yield param.name, param.field_info.annotation, dependant
    for sub in dependant.dependencies:
        yield from _path_parameters(sub)


def _record_parameters(app: FastAPI) -> list[tuple[Any, str, Kind]]:
    """(route, path parameter, kind) for every record addressed in a path."""
    found = []
    for route in _routes(app):
        for name, _, dependant in _path_parameters(route.dependant):
            kind = getattr(dependant.call, "reference_kind", None)
            if kind is not None:
                found.append((route, name, kind))
    return found


@pytest.fixture
def app(system: System) -> FastAPI:
    return create_app(system)


def _all_routes_with_paths(app: FastAPI) -> list[Any]:
    routes = [r for r in _routes(app) if "{" in r.path]
    assert len(routes) > 40, "the walk over app.routes found too few routes"
    return routes


@pytest.mark.sqlite_only
def test_every_record_in_a_path_is_an_opaque_reference(app: FastAPI) -> None:
    offenders = []
    for route in _all_routes_with_paths(app):
        for name, annotation, dependant in _path_parameters(route.dependant):
            if name in NOT_RECORDS:
                continue
            # a record: taken as text and turned into the id by a reference dependency
            if getattr(dependant.call, "reference_kind", None) is None or annotation is not str:
                offenders.append(f"{sorted(route.methods)} {route.path}: {name}")
    assert offenders == []
    kinds = {kind for _, _, kind in _record_parameters(app)}
    assert kinds == {Kind.PERSON, Kind.VISIT, Kind.EMPLOYEE, Kind.ENROLMENT, Kind.LETTER, Kind.MAIL}
    pages = {
        route.path for route, _, _ in _record_parameters(app) if route.path.startswith("/staff/")
    }
    assert any("/residents/" in p for p in pages) and any("/visits/" in p for p in pages)


@pytest.mark.sqlite_only
def test_no_path_takes_an_integer_but_a_year(app: FastAPI) -> None:
    integers = {
        (route.path, name)
        for route in _all_routes_with_paths(app)
        for name, annotation, _ in _path_parameters(route.dependant)
        if annotation is int
    }
    assert {name for _, name in integers} <= {"year"}, integers


def _filled(route: Any, name: str, value: str) -> str:
    others = {
        "year": "2026",
        "pin_kind": "signature",
        "action": "reset-pin",
        "serial": "0123456789ABCDEF",
        "application_id": "1" * 23,
    }
    path = route.path.replace("{" + name + "}", value)
    return re.sub(r"\{(\w+)\}", lambda m: others.get(m.group(1), "1"), path)


def _bad_values(kind: Kind) -> list[str]:
    good = ref(kind.value, 1)
    other = next(k for k in Kind if k is not kind)
    body = good.split("_", 1)[1]
    tampered = good[:-1] + ("a" if good[-1] != "a" else "b")
    return [
        "1",
        "2",
        "0",
        "-1",
        str(10**30),  # ids, sequential or not
        ref(other.value, 1),  # another kind's reference
        f"{kind.value}_{ref(other.value, 1).split('_', 1)[1]}",  # … with the prefix changed
        tampered,
        good[:-2],
        good + "a",
        body,
    ]  # [7] is the tampered one


@pytest.mark.sqlite_only
def test_the_api_refuses_ids_other_kinds_and_tampered_references_as_not_found(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    checked = 0
    for route, name, kind in _record_parameters(app):
        if route.path.startswith("/staff/"):
            continue
        method = sorted(route.methods)[0]
        for value in _bad_values(kind):
            answer = client.request(method, _filled(route, name, value), json={})
            assert answer.status_code == 404, (method, route.path, value, answer.text)
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert answer.json()["code"] == "not-found"
            assert len(value) < 5 or value not in answer.text  # never echoed
            checked += 1
    assert checked >= 20 * len(_bad_values(Kind.PERSON))


@pytest.mark.sqlite_only
def test_the_pages_refuse_ids_and_other_kinds_as_not_found(app: FastAPI, system: System) -> None:
    with system.uow() as uow:
        demo = {t.role: t.token for t in seed_demo_tokens(uow.session, system.services)}
        uow.commit()
    company = make_company(system)
    browsers = {
        "/staff/ward-office/": clerk_for(system, demo[Role.WARD_OFFICE]),
        "/staff/clinic/": clerk_for(system, demo[Role.CLINIC]),
        "/staff/employer/": clerk_for(system, company.tokens[StaffRole.MANAGER]),
    }
    checked = 0
    for prefix, form in browsers.items():
        browser = StaffClient(system, form)
        browser.log_in()
        for route, name, kind in _record_parameters(app):
            if not route.path.startswith(prefix):
                continue
            method = sorted(route.methods)[0]
            for value in ("1", "2", ref(Kind.RECORD.value, 1), _bad_values(kind)[7]):
                page = browser.request(
                    method, _filled(route, name, value), data={}, follow_redirects=False
                )
                assert page.status_code == 404, (method, route.path, value)
                assert page.headers["content-type"].startswith("text/html")
                checked += 1
    assert checked >= 15 * 4


def test_references_are_stable_and_answers_carry_no_id_in_clear(
    app: FastAPI, system: System
) -> None:
    client = TestClient(app, raise_server_exceptions=False)
    with system.uow() as uow:
        demo = {t.role: t.token for t in seed_demo_tokens(uow.session, system.services)}
        uow.commit()
    ward = {"Authorization": f"Bearer {demo[Role.WARD_OFFICE]}"}
    municipality = system.caller_of(demo[Role.WARD_OFFICE]).municipality_code
    moved_in = client.post(
        "/ward-office/residents",
        headers=ward,
        json={**MOVING_IN, "municipality_code": municipality},
    )
    assert moved_in.status_code == 201, moved_in.text
    body = moved_in.json()
    person = body["person_id"]
    for name, kind in (("person_id", "per"), ("registration_id", "reg"), ("letter_id", "ntf")):
        assert re.fullmatch(rf"{kind}_[a-z2-7]{{39}}", body[name]), (name, body[name])
    assert person == ref("per", unref("per", person))
    # a bookmark keeps working: the same record, the same reference, on every answer
    first = client.get(f"/ward-office/residents/{person}", headers=ward).json()
    again = client.get(f"/ward-office/residents/{person}", headers=ward).json()
    assert first["person_id"] == again["person_id"] == person
    # the resident's own id in clear is refused where its reference works
    in_clear = client.get(f"/ward-office/residents/{unref('per', person)}", headers=ward)
    assert in_clear.status_code == 404


def test_a_body_names_a_person_by_reference_only(app: FastAPI, system: System) -> None:
    from tests.integration.clinic_support import setup_world, token_for
    from tests.integration.helpers import register

    world = setup_world(system)
    client = TestClient(app, raise_server_exceptions=False)
    nhi = token_for(system, world.nhi)
    person = register(system).person_id
    enrolment = {"symbol": "12", "number": "1001", "branch": "01", "valid_from": "2026-04-01"}
    for bad in (person, str(person), ref("vis", person)):
        refused = client.post(
            "/insurer/enrolments", headers=nhi, json={**enrolment, "person_id": bad}
        )
        assert refused.status_code == 404, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
    enrolled = client.post(
        "/insurer/enrolments", headers=nhi, json={**enrolment, "person_id": ref("per", person)}
    )
    assert enrolled.status_code == 201, enrolled.text
    assert enrolled.json()["person_id"] == ref("per", person)
    assert enrolled.json()["enrolment_id"].startswith("enr_")
