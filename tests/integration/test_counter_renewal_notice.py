"""The renewal notice (有効期限通知書, RULES.md "renewal notice"), both databases: it carries a
**new** application ID and its QR code; the online application it leads to (/apply, as the
letter's QR code) takes a renewal with it; a notice for the certificates alone has none."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from mynumber.adapters.db.models import NotificationLetter
from mynumber.bootstrap import System
from mynumber.domain.errors import Forbidden
from mynumber.services.cards import centre as card_centre
from mynumber.services.registry.letters import application_url
from tests.conftest import ward
from tests.integration.card_support import (
    Issued,
    apply_online,
    card_row,
    issued_card,
    pass_days,
    photo,
)
from tests.integration.snapshots import Snapshots
from tests.integration.test_web_apply import IPHONE, Applicant

DAYS_TO_NOTICE = 3 * 365 - 80  # the card ends with the 3-year stay; the notice 3 months before


@pytest.fixture
def noticed(cards: System, snapshots: Snapshots) -> Issued:
    card = snapshots.give(cards, issued_card)
    assert card_row(cards, card.serial).renewal_application_id is None
    report = pass_days(cards, DAYS_TO_NOTICE)
    assert card.serial in report.renewal_notices
    return card


def _notice_pdf(system: System, serial: str) -> bytes:
    with system.uow() as uow:
        pdf = card_centre.renewal_notice_pdf(
            uow.session, system.services, caller=ward(), card_serial=serial
        )
        uow.commit()
    return pdf


def _qr(pdf: bytes, tmp_path: Path) -> str:
    """The QR code's text, as a phone's reader would find it. OpenCV's classic detector
    misses some codes at some resolutions (a CI run found nothing in one notice at 150 dpi,
    depending on the random application ID), so the page is read at two resolutions by both
    of OpenCV's detectors; the first text found is the code's."""
    (tmp_path / "n.pdf").write_bytes(pdf)
    for dpi in ("150", "300"):
        out = tmp_path / f"n{dpi}"
        subprocess.run(
            ["pdftoppm", "-png", "-r", dpi, str(tmp_path / "n.pdf"), str(out)], check=True
        )
        image = cv2.imread(str(next(tmp_path.glob(f"n{dpi}*.png"))))
        assert isinstance(image, np.ndarray)
        for detector in (cv2.QRCodeDetector(), cv2.QRCodeDetectorAruco()):
            text, _, _ = detector.detectAndDecode(image)
            if text:
                return str(text)
    return ""


def test_the_notice_carries_a_new_application_id_and_its_qr_code(
    cards: System, noticed: Issued, tmp_path: Path
) -> None:
    new_id = card_row(cards, noticed.serial).renewal_application_id
    assert new_id and len(new_id) == 23
    with cards.reading() as uow:
        letter_ids = set(uow.session.scalars(select(NotificationLetter.application_id)))
    assert new_id not in letter_ids and new_id != noticed.application_id
    pdf = _notice_pdf(cards, noticed.serial)
    assert _qr(pdf, tmp_path) == application_url(cards.services, new_id)
    (tmp_path / "t.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "t.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert " ".join(new_id[i : i + 4] for i in range(0, 23, 4)) in text


def test_the_id_applies_for_the_renewal_online_and_only_for_its_holder(
    cards: System, noticed: Issued
) -> None:
    new_id = card_row(cards, noticed.serial).renewal_application_id
    assert new_id
    other = issued_card(cards, name="Doe Jane")
    with pytest.raises(Forbidden):
        apply_online(cards, new_id, other.person_id)
    view = apply_online(cards, new_id, noticed.person_id)
    assert (view.kind, view.application_id, view.person_id) == (
        "renewal",
        new_id,
        noticed.person_id,
    )


def test_the_online_form_the_qr_code_leads_to_takes_the_renewal(
    cards: System, noticed: Issued
) -> None:
    new_id = card_row(cards, noticed.serial).renewal_application_id
    assert new_id
    browser = Applicant(cards, new_id)
    assert browser.form().status_code == 200
    done = browser.send(photo(), headers={"user-agent": IPHONE})
    assert done.status_code == 200, done.text
    assert new_id in done.text
    pass_days(cards, 32)
    assert card_row(cards, noticed.serial).renewal_application_id == new_id
