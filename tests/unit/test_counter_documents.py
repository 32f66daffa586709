"""The counter's papers read back as a person would (pdftotext, pdftoppm): the fee receipt
(領収書)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mynumber.adapters.documents import FeeReceipt, render_fee_receipt
from mynumber.domain.cards import ApplicationKind
from mynumber.domain.errors import InvalidInput
from mynumber.domain.fees import card_fee
from tests.unit.test_documents import APPLICATION_ID, LONG_NAME, page_info, pdf_text, word_boxes

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdftoppm)"
)
A5_POINTS = (419.53, 595.28)


def make_receipt(express: bool = False, **changes: Any) -> FeeReceipt:
    fee = card_fee(ApplicationKind.REISSUE, express=express)
    values: dict[str, Any] = {
        "municipality": "東京都千代田区",
        "municipality_en": "Chiyoda City, Tokyo",
        "paid_on": date(2026, 5, 8),
        "name": "SMITH JOHN",
        "application_id": APPLICATION_ID,
        "lines": tuple((line.ja, line.en, line.yen) for line in fee.lines),
        "purpose": "マイナンバーカード再交付手数料",
        "purpose_en": "the My Number Card reissue fee",
    }
    return FeeReceipt(**(values | changes))


@pytest.mark.parametrize(("express", "total"), [(False, "¥1,000"), (True, "¥2,000")])
def test_receipt_prints_the_total_its_lines_and_the_application(
    express: bool, total: str, tmp_path: Path
) -> None:
    pdf = render_fee_receipt(make_receipt(express))
    pages, size = page_info(pdf, tmp_path)
    assert pages == 1 and size == pytest.approx(A5_POINTS, abs=1)
    text = pdf_text(pdf, tmp_path)
    assert "領収書" in text and "Receipt" in text and total in text
    assert ("¥1,800" if express else "¥800") in text and "¥200" in text
    assert "9876 5432 1098 7654 3210 987" in text
    assert "SMITH JOHN" in text and "2026年5月8日" in text


def test_receipt_words_stay_on_the_page_with_a_long_name(tmp_path: Path) -> None:
    (width, height), words = word_boxes(render_fee_receipt(make_receipt(name=LONG_NAME)), tmp_path)
    assert all(x0 >= 0 and x1 <= width and y0 >= 0 and y1 <= height for x0, y0, x1, y1, _ in words)


@pytest.mark.parametrize("lines", [(), (("カード", "Card", 0),)])
def test_a_receipt_for_nothing_is_refused(lines: tuple[Any, ...]) -> None:
    with pytest.raises(InvalidInput):
        make_receipt(lines=lines)


def test_a_renewal_notice_refuses_a_url_that_does_not_carry_its_application_id() -> None:
    from tests.unit.test_documents import make_renewal

    with pytest.raises(InvalidInput) as refused:
        make_renewal(
            card_expires_on=date(2031, 7, 3),
            application_id=APPLICATION_ID,
            application_url="https://example.org/apply",
        )
    assert refused.value.details["field"] == "application_url"


def test_a_renewal_notice_for_the_certificates_alone_has_no_application(tmp_path: Path) -> None:
    from mynumber.adapters.documents import render_renewal_notice
    from tests.unit.test_documents import make_renewal

    text = pdf_text(render_renewal_notice(make_renewal(card_expires_on=None)), tmp_path)
    assert "申請書ID" not in text and "Apply online" not in text
