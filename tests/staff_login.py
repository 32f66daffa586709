"""Logging clerks in, for the page tests: one place that turns an organisation's token (as
the tests set organisations up) into a clerk of that organisation with a login and password.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher

from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.domain.errors import Forbidden
from mynumber.services.core import staff, tokens
from mynumber.services.employer import employers
from tests.client import TestClient

PASSWORD = "counter-password-42"


def cheap_hasher() -> PasswordHasher:
    """Argon2id at its cheapest (the default costs ~185 ms a hash): the same rules and hash
    format. The tests' own process and the processes they fork hash with it."""
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True, scope="session")
def cheap_passwords() -> Iterator[None]:
    """``cheap_hasher`` for every clerk's password in tests."""
    kept = staff.HASHER
    staff.HASHER = cheap_hasher()
    yield
    staff.HASHER = kept


def csrf_of(login_page: str) -> str:
    """The login form's CSRF token, as a browser sends it back with the form."""
    found = re.search(r'name="csrf" value="([^"]+)"', login_page)
    assert found, "no CSRF field on the login page"
    return found.group(1)


def clerk_for(
    system: System, token: str, *, login: str | None = None, password: str = PASSWORD
) -> dict[str, str]:
    """A new clerk of the organisation behind ``token`` (for an employer's staff token: tied
    to that staff account); the login form's fields for them."""
    login = login or f"clerk-{uuid.uuid4().hex[:10]}"
    with system.uow() as uow:
        s, svc = uow.session, system.services
        caller = tokens.authenticate(s, svc, token)
        org = tokens.organisation_for(
            s,
            svc,
            name=caller.name,
            role=caller.role,
            municipality_code=caller.municipality_code,
            scope_id=caller.scope_id,
        )
        staff_id = None
        if caller.role is Role.EMPLOYER:
            try:
                staff_id = employers.staff_for(s, svc, caller=caller, token=token).staff_id
            except Forbidden:  # a token that is no staff account: a clerk tied to none
                staff_id = 0
        staff.add_clerk(
            s,
            svc,
            organisation=org,
            login=login,
            name=f"Clerk {login}",
            password=password,
            employer_staff_id=staff_id,
        )
        uow.commit()
    return {"login": login, "password": password}


class StaffClient(TestClient):
    """A clerk's browser (TestClient) that logs in again, as the clerk would, when the
    simulated clock has moved past the session's idle or absolute lifetime (the tests move
    it by days between two pages)."""

    def __init__(self, system: System, form: dict[str, str]) -> None:
        from mynumber.api.app import create_app

        super().__init__(create_app(system))
        self.system, self.form = system, form
        self.logged_in_at: dt.datetime | None = None
        self.last_seen_at: dt.datetime | None = None

    def log_in(self) -> Any:
        """Log in with the clerk's form; the answer (a redirect to the clerk's home)."""
        page = super().request("GET", "/login")
        answer = super().request(
            "POST",
            "/login",
            data={**self.form, "next": "", "csrf": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        self.logged_in_at = self.last_seen_at = self.system.services.clock.now()
        return answer

    def request(self, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        now = self.system.services.clock.now()
        life = staff.LIFETIMES["staff"]
        if (
            self.logged_in_at is not None
            and self.last_seen_at is not None
            and (now - self.last_seen_at >= life.idle or now - self.logged_in_at >= life.absolute)
        ):
            self.log_in()
        self.last_seen_at = now
        return super().request(method, url, *args, **kwargs)
