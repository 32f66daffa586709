"""The paper documents, read back the way a person or a scanner would: text via pdftotext,
the page as an image via pdftoppm, the QR code via OpenCV."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from mynumber.adapters.documents import (
    EligibilityLetter,
    NotificationLetter,
    PickupNotice,
    RenewalNotice,
    WithholdingSlip,
    render_eligibility_letter,
    render_notification_letter,
    render_pickup_notice,
    render_renewal_notice,
    render_withholding_slip,
)
from mynumber.domain.errors import InvalidInput

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdftoppm)"
)

MY_NUMBER = "621498320257"
APPLICATION_ID = "98765432109876543210987"
APPLICATION_URL = f"https://www.kojinbango-card.go.jp/apply/?id={APPLICATION_ID}"
CORPORATE_NUMBER = "7000012050002"
ADDRESS = "東京都新宿区西新宿二丁目8番1号 新宿グリーンハイツ301号室"
LONG_ADDRESS = (
    "北海道札幌市中央区北一条西二丁目1番地 札幌市役所前グランドレジデンス・"
    "ウエストタワー2301号室（〇〇様方）"
)
LONG_NAME = "NGUYEN THI THANH HUONG MARIA-ANTONIETTA DE LOS SANTOS"
LONG_COUNTER = "札幌市中央区役所 2階 戸籍住民課 マイナンバーカード交付コーナー（3番窓口）"
LONG_COUNTER_EN = (
    "Chuo Ward Office, 2F, Family Register and Residents Section, My Number Card corner (counter 3)"
)
A4_POINTS = (595.28, 841.89)
POSTCARD_POINTS = (419.53, 283.46)


def make_letter(**changes: Any) -> NotificationLetter:
    letter = NotificationLetter(
        municipality="東京都新宿区",
        municipality_en="Shinjuku City, Tokyo",
        issue_date=date(2026, 4, 16),
        name="SMITH JOHN ALEXANDER",
        name_kana="スミス ジョン アレクサンダー",
        date_of_birth=date(1995, 7, 3),
        sex="male",
        address=ADDRESS,
        my_number=MY_NUMBER,
        application_id=APPLICATION_ID,
        application_url=APPLICATION_URL,
    )
    return dataclasses.replace(letter, **changes)


def make_pickup(**changes: Any) -> PickupNotice:
    notice = PickupNotice(
        municipality="東京都新宿区",
        municipality_en="Shinjuku City, Tokyo",
        issue_date=date(2026, 6, 1),
        name="SMITH JOHN ALEXANDER",
        address=ADDRESS,
        counter="新宿区役所本庁舎1階 マイナンバーカード交付窓口",
        counter_en="Shinjuku City Office, 1F",
        collect_from=date(2026, 6, 8),
        collect_by=date(2026, 8, 31),
        application_id=APPLICATION_ID,
    )
    return dataclasses.replace(notice, **changes)


def make_eligibility(**changes: Any) -> EligibilityLetter:
    letter = EligibilityLetter(
        insurer_name="新宿区国民健康保険",
        insurer_name_en="Shinjuku City National Health Insurance",
        insurer_number="131045",
        symbol="新宿あ",
        number="4455667",
        branch="01",
        name="SMITH JOHN ALEXANDER",
        date_of_birth=date(1995, 7, 3),
        sex="male",
        address=ADDRESS,
        copay_percent=30,
        valid_from=date(2026, 4, 1),
        valid_until=date(2027, 7, 31),
        issue_date=date(2026, 3, 20),
    )
    return dataclasses.replace(letter, **changes)


def make_slip(**changes: Any) -> WithholdingSlip:
    slip = WithholdingSlip(
        year=2025,
        employer_name="株式会社さくらテクノロジー",
        employer_address="東京都千代田区丸の内一丁目1番1号",
        corporate_number=CORPORATE_NUMBER,
        employee_name="SMITH JOHN ALEXANDER",
        employee_address=ADDRESS,
        employee_my_number=MY_NUMBER,
        payment_amount=5_400_000,
        withholding_tax=143_700,
        issue_date=date(2026, 1, 20),
    )
    return dataclasses.replace(slip, **changes)


def make_renewal(**changes: Any) -> RenewalNotice:
    notice = RenewalNotice(
        municipality="東京都新宿区",
        municipality_en="Shinjuku City, Tokyo",
        issue_date=date(2031, 5, 1),
        name="SMITH JOHN ALEXANDER",
        address=ADDRESS,
        card_expires_on=None,
        certificates_expire_on=date(2031, 7, 3),
        renew_from=date(2031, 4, 3),
        counter="新宿区役所本庁舎1階 マイナンバーカード窓口",
    )
    return dataclasses.replace(notice, **changes)


def pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool = True) -> str:
    """The page's text: laid out as printed, or (layout=False) in reading order per block."""
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    mode = ["-layout"] if layout else []
    return subprocess.run(
        ["pdftotext", *mode, str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def squash(text: str) -> str:
    """The text without any whitespace, so wrapped lines and digit boxes read as one string."""
    return re.sub(r"\s+", "", text)


def page_info(pdf: bytes, tmp_path: Path) -> tuple[int, tuple[float, float]]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", out)
    assert size is not None
    return pages, (float(size.group(1)), float(size.group(2)))


def page_image(pdf: bytes, tmp_path: Path) -> np.ndarray:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    image = cv2.imread(str(tmp_path / "page.png"))
    assert image is not None
    return image


def word_boxes(pdf: bytes, tmp_path: Path) -> tuple[tuple[float, float], list[tuple]]:
    path = tmp_path / "boxes.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    assert page is not None
    words = [
        (float(a), float(b), float(c), float(d), w)
        for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            html,
        )
    ]
    return (float(page.group(1)), float(page.group(2))), words


# --- every document: one tidy page -------------------------------------------------------

ALL_DOCUMENTS = {
    "notification_letter": lambda: render_notification_letter(make_letter()),
    "pickup_notice": lambda: render_pickup_notice(make_pickup()),
    "eligibility_letter": lambda: render_eligibility_letter(make_eligibility()),
    "withholding_tax_office": lambda: render_withholding_slip(make_slip(), copy="tax_office"),
    "withholding_employee": lambda: render_withholding_slip(make_slip(), copy="employee"),
    "renewal_notice": lambda: render_renewal_notice(make_renewal(card_expires_on=date(2031, 7, 3))),
    "notification_letter_long": lambda: render_notification_letter(
        make_letter(name=LONG_NAME, address=LONG_ADDRESS, name_kanji="阮氏清香")
    ),
    "pickup_notice_long": lambda: render_pickup_notice(
        make_pickup(
            name=LONG_NAME, address=LONG_ADDRESS, counter=LONG_COUNTER, counter_en=LONG_COUNTER_EN
        )
    ),
}


@pytest.mark.parametrize("name", ALL_DOCUMENTS)
def test_every_document_is_one_page_whose_words_stay_on_it_and_never_overlap(
    name: str, tmp_path: Path
) -> None:
    (width, height), words = word_boxes(ALL_DOCUMENTS[name](), tmp_path)
    assert len(words) > 20
    for x0, y0, x1, y1, word in words:
        assert x0 >= 0 and y0 >= 0 and x1 <= width and y1 <= height, f"{word} is off the page"
    shrink = 0.8  # font boxes include some leading; only real collisions count
    for i, (ax0, ay0, ax1, ay1, a) in enumerate(words):
        for bx0, by0, bx1, by1, b in words[i + 1 :]:
            overlap = (
                min(ax1, bx1) - max(ax0, bx0) > shrink and min(ay1, by1) - max(ay0, by0) > shrink
            )
            assert not overlap, f"{a!r} overlaps {b!r}"


def test_the_same_input_renders_the_same_bytes() -> None:
    assert render_pickup_notice(make_pickup()) == render_pickup_notice(make_pickup())


def test_content_that_cannot_fit_on_the_page_is_refused() -> None:
    with pytest.raises(InvalidInput, match="does not fit"):
        render_pickup_notice(make_pickup(address="東京都新宿区西新宿" * 60))
    with pytest.raises(InvalidInput, match="does not fit"):
        render_notification_letter(make_letter(address="東京都新宿区西新宿" * 80))


def test_notification_letter_fits_a_long_name_alias_and_address(tmp_path: Path) -> None:
    pdf = render_notification_letter(
        make_letter(name=LONG_NAME, address=LONG_ADDRESS, name_kanji="阮氏清香")
    )
    assert page_info(pdf, tmp_path)[0] == 1
    assert squash(LONG_ADDRESS) in squash(pdf_text(pdf, tmp_path, layout=False))


def test_pickup_postcard_sets_long_details_smaller_rather_than_cutting_them(tmp_path: Path) -> None:
    notice = make_pickup(
        name=LONG_NAME, address=LONG_ADDRESS, counter=LONG_COUNTER, counter_en=LONG_COUNTER_EN
    )
    pdf = render_pickup_notice(notice)
    reading = squash(pdf_text(pdf, tmp_path, layout=False))
    assert squash(LONG_COUNTER) in reading and squash(LONG_ADDRESS) in reading
    (_, height), words = word_boxes(pdf, tmp_path)
    assert all(y1 <= height for *_, y1, _ in words)


# --- 個人番号通知書 -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def letter_pdf() -> bytes:
    return render_notification_letter(make_letter())


def test_notification_letter_is_one_a4_page(letter_pdf: bytes, tmp_path: Path) -> None:
    pages, size = page_info(letter_pdf, tmp_path)
    assert pages == 1
    assert size == pytest.approx(A4_POINTS, abs=0.5)


def test_notification_letter_prints_titles_and_the_person(
    letter_pdf: bytes, tmp_path: Path
) -> None:
    text = pdf_text(letter_pdf, tmp_path)
    for expected in (
        "個人番号通知書",
        "My Number Notification Letter",
        "個人番号カード交付申請書",
        "東京都新宿区",
        "Shinjuku City, Tokyo",
        "SMITH JOHN ALEXANDER",
        "スミス ジョン アレクサンダー",
        "1995年7月3日",
        "3 July 1995",
        "男",
        "Male",
        "2026年4月16日",
    ):
        assert expected in text
    assert squash(ADDRESS) in squash(pdf_text(letter_pdf, tmp_path, layout=False))


def test_notification_letter_shows_the_whole_my_number_in_groups_of_four(
    letter_pdf: bytes, tmp_path: Path
) -> None:
    assert "6214 9832 0257" in pdf_text(letter_pdf, tmp_path)


def test_notification_letter_prints_the_23_digit_application_id_in_groups(
    letter_pdf: bytes, tmp_path: Path
) -> None:
    assert "9876 5432 1098 7654 3210 987" in pdf_text(letter_pdf, tmp_path)


def test_notification_letter_explains_the_four_ways_to_apply(
    letter_pdf: bytes, tmp_path: Path
) -> None:
    text = pdf_text(letter_pdf, tmp_path)
    for way in (
        "スマートフォン",
        "パソコン",
        "窓口",
        "証明写真機",
        "Smartphone",
        "Computer",
        "Counter",
        "Photo booth",
        "交付通知書",
    ):
        assert way in text


def test_notification_letter_qr_code_reads_back_as_the_application_url(
    letter_pdf: bytes, tmp_path: Path
) -> None:
    data, _, _ = cv2.QRCodeDetector().detectAndDecode(page_image(letter_pdf, tmp_path))
    assert data == APPLICATION_URL
    assert APPLICATION_ID in data


@pytest.mark.parametrize("application_id", ["00000000000000000000001", "31415926535897932384626"])
def test_notification_letter_qr_code_reads_back_for_other_application_ids(
    application_id: str, tmp_path: Path
) -> None:
    url = f"https://www.kojinbango-card.go.jp/apply/?id={application_id}"
    pdf = render_notification_letter(
        make_letter(application_id=application_id, application_url=url)
    )
    data, _, _ = cv2.QRCodeDetector().detectAndDecode(page_image(pdf, tmp_path))
    assert data == url


def test_notification_letter_accepts_grouped_my_number_and_application_id(tmp_path: Path) -> None:
    letter = make_letter(my_number="6214-9832-0257", application_id="9876 5432 1098 7654 3210 987")
    text = pdf_text(render_notification_letter(letter), tmp_path)
    assert "6214 9832 0257" in text and "9876 5432 1098 7654 3210 987" in text


def test_notification_letter_repr_never_shows_the_my_number() -> None:
    assert MY_NUMBER not in repr(make_letter())


def test_notification_letter_refuses_a_wrong_my_number_without_repeating_it() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_letter(my_number="621498320258")
    assert caught.value.details["field"] == "my_number"
    assert "621498320258" not in str(caught.value) + caught.value.message_ja


@pytest.mark.parametrize(
    "application_id",
    ["9876543210987654321098", "987654321098765432109870", "98765432109876543210ABC"],
)
def test_notification_letter_refuses_an_application_id_that_is_not_23_digits(
    application_id: str,
) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_letter(application_id=application_id, application_url=f"https://x.jp/{application_id}")
    assert caught.value.details["field"] == "application_id"


@pytest.mark.parametrize(
    "url", ["https://www.kojinbango-card.go.jp/apply/", f"ftp://example.jp/{APPLICATION_ID}"]
)
def test_notification_letter_refuses_a_url_that_does_not_lead_to_the_application(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_letter(application_url=url)
    assert caught.value.details["field"] == "application_url"


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"sex": "x"}, "sex"), ({"name": " "}, "name"), ({"address": ""}, "address")],
)
def test_notification_letter_refuses_missing_or_unknown_details(
    changes: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_letter(**changes)
    assert caught.value.details["field"] == field


def test_notification_letter_prints_sex_from_the_register_code_and_a_kanji_alias(
    tmp_path: Path,
) -> None:
    text = pdf_text(
        render_notification_letter(make_letter(sex="2", name_kanji="須美須 花子")), tmp_path
    )
    assert "女" in text and "Female" in text and "須美須 花子" in text


# --- 交付通知書 -----------------------------------------------------------------------------


def test_pickup_notice_is_a_postcard_with_what_to_bring(tmp_path: Path) -> None:
    pdf = render_pickup_notice(make_pickup())
    pages, size = page_info(pdf, tmp_path)
    assert pages == 1
    assert size == pytest.approx(POSTCARD_POINTS, abs=0.5)
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "個人番号カード交付通知書",
        "My Number Card pickup notice",
        "SMITH JOHN ALEXANDER",
        "2026年6月8日",
        "2026年8月31日",
        "31 August 2026",
        "持ち物",
        "What to bring",
        "この通知書",
        "パスポート",
        "個人番号通知書",
        "Residence card or passport",
        "9876 5432 1098 7654 3210 987",
        "Shinjuku City Office, 1F",
    ):
        assert expected in text
    reading = squash(pdf_text(pdf, tmp_path, layout=False))
    assert squash("新宿区役所本庁舎1階 マイナンバーカード交付窓口") in reading


