"""The pages in a real browser: the resident's guide, the staff login, the ward office
counter — and the journey from logging in to downloading a newcomer's letter."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Server, choose_language, log_in, logged_in, shoot

pytestmark = pytest.mark.browser

MOVING_IN = "/staff/ward-office/moving-in"
NEWCOMER = {
    "name_latin": "Okafor Chidi",
    "date_of_birth": "1996-08-21",
    "nationality": "NG",
    "address": "2-1-1 Kanda-Jimbocho, Chiyoda-ku, Tokyo",
    "started_living_on": "2026-03-27",
    "residence_card_number": "NG12345678AB",
    "status_of_residence": "Engineer/Specialist",
    "period_of_stay_ends": "2029-03-31",
}


def _log_in(page: Any, server: Server, landing: str = "/staff/ward-office") -> None:
    """The ward office's login in the browser (the journey's test drives the login form)."""
    log_in(page, server.system, server.ward_token, landing)


def _logged_in(page: Any, server: Server, landing: str, then: str | None = None) -> Any:
    """On ``landing`` (or ``then``, after it) as a new ward office clerk, the login sent by
    HTTP (``logged_in``)."""
    return logged_in(page, server.system, server.ward_token, landing, then)


def _register(
    page: Any, person: dict[str, str], sex: str = "Male", button: str = "Register"
) -> None:
    if urlsplit(page.url).path != MOVING_IN:  # not where the login has just landed
        page.goto(MOVING_IN)
    for name, value in person.items():
        page.locator(f"#{name}").fill(value)
    page.get_by_label(sex, exact=True).check()
    page.get_by_role("button", name=button, exact=True).click()


def _accessible_basics(page: Any) -> None:
    """Every page: a language, one h1, and a label for every visible input."""
    assert page.locator("html").get_attribute("lang") in ("en", "ja")
    assert page.locator("h1").count() == 1
    unlabelled = page.evaluate("""() => [...document.querySelectorAll(
        'input:not([type=hidden]), select')].filter(e => !e.labels || !e.labels.length)
        .map(e => e.name)""")
    assert unlabelled == []


def test_home_links_to_the_guide_and_the_staff_login(page: Any) -> None:
    page.goto("/")
    _accessible_basics(page)
    assert page.get_by_role("link", name="Start the newcomer's guide").is_visible()
    shoot(page, "home-en")
    choose_language(page, "日本語")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("link", name="転入者向けガイドを始める").is_visible()
    shoot(page, "home-ja")


def test_the_guide_draws_a_plan_with_the_registration_deadline(page: Any) -> None:
    page.goto("/guide")
    _accessible_basics(page)
    shoot(page, "guide-form")
    page.locator("#arrived_on").fill("2026-03-28")
    page.locator("#municipality").fill("Chiyoda City")
    page.locator("#date_of_birth").fill("1995-04-12")
    page.locator("#status_of_residence").fill("Engineer/Specialist")
    page.locator("#period_of_stay_ends").fill("2029-03-01")
    page.get_by_role("button", name="Show my plan").click()
    page.wait_for_selector("svg.timeline")
    _accessible_basics(page)
    # 28 March + 14 days = 11 April, a Saturday: the deadline moves to Monday 13 April.
    assert "Mon 13 Apr 2026" in page.locator(".panel-next").inner_text()
    assert page.locator("svg.timeline .tl-row").count() >= 8
    shoot(page, "guide-plan-en")
    choose_language(page, "日本語")
    assert "2026年4月13日（月）" in page.locator(".panel-next").inner_text()
    shoot(page, "guide-plan-ja")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "guide-plan-ja-phone")


def test_keyboard_focus_is_visible(page: Any) -> None:
    page.goto("/guide")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    shoot(page, "focus-ring")


def test_the_guide_shows_a_bad_answer_beside_its_field(page: Any) -> None:
    page.goto(
        "/guide?arrived_on=2026-03-28&municipality=Chiyoda&date_of_birth=1995-04-12"
        "&status_of_residence=Student"
    )
    error = page.locator("#period_of_stay_ends-error")
    assert "end of your period of stay" in error.inner_text()
    assert page.locator("#period_of_stay_ends").get_attribute("aria-invalid") == "true"
    shoot(page, "guide-error")


def test_a_wrong_password_is_refused_beside_the_field(page: Any) -> None:
    page.goto("/staff/ward-office")
    page.wait_for_url("**/login?next=/staff/ward-office")
    page.get_by_label("Login", exact=True).fill("chiyoda-city-ward-office")
    page.get_by_label("Password", exact=True).fill("not-the-password-1")
    page.get_by_role("button", name="Log in").click()
    assert "login or the password is wrong" in page.locator("#password-error").inner_text()
    _accessible_basics(page)
    shoot(page, "login-error")


def test_journey_log_in_register_see_the_letter_in_the_post_download_it(
    page: Any,
    server: Server,
) -> None:
    _log_in(page, server)
    _accessible_basics(page)
    shoot(page, "ward-home")
    page.goto("/staff/ward-office/moving-in")
    _accessible_basics(page)
    shoot(page, "ward-moving-in")
    _register(page, NEWCOMER)
    page.wait_for_url("**/staff/ward-office/residents/*")
    _accessible_basics(page)
    assert "the notification letter is in the post" in page.locator(".flash").inner_text()
    letter = page.locator("#letter")
    assert "In the post" in letter.inner_text()
    assert "**** **** " in page.locator(".dl").first.inner_text()
    shoot(page, "ward-resident")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the letter (PDF)").click()
    path = info.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    choose_language(page, "日本語")
    assert "郵送中" in page.locator("#letter").inner_text()
    shoot(page, "ward-resident-ja")


def test_a_refused_moving_in_keeps_the_answers_and_names_the_field(
    page: Any,
    server: Server,
) -> None:
    _logged_in(page, server, MOVING_IN)
    _register(
        page, {**NEWCOMER, "name_latin": "Silva Ana", "residence_card_number": "12AB"}, sex="Female"
    )
    assert page.locator("#residence_card_number-error").is_visible()
    assert page.locator("#name_latin").input_value() == "Silva Ana"
    assert page.locator(".error-summary").is_visible()
    shoot(page, "ward-moving-in-error")


def test_moving_within_from_the_resident_page(page: Any, server: Server) -> None:
    _logged_in(page, server, MOVING_IN)
    _register(
        page,
        {
            **NEWCOMER,
            "name_latin": "Tanaka Lin",
            "date_of_birth": "1999-01-05",
            "residence_card_number": "TL12345678AB",
        },
    )
    page.wait_for_url("**/staff/ward-office/residents/*")
    page.locator("#new_address").fill("3-3 Kudan-kita, Chiyoda-ku, Tokyo")
    page.locator("#moved_on").fill("2026-04-02")
    page.get_by_role("button", name="Register the new address").click()
    assert "future" in page.locator("#moved_on-error").inner_text()
    page.locator("#moved_on").fill("2026-03-31")
    page.get_by_role("button", name="Register the new address").click()
    assert "new address is registered" in page.locator(".flash").inner_text()
    assert "3-3 Kudan-kita" in page.locator(".dl").first.inner_text()


def test_an_unknown_resident_gets_a_plain_error_page(page: Any, server: Server) -> None:
    response = _logged_in(page, server, "/staff/ward-office", "/staff/ward-office/residents/99999")
    assert response.status == 404
    assert "No such person." in page.locator("main").inner_text()  # an id is no address
    _accessible_basics(page)
    shoot(page, "error-page")


def test_a_returned_letter_is_held_and_handed_over_against_photo_id(
    page: Any,
    server: Server,
) -> None:
    _logged_in(page, server, MOVING_IN)
    _register(
        page,
        {
            **NEWCOMER,
            "name_latin": "Nguyen Mai",
            "date_of_birth": "2001-02-14",
            "residence_card_number": "VN87654321CD",
        },
        sex="Female",
    )
    page.wait_for_url("**/staff/ward-office/residents/*")
    page.get_by_label("Reason").select_option("not_home")
    page.get_by_role("button", name="Record as returned").click()
    assert "Returned — held at this counter" in page.locator("#letter").inner_text()
    page.get_by_role("button", name="Hand over", exact=True).click()
    assert page.locator("#id_documents-error").is_visible()
    _accessible_basics(page)
    shoot(page, "ward-letter-held-error")
    page.locator("#letter").get_by_label("Residence card", exact=True).check()
    page.get_by_role("button", name="Hand over", exact=True).click()
    assert "handed over" in page.locator(".flash").inner_text()
    assert "Handed over at the counter" in page.locator("#letter").inner_text()
    shoot(page, "ward-letter-handed-over")


def test_moving_out_abroad_from_the_resident_page_in_japanese(
    page: Any,
    server: Server,
) -> None:
    _logged_in(page, server, "/staff/ward-office", "/staff/ward-office/moving-in?lang=ja")
    _accessible_basics(page)
    shoot(page, "ward-moving-in-ja")
    _register(
        page,
        {
            **NEWCOMER,
            "name_latin": "Smith Jo",
            "date_of_birth": "1988-11-30",
            "residence_card_number": "GB11223344EF",
        },
        sex="女",
        button="登録する",
    )
    page.wait_for_url("**/staff/ward-office/residents/*")
    page.get_by_label("転出先").select_option("abroad")
    page.get_by_label("転出予定日").fill("2026-04-20")
    page.get_by_role("button", name="転出を登録").click()
    assert "転出を登録しました" in page.locator(".flash").inner_text()
    assert "住民登録なし" in page.locator("main").inner_text()
    _accessible_basics(page)
    shoot(page, "ward-moved-out-ja")
