"""Staff are people, not offices (both databases): clerks log in with their own password, the
session lives on the server behind a random id, it lapses and ends, the audit log names the
clerk; machines' API tokens expire, rotate and are revoked; the admin and tokens commands."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from mynumber.adapters.db.models import ApiToken, AuditEntry
from mynumber.adapters.db.models_staff import BrowserSession, Clerk
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.cli import admin as cli_admin
from mynumber.cli import tokens as cli_tokens
from mynumber.cli.main import app as cli
from mynumber.domain.access import Role
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.errors import Conflict, InvalidInput
from mynumber.services.core import audit_chain, staff, tokens
from mynumber.web import session as sessions
from tests.client import TestClient
from tests.integration.test_web_ward_office import FORM
from tests.staff_login import PASSWORD, clerk_for

WARD = "/staff/ward-office"
COOKIE_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


def _ward_token(system: System, name: str = "Chiyoda") -> str:
    with system.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            system.services,
            organisation=name,
            role=Role.WARD_OFFICE,
            municipality_code="131016",
        )
        uow.commit()
    return token


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field"
    return found.group(1)


class Browser:
    """A TestClient that keeps every Set-Cookie it was sent."""

    def __init__(self, system: System, base_url: str = "http://testserver") -> None:
        self.client = TestClient(create_app(system), base_url=base_url)
        self.set_cookies: list[str] = []

    def get(self, path: str) -> Any:
        answer = self.client.get(path, follow_redirects=False)
        self.set_cookies += answer.headers.get_list("set-cookie")
        return answer

    def post(self, path: str, data: dict[str, Any], page: str) -> Any:
        form = {**data, "csrf": _csrf(self.get(page).text)}
        answer = self.client.post(path, data=form, follow_redirects=False)
        self.set_cookies += answer.headers.get_list("set-cookie")
        return answer

    def log_in(self, form: dict[str, str]) -> Any:
        return self.post("/login", {**form, "next": ""}, page="/login")

    @property
    def session_id(self) -> str | None:
        return self.client.cookies.get(sessions.COOKIE)


def _entries(system: System, action: str) -> list[AuditEntry]:
    with system.reading() as uow:
        return list(
            uow.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


# --- Logging in -----------------------------------------------------------------------------


def test_a_clerk_logs_in_with_their_password_and_the_audit_names_them(system: System) -> None:
    clerk = clerk_for(system, _ward_token(system))
    browser = Browser(system)
    assert browser.log_in(clerk).headers["location"] == WARD
    home = browser.get(WARD)
    assert home.status_code == 200 and clerk["login"] in home.text
    done = browser.post(f"{WARD}/moving-in", FORM, page=WARD)
    assert done.status_code == 303, done.text
    with system.reading() as uow:
        registered = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.person_id.is_not(None))
        ).all()
        assert registered and {e.clerk for e in registered} == {clerk["login"]}
        assert {e.actor for e in registered} == {"Chiyoda"}
        assert audit_chain.verify_chain(uow.session).ok  # the clerk is in the hash
    assert [e.clerk for e in _entries(system, "staff_login")] == [clerk["login"]]


def test_a_wrong_password_is_refused_and_audited_under_the_clerk(system: System) -> None:
    clerk = clerk_for(system, _ward_token(system))
    browser = Browser(system)
    page = browser.log_in({**clerk, "password": "wrong-password-99"})
    assert page.status_code == 401 and "login or the password is wrong" in page.text
    assert browser.get(WARD).status_code == 303
    refused = _entries(system, "staff_login_refused")
    assert [(e.clerk, e.actor, e.detail) for e in refused] == [
        (clerk["login"], "Chiyoda", "wrong password")
    ]
    assert "wrong-password-99" not in str([(e.detail, e.actor) for e in refused])


def test_an_unknown_login_gets_the_same_answer(system: System) -> None:
    known = Browser(system).log_in(
        {**clerk_for(system, _ward_token(system)), "password": "wrong-password-99"}
    )
    unknown = Browser(system).log_in({"login": "nobody-here", "password": "wrong-password-99"})
    assert unknown.status_code == known.status_code == 401
    assert "login or the password is wrong" in unknown.text


def test_a_deactivated_clerk_is_logged_out_and_cannot_log_in(system: System) -> None:
    clerk = clerk_for(system, _ward_token(system))
    browser = Browser(system)
    browser.log_in(clerk)
    with system.uow() as uow:
        staff.deactivate_clerk(uow.session, system.services, login=clerk["login"])
        uow.commit()
    assert browser.get(WARD).status_code == 303
    assert Browser(system).log_in(clerk).status_code == 401


# --- The session ----------------------------------------------------------------------------


def test_the_session_id_changes_at_login(system: System) -> None:
    browser = Browser(system)
    browser.get("/login")
    before = browser.session_id
    assert before is not None
    browser.log_in(clerk_for(system, _ward_token(system)))
    first = browser.session_id
    assert first is not None and first != before
    browser.log_in(clerk_for(system, _ward_token(system, "Chiyoda 2")))
    second = browser.session_id
    assert second is not None and second != first
    stale = TestClient(create_app(system))
    stale.cookies.set(sessions.COOKIE, first)
    assert stale.get(WARD, follow_redirects=False).status_code == 303  # the old id is dead


def test_after_logout_the_old_cookie_is_refused(system: System) -> None:
    browser = Browser(system)
    browser.log_in(clerk_for(system, _ward_token(system)))
    old = browser.session_id
    assert old is not None
    assert browser.post("/logout", {}, page=WARD).status_code == 303
    assert "You have logged out" in browser.get("/").text
    replay = TestClient(create_app(system))
    replay.cookies.set(sessions.COOKIE, old)
    assert replay.get(WARD, follow_redirects=False).status_code == 303
    with system.reading() as uow:
        assert uow.session.get(BrowserSession, staff.session_key(old)) is None


def test_no_cookie_ever_holds_a_token_or_a_secret(system: System) -> None:
    token = _ward_token(system)
    clerk = clerk_for(system, token)
    browser = Browser(system)
    browser.log_in(clerk)
    browser.post(f"{WARD}/moving-in", FORM, page=WARD)
    browser.post("/logout", {}, page=WARD)
    session_cookies = [c for c in browser.set_cookies if c.startswith(sessions.COOKIE + "=")]
    assert len(session_cookies) >= 3  # first visit, login, logout
    for header in browser.set_cookies:
        assert token not in header and "mnt_" not in header
        assert clerk["password"] not in header and clerk["login"] not in header
    for header in session_cookies:
        value = header.split(";", 1)[0].split("=", 1)[1]
        assert COOKIE_ID.match(value), header
        attributes = header.lower()
        assert "httponly" in attributes and "samesite=strict" in attributes
        assert "secure" not in attributes  # plain http in this test
    with system.reading() as uow:  # the database keeps only the id's hash
        ids = set(uow.session.scalars(select(BrowserSession.id)))
    assert browser.session_id not in ids


@pytest.mark.sqlite_only  # a cookie's attributes
def test_over_https_the_cookie_is_secure(system: System) -> None:
    browser = Browser(system, base_url="https://testserver")
    browser.log_in(clerk_for(system, _ward_token(system)))
    assert browser.set_cookies and all(
        "secure" in c.lower() for c in browser.set_cookies if c.startswith(sessions.COOKIE)
    )


def test_a_session_lapses_after_30_idle_minutes(system: System, clock: SimulatedClock) -> None:
    browser = Browser(system)
    browser.log_in(clerk_for(system, _ward_token(system)))
    clock.advance(minutes=29)
    assert browser.get(WARD).status_code == 200
    clock.advance(minutes=29)  # 58 minutes since login, 29 since the last page
    assert browser.get(WARD).status_code == 200
    clock.advance(minutes=31)
    assert browser.get(WARD).status_code == 303


def test_a_session_lapses_after_8_hours_however_busy(system: System, clock: SimulatedClock) -> None:
    browser = Browser(system)
    browser.log_in(clerk_for(system, _ward_token(system)))
    for _ in range(16):  # 16 × 29 min = 7 h 44 min
        clock.advance(minutes=29)
        assert browser.get(WARD).status_code == 200
    clock.advance(minutes=17)  # 8 h 01 min
    assert browser.get(WARD).status_code == 303


def test_a_visitor_gets_no_row_until_a_message_waits(system: System) -> None:
    browser = Browser(system)
    browser.get("/")
    browser.get("/login")
    with system.reading() as uow:
        assert uow.session.scalar(select(func.count()).select_from(BrowserSession)) == 0


# --- Clerks and organisations ---------------------------------------------------------------


def test_clerk_rules(system: System) -> None:
    with system.uow() as uow:
        s, svc = uow.session, system.services
        org = staff.add_organisation(
            s, svc, name="Shinjuku ward office", role=Role.WARD_OFFICE, municipality_code="131041"
        )
        with pytest.raises(Conflict):
            staff.add_organisation(
                s,
                svc,
                name="Shinjuku ward office",
                role=Role.WARD_OFFICE,
                municipality_code="131041",
            )
        with pytest.raises(InvalidInput):
            staff.add_organisation(s, svc, name="No code", role=Role.WARD_OFFICE)
        for login, password in (
            ("ab", PASSWORD),
            ("Has Space", PASSWORD),
            ("ok-login", "short1"),
            ("ok-login", "onlylettersherexx"),
        ):
            with pytest.raises(InvalidInput):
                staff.add_clerk(s, svc, organisation=org, login=login, name="A", password=password)
        clerk = staff.add_clerk(
            s, svc, organisation=org, login="Tanaka.K", name="Tanaka", password=PASSWORD
        )
        assert clerk.login == "tanaka.k" and clerk.password_hash.startswith("$argon2id$")
        assert PASSWORD not in clerk.password_hash
        with pytest.raises(Conflict):
            staff.add_clerk(
                s, svc, organisation=org, login="tanaka.k", name="Other", password=PASSWORD
            )
        employer = staff.add_organisation(s, svc, name="Some K.K.", role=Role.EMPLOYER)
        with pytest.raises(InvalidInput):  # an employer's clerk needs their staff account
            staff.add_clerk(
                s, svc, organisation=employer, login="payroll-1", name="P", password=PASSWORD
            )


# --- API tokens -----------------------------------------------------------------------------


def _status(system: System, token: str) -> int:
    """A fresh app (an empty token cache) asked with ``token``: 401 or what the route says."""
    answer = TestClient(create_app(system)).post(  # an empty body: 422 once authenticated
        "/ward-office/residents", json={}, headers={"Authorization": f"Bearer {token}"}
    )
    if answer.status_code == 401:
        assert answer.headers["content-type"].startswith("application/problem+json")
        body = answer.json()
        assert body["detail"] and body["detail_ja"]
    return answer.status_code


def _org(system: System) -> Any:
    with system.uow() as uow:
        org = staff.add_organisation(
            uow.session,
            system.services,
            name="Chiyoda batch",
            role=Role.WARD_OFFICE,
            municipality_code="131016",
        )
        uow.commit()
        return org


def test_an_expired_token_is_refused(system: System, clock: SimulatedClock) -> None:
    org = _org(system)
    with system.uow() as uow:
        issued = tokens.issue_for(
            uow.session, system.services, organisation=org, lifetime=dt.timedelta(days=90)
        )
        uow.commit()
    assert _status(system, issued.token) != 401
    clock.advance(days=90)
    assert _status(system, issued.token) == 401


def test_a_revoked_token_is_refused(system: System) -> None:
    org = _org(system)
    with system.uow() as uow:
        issued = tokens.issue_for(uow.session, system.services, organisation=org)
        uow.commit()
    assert _status(system, issued.token) != 401
    with system.uow() as uow:
        tokens.revoke_token(uow.session, system.services, token_id=issued.id)
        uow.commit()
    assert _status(system, issued.token) == 401
    with system.uow() as uow, pytest.raises(Conflict):
        tokens.revoke_token(uow.session, system.services, token_id=issued.id)


def test_a_rotated_token_is_refused_and_its_successor_works(
    system: System, clock: SimulatedClock
) -> None:
    org = _org(system)
    with system.uow() as uow:
        old = tokens.issue_for(
            uow.session, system.services, organisation=org, lifetime=dt.timedelta(days=30)
        )
        uow.commit()
    clock.advance(days=10)
    with system.uow() as uow:
        new = tokens.rotate_token(uow.session, system.services, token_id=old.id)
        uow.commit()
    assert _status(system, old.token) == 401
    assert _status(system, new.token) != 401
    assert new.expires_at == clock.now() + dt.timedelta(days=30)  # the same lifetime


@pytest.mark.sqlite_only  # rules, refused before anything is written
def test_lifetimes_are_bounded(system: System) -> None:
    assert tokens.parse_lifetime("90d") == dt.timedelta(days=90)
    assert tokens.parse_lifetime("12h") == dt.timedelta(hours=12)
    for bad in ("90", "forever", "-1d", "1y"):
        with pytest.raises(InvalidInput):
            tokens.parse_lifetime(bad)
    org = _org(system)
    with system.uow() as uow, pytest.raises(InvalidInput):
        tokens.issue_for(
            uow.session, system.services, organisation=org, lifetime=dt.timedelta(days=4 * 366)
        )


@pytest.mark.sqlite_only  # an access rule
def test_an_api_token_does_not_open_the_staff_pages(system: System) -> None:
    token = _ward_token(system)
    browser = Browser(system)
    page = browser.log_in({"login": "chiyoda", "password": token})
    assert page.status_code == 401
    answer = TestClient(create_app(system)).get(
        WARD, headers={"Authorization": f"Bearer {token}"}, follow_redirects=False
    )
    assert answer.status_code == 303  # the pages know no bearer tokens


# --- The commands ---------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def commands(system: System, monkeypatch: pytest.MonkeyPatch) -> System:
    monkeypatch.setattr(cli_admin, "_system", lambda: system)
    monkeypatch.setattr(cli_tokens, "_system", lambda: system)
    return system


def _ok(*args: str, stdin: str | None = None) -> str:
    result = runner.invoke(cli, list(args), input=stdin)
    assert result.exit_code == 0, result.output
    return result.output


def _refused(*args: str, stdin: str | None = None) -> str:
    result = runner.invoke(cli, list(args), input=stdin)
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines()[-1].startswith("error: "), result.output
    return result.output


def test_an_admin_sets_up_an_office_and_a_clerk_who_can_log_in(commands: System) -> None:
    out = _ok(
        "admin",
        "add-organisation",
        "--name",
        "Shibuya ward office",
        "--role",
        "ward_office",
        "--municipality",
        "131130",
    )
    assert "organisation" in out and "Shibuya ward office" in out
    out = _ok(
        "admin",
        "add-clerk",
        "--org",
        "Shibuya ward office",
        "--login",
        "sato",
        "--name",
        "Sato",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert "clerk" in out and PASSWORD not in out.split("\n", 2)[-1]
    browser = Browser(commands)
    assert browser.log_in({"login": "sato", "password": PASSWORD}).headers["location"] == WARD
    _refused(
        "admin",
        "add-clerk",
        "--org",
        "Shibuya ward office",
        "--login",
        "sato2",
        stdin="short\nshort\n",
    )
    _refused(
        "admin",
        "add-clerk",
        "--org",
        "Nowhere",
        "--login",
        "sato3",
        stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )
    _refused("admin", "add-organisation", "--name", "X", "--role", "wizard")
    assert (
        runner.invoke(
            cli,
            [
                "admin",
                "add-clerk",
                "--org",
                "Shibuya ward office",
                "--login",
                "sato4",
                "--password",
                PASSWORD,
            ],
        ).exit_code
        == 2
    )
    _ok("admin", "deactivate-clerk", "--login", "sato")
    assert Browser(commands).log_in({"login": "sato", "password": PASSWORD}).status_code == 401
    with commands.reading() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Clerk)) == 1


def test_an_admin_sets_up_an_immigration_bureau_and_its_office(commands: System) -> None:
    out = _ok("admin", "add-immigration-bureau", "--name", "Tokyo bureau", "--prefectures", "14,13")
    found = re.search(r"immigration bureau (\d+): Tokyo bureau \(13,14\)", out)
    assert found, out
    _ok(
        "admin",
        "add-organisation",
        "--name",
        "Tokyo bureau",
        "--role",
        "immigration",
        "--scope-id",
        found.group(1),
    )
    _refused("admin", "add-immigration-bureau", "--name", "Nowhere", "--prefectures", "48")
    _refused("admin", "add-immigration-bureau", "--name", "Tokyo bureau", "--prefectures", "13")


def test_tokens_issue_list_rotate_revoke(commands: System, clock: SimulatedClock) -> None:
    _ok("admin", "add-organisation", "--name", "Kanda Clinic", "--role", "clinic")
    out = _ok("tokens", "issue", "--org", "Kanda Clinic", "--expires-in", "30d")
    token = out.strip().splitlines()[-1]
    assert token.startswith("mnt_") and _status(commands, token) != 401
    token_id = re.search(r"token (\d+)", out)
    assert token_id
    listing = _ok("tokens", "list")
    assert "active" in listing and "Kanda Clinic" in listing and token not in listing
    rotated = _ok("tokens", "rotate", token_id.group(1))
    successor = rotated.strip().splitlines()[-1]
    assert successor.startswith("mnt_") and successor != token
    assert _status(commands, token) == 401 and _status(commands, successor) != 401
    assert "revoked" in _ok("tokens", "list")
    successor_id = re.findall(r"token (\d+)", rotated)[-1]
    _ok("tokens", "revoke", successor_id)
    assert _status(commands, successor) == 401
    _refused("tokens", "revoke", successor_id)
    _refused("tokens", "rotate", "99999")
    _refused("tokens", "issue", "--org", "Kanda Clinic", "--expires-in", "forever")
    with commands.reading() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ApiToken)) == 2
    _ok("tokens", "issue", "--org", "Kanda Clinic", "--expires-in", "1d")
    clock.advance(days=2)
    assert "expired" in _ok("tokens", "list")
