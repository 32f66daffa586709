"""Public pages over HTTP (both databases, but SQLite only where the database plays no
part): home, the guide, language, login and the session."""

from __future__ import annotations

import re

import pytest

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.domain.access import Role
from mynumber.services.core import tokens
from mynumber.web import session as sessions
from tests.client import TestClient
from tests.staff_login import clerk_for

GUIDE = (
    "/guide?arrived_on=2026-03-28&municipality=Chiyoda&date_of_birth=1995-04-12"
    "&status_of_residence=Student&period_of_stay_ends=2027-09-30"
)


def _client(system: System) -> TestClient:
    return TestClient(create_app(system))


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _token(system: System, role: Role = Role.WARD_OFFICE) -> str:
    with system.uow() as uow:
        token = tokens.issue_token(
            uow.session,
            system.services,
            organisation=f"test {role}",
            role=role,
            municipality_code="131016",
        )
        uow.commit()
    return token


@pytest.mark.sqlite_only  # a static page
def test_home_links_to_the_guide_and_the_login(system: System) -> None:
    page = _client(system).get("/")
    assert page.status_code == 200
    assert 'href="/guide"' in page.text and 'href="/login"' in page.text
    assert '<html lang="en">' in page.text
    assert "/static/site.css" in page.text


@pytest.mark.sqlite_only  # the plan is domain rules
def test_the_guide_is_public_and_draws_the_plan_on_the_systems_clock(system: System) -> None:
    page = _client(system).get(GUIDE)
    assert page.status_code == 200
    assert '<svg class="timeline"' in page.text
    assert "Mon 13 Apr 2026" in page.text  # 14 days from 28 March, past the weekend


@pytest.mark.sqlite_only  # form validation
def test_a_bad_guide_answer_is_shown_beside_its_field_not_as_a_500(system: System) -> None:
    page = _client(system).get(GUIDE.replace("2027-09-30", "30/09/2027"))
    assert page.status_code == 422
    assert 'id="period_of_stay_ends-error"' in page.text
    assert 'aria-invalid="true"' in page.text


@pytest.mark.sqlite_only  # a cookie
def test_lang_ja_switches_the_page_and_is_remembered_in_a_cookie(system: System) -> None:
    client = _client(system)
    page = client.get("/guide?lang=ja")
    assert '<html lang="ja">' in page.text and "転入者向けガイド" in page.text
    assert client.cookies.get("mynumber_lang") == "ja"
    assert '<html lang="ja">' in client.get("/").text
    assert '<html lang="en">' in client.get("/?lang=en").text


