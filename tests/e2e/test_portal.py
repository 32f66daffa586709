"""The My Number Portal's login and the online application's photo check in a real browser:
labels, one h1, errors beside their fields in English and Japanese."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server, choose_language, shoot
from tests.e2e.test_pages import _accessible_basics

pytestmark = pytest.mark.browser


def test_the_portal_login_asks_for_the_card_and_pin_in_both_languages(page: Any) -> None:
    page.goto("/portal")
    page.wait_for_url("**/portal/login?next=/portal")
    _accessible_basics(page)
    assert page.get_by_label("Card serial number").is_visible()
    choose_language(page, "日本語")
    assert page.get_by_label("カードのシリアル番号").is_visible()
    _accessible_basics(page)
    shoot(page, "portal-login-ja")


def test_an_unknown_card_is_refused_beside_the_serial_field(page: Any) -> None:
    page.goto("/portal/login")
    page.locator("#card_serial").fill("0000 0000 0000 0000")
    page.locator("#user_authentication_pin").fill("1234")
    page.get_by_role("button", name="Log in").click()
    assert "No card has this serial" in page.locator("#card_serial-error").inner_text()
    assert page.locator("#card_serial").get_attribute("aria-invalid") == "true"
    _accessible_basics(page)


def test_a_bad_photo_is_refused_beside_the_photo_field(
    page: Any,
    server: Server,
    tmp_path: Path,
) -> None:
    from tests.integration.helpers import register

    application_id = register(
        server.system, name_latin="Photo Tester", residence_card_number="PT12345678AB"
    ).application_id
    bad = tmp_path / "cat.jpg"
    bad.write_bytes(b"not a photo at all")
    page.goto(f"/apply?application_id={application_id}")
    _accessible_basics(page)
    page.locator("#photo").set_input_files(str(bad))
    for box in page.locator("input[name=photo_declaration]").all():
        box.check()
    page.get_by_role("button", name="Send my application").click()
    assert "could not be read as a photo" in page.locator("#photo-error").inner_text()
    assert "not-an-image" in page.locator("#photo-error").inner_text()
    shoot(page, "apply-photo-error")