def test_pickup_notice_without_a_start_date_says_collect_by(tmp_path: Path) -> None:
    text = pdf_text(render_pickup_notice(make_pickup(collect_from=None)), tmp_path)
    assert "2026年8月31日まで" in text and "by 31 August 2026" in text


def test_pickup_notice_refuses_a_deadline_before_it_is_issued() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_pickup(collect_by=date(2026, 5, 31), collect_from=None)
    assert caught.value.details["field"] == "collect_by"


def test_pickup_notice_refuses_a_period_that_ends_before_it_starts() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_pickup(collect_from=date(2026, 9, 1))
    assert caught.value.details["field"] == "collect_from"


# --- 資格確認書 -----------------------------------------------------------------------------


def test_eligibility_letter_prints_what_the_clinic_needs(tmp_path: Path) -> None:
    pdf = render_eligibility_letter(make_eligibility())
    assert page_info(pdf, tmp_path) == (1, pytest.approx(A4_POINTS, abs=0.5))
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "資格確認書",
        "Eligibility Confirmation Letter",
        "保険者番号",
        "131045",
        "新宿区国民健康保険",
        "記号・番号",
        "新宿あ・4455667",
        "枝番",
        "01",
        "一部負担金の割合",
        "3割",
        "30%",
        "2026年4月1日",
        "2027年7月31日",
        "31 July 2027",
        "SMITH JOHN ALEXANDER",
        "1995年7月3日",
    ):
        assert expected in text


