"""The online application (/apply) for a child under 15, through the legal representative
(法定代理人, ``domain.representation``), both databases: the representative's fields on the
form, required once the applicant is found to be under 15, each refusal beside its field on
the kept form in the reader's language, and nothing recorded on a refusal."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import select

from mynumber.adapters.db.models_card import CardApplication
from mynumber.adapters.photo import sample_photo_jpeg
from mynumber.bootstrap import System
from tests.integration.helpers import register
from tests.integration.test_web_apply import DECLARED, Applicant

CHILD_BORN = dt.date(2017, 3, 3)  # 9 on the test clock's 2026-04-01
PARENT = {
    "representative_name": "Smith Jane",
    "representative_date_of_birth": "1988-02-29",
    "representative_relation": "parent",
    "representative_id_documents": ["driving_licence"],
}


def _child(system: System, born: dt.date = CHILD_BORN) -> str:
    return register(system, name_latin="Smith Hana", date_of_birth=born).application_id or ""


def _send(applicant: Applicant, fields: dict[str, Any]) -> Any:
    found = re.search(r'name="csrf" value="([^"]+)"', applicant.form().text)
    assert found
    data = {
        "csrf": found.group(1),
        "photo_declaration": DECLARED,
        "application_id": applicant.application_id,
        **fields,
    }
    files = {"photo": ("me.jpg", sample_photo_jpeg(), "image/jpeg")}
    return applicant.client.post("/apply", data=data, files=files)


def _beside(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    assert found, f"no error beside {field}"
    return found.group(1)


def _applications(system: System) -> list[CardApplication]:
    with system.uow() as uow:
        rows = list(uow.session.scalars(select(CardApplication)))
        uow.session.expunge_all()
    return rows


@pytest.mark.sqlite_only  # a page's text
def test_the_form_offers_the_representatives_fields_folded(system: System) -> None:
    page = Applicant(system, _child(system)).form().text
    for field in ("representative_name", "representative_date_of_birth"):
        assert f'name="{field}"' in page
    assert 'name="representative_relation"' in page and 'value="guardian"' in page
    assert 'name="representative_id_documents" value="passport"' in page
    # a notification letter is no photo ID: not offered
    assert 'name="representative_id_documents" value="notification_letter"' not in page
    assert re.search(r'<details class="group" id="legal-representative">', page)  # not open


@pytest.mark.sqlite_only  # refused before anything is written
def test_a_child_applying_alone_is_asked_for_the_representative_in_their_language(
    system: System,
) -> None:
    application_id = _child(system)
    alone = _send(Applicant(system, application_id), {})
    assert alone.status_code == 403
    assert "legal representative" in _beside(alone.text, "representative_name")
    assert 'id="legal-representative" open' in alone.text
    assert re.search(r'id="representative_name"[^>]*required', alone.text)  # now required
    vi = _send(Applicant(system, application_id, lang="vi"), {})
    assert "người đại diện theo pháp luật" in _beside(vi.text, "representative_name")
    assert _applications(system) == []


def test_the_representative_applies_for_the_child(system: System) -> None:
    answer = _send(Applicant(system, _child(system)), PARENT)
    assert answer.status_code == 200, answer.text
    assert "Application received" in answer.text
    [row] = _applications(system)
    assert (row.representative_relation, row.representative_name) == ("parent", "Smith Jane")
    assert row.representative_born_on == dt.date(1988, 2, 29)


@pytest.mark.sqlite_only  # refused before anything is written
@pytest.mark.parametrize(
    ("change", "field", "english", "portuguese"),
    [
        (
            {"representative_date_of_birth": "2010-05-05"},
            "representative_date_of_birth",
            "18 or over",
            "18 anos",
        ),
        (
            {"representative_date_of_birth": "1988-13-01"},
            "representative_date_of_birth",
            "This is not a date",
            "não é uma data",
        ),
        (
            {"representative_id_documents": []},
            "representative_id_documents",
            "photo ID of their own",
            "documento de identidade com foto",
        ),
    ],
)
def test_a_refused_representative_is_named_beside_its_field_on_the_kept_form(
    system: System, change: dict[str, Any], field: str, english: str, portuguese: str
) -> None:
    application_id = _child(system)
    fields = {**PARENT, **change}
    answer = _send(Applicant(system, application_id), fields)
    assert answer.status_code == 422
    assert english in _beside(answer.text, field)
    assert 'value="Smith Jane"' in answer.text  # the answers are kept
    assert 'id="legal-representative" open' in answer.text
    pt = _send(Applicant(system, application_id, lang="pt"), fields)
    assert portuguese in _beside(pt.text, field)
    assert _applications(system) == []


def test_an_applicant_of_15_or_over_applies_without_a_representative(system: System) -> None:
    application_id = register(system).application_id or ""
    refused = _send(Applicant(system, application_id), PARENT)
    assert refused.status_code == 403
    assert "no legal representative" in _beside(refused.text, "representative_name")
    assert _applications(system) == []
    assert _send(Applicant(system, application_id), {}).status_code == 200
