"""The online card application (/apply, the letter's QR code) over HTTP, both databases: no
login, the application ID names the letter, the photo is checked and each problem is shown
beside the photo field in English and Japanese, and nothing is recorded on a refusal."""

from __future__ import annotations

import re
from typing import Any

import cv2
import numpy as np
import pytest
from sqlalchemy import func, select

from mynumber.adapters.db.models_card import CardApplication
from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.api.app import create_app
from mynumber.bootstrap import System
from mynumber.services.registry.letters import application_url
from tests.client import TestClient
from tests.integration.helpers import register

DECLARED = ["taken_within_six_months", "no_headwear", "plain_background"]
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)


class Applicant:
    """A browser that followed the letter's QR code."""

    def __init__(self, system: System, application_id: str, lang: str = "en") -> None:
        self.client = TestClient(create_app(system))
        self.client.cookies.set("mynumber_lang", lang)
        self.application_id = application_id

    def form(self) -> Any:
        return self.client.get(f"/apply?application_id={self.application_id}")

    def send(
        self,
        photo: bytes | None,
        *,
        declared: list[str] = DECLARED,
        application_id: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        found = re.search(r'name="csrf" value="([^"]+)"', self.form().text)
        assert found
        files = {"photo": ("me.jpg", photo, "image/jpeg")} if photo is not None else None
        data = {
            "csrf": found.group(1),
            "photo_declaration": declared,
            "application_id": application_id or self.application_id,
        }
        return self.client.post("/apply", data=data, files=files, headers=headers or {})


@pytest.fixture
def applicant(system: System) -> Applicant:
    return Applicant(system, register(system).application_id or "")


def _applications(system: System) -> list[CardApplication]:
    with system.uow() as uow:
        return list(uow.session.scalars(select(CardApplication)))


def _smaller(width: int) -> bytes:
    image = cv2.imdecode(np.frombuffer(sample_photo_jpeg(), np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    scale = width / image.shape[1]
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return bytes(cv2.imencode(".jpg", small)[1].tobytes())


def _photo_error(page: str) -> str:
    found = re.search(r'id="photo-error">(.*?)</p>', page, re.S)
    assert found, "no error beside the photo"
    return found.group(1)


@pytest.mark.sqlite_only  # a page's text
def test_the_letters_qr_code_url_opens_the_form_with_the_id_filled_in(
    system: System,
    applicant: Applicant,
) -> None:
    url = application_url(system.services, applicant.application_id)
    page = applicant.client.get(url.split("8000", 1)[1])
    assert page.status_code == 200
    assert f'value="{applicant.application_id}"' in page.text
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text


def test_a_good_photo_and_the_declaration_make_an_application_from_a_pc(
    system: System,
    applicant: Applicant,
) -> None:
    answer = applicant.send(sample_photo_jpeg())
    assert answer.status_code == 200, answer.text
    assert "Application received" in answer.text and "Computer" in answer.text
    [row] = _applications(system)
    assert row.channel == "pc" and row.application_form_id == applicant.application_id
    assert row.status == "received" and row.photo  # the chip's face, cut from the upload


def test_a_phone_following_the_qr_code_applies_by_smartphone(
    system: System,
    applicant: Applicant,
) -> None:
    answer = applicant.send(sample_photo_jpeg(), headers={"user-agent": IPHONE})
    assert "Smartphone" in answer.text
    assert _applications(system)[0].channel == "smartphone"


@pytest.mark.sqlite_only  # refused before anything is written
@pytest.mark.parametrize(
    ("photo", "reason", "english", "japanese"),
    [
        (
            lambda: _smaller(320),
            "too-small",
            "each side must be at least 480 pixels",
            "480ピクセル以上",
        ),
        (
            lambda: b"this is not a picture at all",
            "not-an-image",
            "could not be read as a photo",
            "写真として読み込めませんでした",
        ),
    ],
)
def test_a_bad_photo_is_refused_beside_the_photo_field_with_its_reason(
    system: System,
    photo: Any,
    reason: str,
    english: str,
    japanese: str,
) -> None:
    application_id = register(system).application_id or ""
    answer = Applicant(system, application_id).send(photo())
    assert answer.status_code == 422
    beside = _photo_error(answer.text)
    assert english in beside and reason in beside
    assert 'aria-invalid="true"' in answer.text
    ja = Applicant(system, application_id, lang="ja").send(photo())
    assert japanese in _photo_error(ja.text)
    assert _applications(system) == []


@pytest.mark.sqlite_only  # refused as the form is read
def test_a_photo_must_be_chosen(system: System, applicant: Applicant) -> None:
    answer = applicant.send(None)
    assert "Choose your photo" in _photo_error(answer.text)
    assert _applications(system) == []


@pytest.mark.sqlite_only  # refused before anything is written
def test_the_declaration_must_be_complete(system: System, applicant: Applicant) -> None:
    answer = applicant.send(sample_photo_jpeg(), declared=DECLARED[:2])
    assert answer.status_code == 422
    assert 'id="photo_declaration-error"' in answer.text and "6 months" in answer.text
    assert re.search(r'value="no_headwear"\s+checked', answer.text)  # the ticks are kept
    assert _applications(system) == []


@pytest.mark.parametrize(
    ("application_id", "status", "words"),
    [
        ("12345", 422, "23-digit application ID"),
        ("1" * 23, 404, "No notification letter has this application ID"),
    ],
)
def test_a_wrong_application_id_is_refused_beside_its_field(
    system: System,
    application_id: str,
    status: int,
    words: str,
) -> None:
    answer = Applicant(system, application_id).send(sample_photo_jpeg())
    assert answer.status_code == status
    found = re.search(r'id="application_id-error">(.*?)</p>', answer.text, re.S)
    assert found and words in found.group(1)
    assert _applications(system) == []


def test_a_second_application_with_the_same_letter_is_refused(
    system: System,
    applicant: Applicant,
) -> None:
    applicant.send(sample_photo_jpeg())
    again = applicant.send(sample_photo_jpeg())
    assert again.status_code == 409
    assert "already an open card application" in again.text
    with system.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(CardApplication)) == 1