@pytest.mark.parametrize(("percent", "label"), [(10, "1割"), (20, "2割")])
def test_eligibility_letter_prints_each_co_pay_ratio(
    percent: int, label: str, tmp_path: Path
) -> None:
    text = pdf_text(render_eligibility_letter(make_eligibility(copay_percent=percent)), tmp_path)
    assert label in text and f"{percent}%" in text


def test_eligibility_letter_accepts_an_8_digit_insurer_number_and_no_address(
    tmp_path: Path,
) -> None:
    letter = make_eligibility(insurer_number="06139920", address="", symbol="")
    text = pdf_text(render_eligibility_letter(letter), tmp_path)
    assert "06139920" in text and "4455667" in text and "様" not in text


def test_eligibility_letter_may_be_valid_for_exactly_five_years() -> None:
    make_eligibility(valid_from=date(2026, 4, 1), valid_until=date(2031, 4, 1))
    make_eligibility(valid_from=date(2028, 2, 29), valid_until=date(2033, 2, 28))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"valid_until": date(2031, 4, 2)}, "valid_until"),
        ({"valid_until": date(2026, 3, 31)}, "valid_until"),
        ({"branch": "1"}, "branch"),
        ({"branch": "001"}, "branch"),
        ({"copay_percent": 25}, "copay_percent"),
        ({"copay_percent": 0}, "copay_percent"),
        ({"insurer_number": "1310456"}, "insurer_number"),
        ({"number": ""}, "number"),
        ({"sex": "unknown"}, "sex"),
    ],
)
def test_eligibility_letter_refuses_details_no_insurer_issues(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_eligibility(**changes)
    assert caught.value.details["field"] == field


# --- 源泉徴収票 -----------------------------------------------------------------------------


def test_withholding_slip_tax_office_copy_carries_the_my_number_and_corporate_number(
    tmp_path: Path,
) -> None:
    text = pdf_text(render_withholding_slip(make_slip(), copy="tax_office"), tmp_path)
    for expected in (
        "令和7年分",
        "給与所得の源泉徴収票",
        "税務署提出用",
        "株式会社さくらテクノロジー",
        "SMITH JOHN ALEXANDER",
        "5,400,000",
        "143,700",
        "2025",
    ):
        assert expected in text
    assert MY_NUMBER in squash(text)
    assert CORPORATE_NUMBER in squash(text)


def test_withholding_slip_employee_copy_has_no_my_number_digits(tmp_path: Path) -> None:
    pdf = render_withholding_slip(make_slip(), copy="employee")
    text = pdf_text(pdf, tmp_path)
    assert "受給者交付用" in text and "給与所得の源泉徴収票" in text
    assert "SMITH JOHN ALEXANDER" in text and "5,400,000" in text and "143,700" in text
    flat = squash(text)
    assert MY_NUMBER not in flat
    for group in ("6214", "9832", "0257"):
        assert group not in flat
    # 国税庁 FAQ Q1-1: the payer's Corporate Number is left off the employee's copy too.
    assert CORPORATE_NUMBER not in flat and "12050002" not in flat


def test_withholding_slip_tax_office_copy_without_a_number_prints_blank_boxes(
    tmp_path: Path,
) -> None:
    text = pdf_text(
        render_withholding_slip(make_slip(employee_my_number=""), copy="tax_office"), tmp_path
    )
    assert "個人番号" in text and "0257" not in squash(text)


def test_withholding_slip_refuses_an_unknown_copy() -> None:
    with pytest.raises(InvalidInput) as caught:
        render_withholding_slip(make_slip(), copy="employer")  # type: ignore[arg-type]
    assert caught.value.details["field"] == "copy"


def test_withholding_slip_repr_never_shows_the_my_number() -> None:
    assert MY_NUMBER not in repr(make_slip())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"employee_my_number": "621498320258"}, "employee_my_number"),
        ({"corporate_number": "7000012050003"}, "corporate_number"),
        ({"withholding_tax": 5_400_001}, "withholding_tax"),
        ({"payment_amount": -1, "withholding_tax": 0}, "payment_amount"),
        ({"employee_name": ""}, "employee_name"),
    ],
)
def test_withholding_slip_refuses_bad_details(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        make_slip(**changes)
    assert caught.value.details["field"] == field
    assert "621498320258" not in str(caught.value)


# --- 有効期限通知書 -------------------------------------------------------------------------


def test_renewal_notice_for_certificates_only(tmp_path: Path) -> None:
    text = pdf_text(render_renewal_notice(make_renewal()), tmp_path)
    for expected in (
        "有効期限通知書",
        "Notice of Expiry",
        "電子証明書の有効期限",
        "2031年7月3日",
        "3 July 2031",
        "2031年4月3日から",
        "from 3 April 2031",
        "SMITH JOHN ALEXANDER",
    ):
        assert expected in text
    assert "カードの有効期限" not in text
    reading = squash(pdf_text(render_renewal_notice(make_renewal()), tmp_path, layout=False))
    assert squash("新宿区役所本庁舎1階 マイナンバーカード窓口") in reading


def test_renewal_notice_for_card_and_certificates(tmp_path: Path) -> None:
    notice = make_renewal(card_expires_on=date(2031, 8, 1))
    text = pdf_text(render_renewal_notice(notice), tmp_path)
    assert "カードの有効期限" in text and "2031年8月1日" in text
    assert "電子証明書の有効期限" in text and "My Number Card and electronic certificates" in text


def test_renewal_notice_refuses_when_nothing_expires() -> None:
    with pytest.raises(InvalidInput):
        make_renewal(certificates_expire_on=None)


def test_renewal_notice_refuses_renewal_opening_after_the_earliest_expiry() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_renewal(card_expires_on=date(2031, 3, 31))
    assert caught.value.details["field"] == "renew_from"
