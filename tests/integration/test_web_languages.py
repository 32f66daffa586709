"""The pages' language: chosen by the menu (``?lang=``, remembered in a cookie), else the
browser's ``Accept-Language``; residents' pages in every language, staff pages in English
and Japanese. No database part: SQLite only."""

from __future__ import annotations

import re

import pytest

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.i18n import ALL
from tests.client import TestClient

pytestmark = pytest.mark.sqlite_only


def _client(system: System) -> TestClient:
    return TestClient(create_app(system))


def _menu(html: str) -> list[str]:
    menu = re.search(r'<ul class="lang-list">(.*?)</ul>', html, re.S)
    return re.findall(r'hreflang="([^"]+)"', menu.group(1)) if menu else []


def test_the_browsers_language_chooses_the_residents_page(system: System) -> None:
    page = _client(system).get("/guide", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"})
    assert '<html lang="vi">' in page.text


def test_a_staff_page_narrows_the_choice_to_english_or_japanese(system: System) -> None:
    client = _client(system)
    assert '<html lang="en">' in client.get("/login", headers={"Accept-Language": "vi"}).text
    client.get("/guide?lang=ja-easy")
    assert '<html lang="ja">' in client.get("/login").text  # easy Japanese reads Japanese
    assert len(_menu(client.get("/login").text)) == 2


def test_the_menu_offers_every_language_and_the_choice_is_remembered(system: System) -> None:
    client = _client(system)
    page = client.get("/guide?lang=zh")
    assert '<html lang="zh-Hans">' in page.text
    assert len(_menu(page.text)) == len(ALL) == 11
    assert 'aria-current="true">简体中文</a>' in page.text
    assert client.cookies.get("mynumber_lang") == "zh"
    # The cookie outranks the browser's wish; ?lang= outranks the cookie.
    assert '<html lang="zh-Hans">' in client.get("/", headers={"Accept-Language": "ko"}).text
    assert '<html lang="my">' in client.get("/?lang=my").text


def test_easy_japanese_is_marked_as_japanese_with_a_note(system: System) -> None:
    page = _client(system).get("/guide?lang=ja-easy")
    assert '<html lang="ja">' in page.text and "やさしい日本語" in page.text


def test_an_unknown_language_is_ignored(system: System) -> None:
    client = _client(system)
    page = client.get("/guide?lang=xx", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in page.text
    assert client.cookies.get("mynumber_lang") is None


def test_the_menu_on_a_posted_form_keeps_the_application_id(system: System) -> None:
    page = _client(system).get("/apply?application_id=12345678901234567890123")
    assert "/apply?application_id=12345678901234567890123&amp;lang=pt" in page.text