@pytest.mark.sqlite_only  # no session cookie: sent away before any query
def test_staff_pages_send_a_visitor_to_the_login(system: System) -> None:
    page = _client(system).get("/staff/ward-office", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/staff/ward-office"


def _clerk(system: System, role: Role = Role.WARD_OFFICE) -> dict[str, str]:
    return clerk_for(system, _token(system, role))


def test_a_wrong_password_is_refused_beside_the_field(system: System) -> None:
    client = _client(system)
    form = {
        "csrf": _csrf(client.get("/login").text),
        **_clerk(system),
        "password": "not-the-password-1",
        "next": "",
    }
    page = client.post("/login", data=form)
    assert page.status_code == 401
    assert 'id="password-error"' in page.text and "login or the password is wrong" in page.text
    assert "not-the-password-1" not in page.text


def test_an_api_token_is_no_password(system: System) -> None:
    client = _client(system)
    clerk = _clerk(system)
    form = {
        "csrf": _csrf(client.get("/login").text),
        "login": clerk["login"],
        "password": _token(system),
        "next": "",
    }
    assert client.post("/login", data=form).status_code == 401


def test_a_clerk_logs_in_and_logout_ends_the_session(system: System) -> None:
    client = _client(system)
    form = {"csrf": _csrf(client.get("/login").text), **_clerk(system), "next": ""}
    page = client.post("/login", data=form, follow_redirects=False)
    assert page.headers["location"] == "/staff/ward-office"
    home = client.get("/staff/ward-office")
    assert home.status_code == 200 and "Logged in as" in home.text
    client.post("/logout", data={"csrf": _csrf(home.text)})
    assert client.get("/staff/ward-office", follow_redirects=False).status_code == 303


@pytest.mark.sqlite_only  # refused before the login is looked up
def test_a_form_without_its_csrf_token_is_refused(system: System) -> None:
    client = _client(system)
    client.get("/login")
    page = client.post("/login", data={"csrf": "forged", **_clerk(system)})
    assert page.status_code == 403
    assert "This form has expired" in page.text


@pytest.mark.sqlite_only  # an access rule
def test_a_staff_member_of_another_role_is_refused_the_counter(system: System) -> None:
    client = _client(system)
    client.post(
        "/login", data={"csrf": _csrf(client.get("/login").text), **_clerk(system, Role.CLINIC)}
    )
    page = client.get("/staff/ward-office")
    assert page.status_code == 403
    assert "This page is for other staff" in page.text


def test_a_made_up_session_id_counts_as_logged_out(system: System) -> None:
    client = _client(system)
    client.cookies.set(sessions.COOKIE, "made-up-session-id")
    assert client.get("/staff/ward-office", follow_redirects=False).status_code == 303


@pytest.mark.sqlite_only  # a redirect rule
def test_login_never_redirects_to_another_site(system: System) -> None:
    client = _client(system)
    clerk = _clerk(system)
    for target in ("//evil.example", "/\\evil.example", "https://evil.example"):
        form = {"csrf": _csrf(client.get("/login").text), **clerk, "next": target}
        page = client.post("/login", data=form, follow_redirects=False)
        assert page.headers["location"] == "/staff/ward-office"


@pytest.mark.sqlite_only  # form validation
def test_the_guide_form_keeps_its_placeholder_as_an_attribute_of_its_own(system: System) -> None:
    page = _client(system).get("/guide")
    assert "requiredplaceholder" not in page.text
    field = re.search(r'<input[^>]*id="municipality"[^>]*>', page.text)
    assert field and ' required placeholder="e.g. Chiyoda City"' in field.group(0)


@pytest.mark.sqlite_only  # form validation
def test_the_guide_submitted_empty_names_each_missing_answer(system: System) -> None:
    page = _client(system).get("/guide?lang=en&arrived_on=&municipality=&date_of_birth=")
    assert page.status_code == 422
    for name in ("arrived_on", "municipality", "date_of_birth"):
        assert f'id="{name}-error"' in page.text
    assert '<svg class="timeline"' not in page.text


@pytest.mark.sqlite_only  # the plan is domain rules
def test_the_guide_offers_its_plan_as_a_calendar_and_a_pdf(system: System) -> None:
    client = _client(system)
    page = client.get(GUIDE + "&child_born_1=2020-05-05")
    link = re.search(r'href="(/guide/plan\.ics\?[^"]+)"', page.text)
    assert link, "no calendar link"
    ics = client.get(link.group(1).replace("&amp;", "&"))
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VALARM" in ics.content and b"20260413" in ics.content  # 13 Apr 2026
    pdf = client.get(link.group(1).replace("&amp;", "&").replace("plan.ics", "plan.pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.sqlite_only  # form validation
def test_a_calendar_without_answers_is_the_form_with_an_error_not_an_empty_file(
    system: System,
) -> None:
    for path in ("/guide/plan.ics", "/guide/plan.pdf?date_of_birth=x"):
        page = _client(system).get(path)
        assert page.status_code == 422
        assert page.headers["content-type"].startswith("text/html")
        assert "field-has-error" in page.text


@pytest.mark.sqlite_only  # static pages
def test_public_pages_give_contact_office_hours_and_the_privacy_notice(system: System) -> None:
    client = _client(system)
    for path in ("/", "/guide", "/privacy"):
        page = client.get(path)
        assert "Contact and office hours" in page.text
        assert "closed on weekends, public holidays and 29 December" in page.text
        assert 'href="/privacy"' in page.text
    assert "not stored" in client.get("/privacy").text


@pytest.mark.sqlite_only  # a page's text
def test_staff_pages_name_the_office_not_resident_services(system: System) -> None:
    client = _client(system)
    form = {"csrf": _csrf(client.get("/login").text), **_clerk(system), "next": ""}
    client.post("/login", data=form)
    page = client.get("/staff/ward-office")
    assert page.status_code == 200
    assert '<span class="brand-sub">test ward_office</span>' in page.text
    assert "Resident services" not in page.text.split("</header>")[0]
