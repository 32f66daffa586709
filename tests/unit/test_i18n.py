"""Languages: choosing one, saying a message in it, and extracting the messages."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from mynumber import i18n
from mynumber.domain.errors import invalid
from mynumber.i18n.extract import jinja_pairs, python_pairs

ABSENT = "A message no catalogue has, for the fallback test."


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("pt-BR,pt;q=0.9,en;q=0.8", "pt"),
        ("fil-PH", "tl"),  # Filipino is the standard name of Tagalog
        ("zh-CN,zh;q=0.9", "zh"),
        ("zh-TW", "zh"),
        ("ko-KR;q=0.2, vi;q=0.5", "vi"),  # the higher q wins, not the first
        ("fr-FR, ne;q=0.3", "ne"),  # an unspoken language is passed over
        ("my-MM", "my"),
        ("ja-JP", "ja"),
        ("fr-FR", None),
        ("", None),
        ("vi;q=0, en;q=0.1", "en"),  # q=0: "not this one"
        ("en;q=banana, id", "id"),  # a broken weight drops its tag, not the header
    ],
)
def test_accept_language_is_negotiated_by_quality(header: str, chosen: str | None) -> None:
    assert i18n.negotiate(header) == chosen


def test_nobody_is_sent_easy_japanese_by_the_browser_and_staff_pages_narrow() -> None:
    assert i18n.negotiate("ja-easy, ja;q=0.5") == "ja"
    assert i18n.narrow("ja-easy", i18n.STAFF) == "ja"
    assert i18n.narrow("vi", i18n.STAFF) == "en"
    assert i18n.narrow("vi", i18n.ALL) == "vi"


def test_the_lang_attribute_names_the_script_where_it_matters() -> None:
    assert i18n.language("zh").tag == "zh-Hans"
    assert i18n.language("ja-easy").tag == "ja" and i18n.language("ja-easy").note
    assert i18n.language("pt").tag == "pt-BR"
    assert len(i18n.ALL) == 11


def test_english_is_as_written_and_japanese_comes_from_the_pair() -> None:
    assert i18n.translate("en", "Apply", "申請する") == "Apply"
    assert i18n.translate("ja", "Apply", "申請する") == "申請する"


def test_a_missing_translation_falls_back_on_the_nearest_language() -> None:
    assert i18n.translate("vi", ABSENT, "日本語") == ABSENT
    assert i18n.translate("ja-easy", ABSENT, "日本語") == "日本語"


def test_values_fill_placeholders_and_dates_are_written_as_the_language_does() -> None:
    due = dt.date(2026, 4, 13)
    assert i18n.translate("en", "By {due}.", "{due}まで。", due=due) == "By 13 Apr 2026."
    assert i18n.translate("ja", "By {due}.", "{due}まで。", due=due) == "2026年4月13日まで。"
    assert i18n.day_with_weekday(due, "ko") == "2026년 4월 13일 (월)"
    assert "2026" in i18n.day_in_text(due, "my")


def test_an_error_filled_with_values_is_said_again_in_the_readers_language() -> None:
    error = invalid("arrived_on", "Register by {due}.", "{due}までに届け出てください。")
    error.with_values(due=dt.date(2026, 4, 13))
    assert error.message_en == "Register by 2026-04-13."  # the API's text stays plain
    assert i18n.translate("ja", error.message_en, error.message_ja) == (
        "2026年4月13日までに届け出てください。"
    )
    assert i18n.translate("en", error.message_en, error.message_ja) == "Register by 13 Apr 2026."


def test_a_translation_with_a_wrong_placeholder_falls_back_on_the_english() -> None:
    assert i18n.translate("ja", "{n} days", "{m}日", n=3) == "3 days"


PYTHON = b"""
from x import t, invalid, NavItem
t("Apply", "\xe7\x94\xb3\xe8\xab\x8b\xe3\x81\x99\xe3\x82\x8b")
invalid("photo", "Choose a photo.", "\xe5\x86\x99\xe7\x9c\x9f\xe3\x82\x92\xe9\x81\xb8\xe3\x81\xb6")
STATES = {"done": ("done", "\xe6\xb8\x88\xe3\x81\xbf")}
step("key", kind, "Title", "\xe9\xa1\x8c", "Text {n}", "\xe6\x96\x87{n}")
f"not {extracted}", "\xe6\x97\xa5"
t("Only English")
"""


def test_the_python_extractor_finds_english_japanese_pairs_and_nothing_else() -> None:
    found = [(m, c) for _, _, m, c in python_pairs(io.BytesIO(PYTHON), (), (), {})]
    assert sorted(m for m, _ in found) == sorted(
        ["Apply", "Choose a photo.", "done", "Title", "Text {n}"]
    )
    assert ("Apply", ["ja: 申請する"]) in found


def test_the_template_extractor_finds_literal_t_calls() -> None:
    source = (
        '{{ t("Show my plan", "計画を表示") }} {{ t(step.title_en, step.title_ja) }}'
        ' {{ t("By {due}", "{due}まで", due=day) }}'
    ).encode()
    found = [m for _, _, m, _ in jinja_pairs(io.BytesIO(source), (), (), {})]
    assert found == ["Show my plan", "By {due}"]


def test_the_japanese_survives_babels_comment_wrapping() -> None:
    from babel.messages.catalog import Message

    from mynumber.i18n.messages import japanese_of

    wrapped = Message("x", auto_comments=["ja:", "選んだ言語を覚えるクッキーを1つ使います。"])
    assert japanese_of(wrapped) == "選んだ言語を覚えるクッキーを1つ使います。"
    at_a_space = Message("y", auto_comments=["ja: PC/SC を使うには", "pyscard が必要です。"])
    assert japanese_of(at_a_space) == "PC/SC を使うには pyscard が必要です。"


def _guide_cli(*args: str) -> tuple[int, str, str]:
    from typer.testing import CliRunner

    from mynumber.cli.main import app
    from mynumber.cli.support import console

    width, console.width = console.width, 160
    try:
        result = CliRunner().invoke(app, ["guide", *args], env={"COLUMNS": "160"})
    finally:
        console.width = width
    return result.exit_code, result.stdout, result.stderr


PERSON = ("--arrived", "2026-03-28", "--municipality", "Chiyoda", "--born", "1995-04-12")


def test_the_cli_guide_speaks_the_language_asked_for() -> None:
    code, out, _ = _guide_cli(*PERSON, "--today", "2026-04-01", "--lang", "vi")
    assert code == 0
    assert "Nếu có trục trặc" in out  # "If something goes wrong"
    assert "13 tháng 4, 2026" in out  # the deadline, as Vietnamese writes a date


def test_the_cli_guide_refuses_an_unknown_language_in_one_line() -> None:
    code, _, err = _guide_cli(*PERSON, "--lang", "fr")
    assert code == 1
    assert err.strip().count("\n") == 0 and "ja-easy" in err


def test_the_cli_guide_says_a_refusal_in_the_readers_language_beside_the_japanese() -> None:
    code, _, err = _guide_cli(*PERSON[:4], "--born", "2999-01-01", "--lang", "vi")
    assert code == 1
    assert "Ngày sinh là một ngày trong tương lai." in err and "生年月日" in err


def test_the_timeline_makes_room_for_a_long_translated_label() -> None:
    from mynumber.domain.guide import GuideAnswers, make_plan
    from mynumber.web.timeline import LABEL_W, label_width, layout

    plan = make_plan(
        GuideAnswers(
            arrived_on=dt.date(2026, 3, 28),
            municipality="Chiyoda City",
            date_of_birth=dt.date(1995, 4, 12),
            status_of_residence="Engineer/Specialist",
            period_of_stay_ends=dt.date(2029, 3, 1),
        ),
        today=dt.date(2026, 4, 1),
    )
    for code in ("en", "pt", "my", "ne", "zh"):
        timeline = layout(plan, code)
        first_dot = min(r.x for r in timeline.rows)
        widest = max(label_width(r.label) for r in timeline.rows)
        assert 12 + widest < first_dot, code  # labels start at x=12
    assert layout(plan, "pt").width > layout(plan, "en").width >= LABEL_W
