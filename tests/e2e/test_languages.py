"""The residents' pages in the browser, in each script: the language menu, the lang
attribute, the dates as each language writes them — and screenshots of the guide in Latin,
Japanese, Chinese, Korean, Devanagari and Burmese script (looked at for missing glyphs)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import choose_language, shoot

pytestmark = pytest.mark.browser

PLAN = (
    "/guide?arrived_on=2026-03-28&municipality=Chiyoda+City&date_of_birth=1995-04-12"
    "&status_of_residence=Engineer%2FSpecialist&period_of_stay_ends=2029-03-01"
)
# (code, the tag the page declares, the registration deadline, Mon 13 Apr 2026, as written)
SCRIPTS = [
    ("vi", "vi", "Thứ 2, 13 thg 4, 2026"),
    ("pt", "pt-BR", "seg., 13 de abr. de 2026"),
    ("ja-easy", "ja", "2026年4月13日（月）"),
    ("zh", "zh-Hans", "2026年4月13日周一"),
    ("ko", "ko", "2026년 4월 13일 (월)"),
    ("ne", "ne", "2026 अप्रिल 13, सोम"),
    ("my", "my", "2026 ဧ 13၊ တနင်္လာ"),
]


@pytest.mark.parametrize(("code", "tag", "deadline"), SCRIPTS)
def test_the_guide_plan_speaks_each_language(page: Any, code: str, tag: str, deadline: str) -> None:
    page.goto(f"{PLAN}&lang={code}")
    page.wait_for_selector("svg.timeline")
    assert page.locator("html").get_attribute("lang") == tag
    assert deadline in page.locator(".panel-next").inner_text()
    assert page.locator("h1").count() == 1
    shoot(page, f"guide-plan-{code}")


def test_the_language_menu_switches_the_page_and_keeps_the_answers(page: Any) -> None:
    page.goto(PLAN)
    page.wait_for_selector("svg.timeline")
    choose_language(page, "Tiếng Việt")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("svg.timeline").count() == 1  # the plan, not the empty form
    choose_language(page, "မြန်မာဘာသာ")
    assert page.locator("html").get_attribute("lang") == "my"
    # The menu is a list of links, each named in its own language and marked as such.
    page.locator("details.lang-menu > summary").click()
    current = page.locator(".lang-list a[aria-current]")
    assert current.inner_text() == "မြန်မာဘာသာ" and current.get_attribute("lang") == "my"
    shoot(page, "language-menu-my")
    # On a phone the open menu stays inside the screen, every language reachable.
    page.set_viewport_size({"width": 375, "height": 812})
    box = page.locator(".lang-list").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    shoot(page, "language-menu-my-375", full_page=False)


def test_the_online_application_form_in_portuguese(page: Any) -> None:
    page.goto("/apply?application_id=12345678901234567890123&lang=pt")
    assert page.get_by_label("Sua foto").count() == 1
    assert "Envie uma foto sua" in page.locator(".lead").inner_text()
    shoot(page, "apply-form-pt")


def test_a_parent_applies_online_for_a_child_in_vietnamese(
    page: Any, server: Any, tmp_path: Any
) -> None:
    """The legal representative's fields on /apply: asked for, in the reader's language, once
    the applicant is found to be under 15; then the parent's application goes through."""
    import datetime as dt

    from mynumber.adapters.photo import sample_photo_jpeg
    from tests.integration.helpers import register

    child = register(
        server.system,
        name_latin="Nguyen Lan",
        date_of_birth=dt.date(2017, 3, 3),
        residence_card_number="VN12345678LN",
    )
    photo = tmp_path / "lan.jpg"
    photo.write_bytes(sample_photo_jpeg())
    page.goto(f"/apply?application_id={child.application_id}&lang=vi")
    assert not page.locator("#representative_name").is_visible()  # folded until needed
    page.locator("#photo").set_input_files(str(photo))
    for box in page.locator("input[name=photo_declaration]").all():
        box.check()
    page.locator("button[type=submit]").click()
    error = page.locator("#representative_name-error")
    assert "người đại diện theo pháp luật" in error.inner_text()
    assert page.locator("#representative_name").is_visible()  # opened, now required
    shoot(page, "apply-representative-required-vi")
    page.locator("#photo").set_input_files(str(photo))
    page.locator("#representative_name").fill("Nguyen Mai")
    page.locator("#representative_date_of_birth").fill("1988-02-29")
    page.locator("#representative_relation").select_option("parent")
    page.locator("input[name=representative_id_documents][value=residence_card]").check()
    page.locator("button[type=submit]").click()
    assert page.locator("#representative_name-error").count() == 0
    assert page.locator("h1").inner_text() == "Đã nhận đơn"  # "Application received"
    shoot(page, "apply-representative-done-vi")
