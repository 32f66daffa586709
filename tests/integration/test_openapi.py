"""The OpenAPI document is complete enough to generate a client from: every operation says
what it answers (a schema, or a file's media type), has a short unique operation id, and
declares the problem+json errors; the document is valid OpenAPI; the eligibility answer's
schema is the domain's one declaration."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi import FastAPI

from mynumber.adapters.keys import KeyRing
from mynumber.adapters.mail import PostOffice
from mynumber.api.app import create_app
from mynumber.api.routers import clinic as clinic_router
from mynumber.bootstrap import build_system
from mynumber.card.keys import KeyPool
from mynumber.config import Settings
from mynumber.domain.clock import SimulatedClock
from mynumber.domain.insurance import Consent, EligibilityAnswer
from mynumber.services.core import refs
from tests.client import TestClient
from tests.conftest import START, TEST_MASTER_KEY, ref

if TYPE_CHECKING:
    import jsonschema

# jsonschema and openapi_spec_validator (~240 modules, ~0.17 s of CPU) are imported by the two
# tests that use them, not when the module is collected: every pytest-xdist worker collects
# every module, one runs it.

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
FILES = {  # path → the media type of the file it returns
    "/ward-office/residents/{person_id}/letter.pdf": "application/pdf",
    "/cards/applications/{application_id}/pickup-notice.pdf": "application/pdf",
    "/cards/applications/{application_id}/receipt.pdf": "application/pdf",
    "/cards/{serial}/renewal-notice.pdf": "application/pdf",
    "/insurer/letters/{letter_id}.pdf": "application/pdf",
    "/insurer/enrolments/{enrolment_id}/qualification-notice.pdf": "application/pdf",
    "/employer/employees/{employee_id}/withholding-slip/{year}.pdf": "application/pdf",
    "/jpki/crl": "application/pkix-crl",
    "/jpki/ocsp": "application/ocsp-response",
    "/jpki/issuing-ca.der": "application/pkix-cert",
    "/jpki/root-ca.der": "application/pkix-cert",
    "/metrics": "text/plain",
}


@pytest.fixture(scope="module")
def app(
    tmp_path_factory: pytest.TempPathFactory,
    sqlite_template: Path,
    key_source: KeyPool,
    ca_template: Path,
) -> Iterator[FastAPI]:
    """The app on a migrated SQLite copy (the document does not depend on the backend)."""
    import shutil

    directory = tmp_path_factory.mktemp("openapi")
    shutil.copy(sqlite_template, directory / "mynumber.sqlite3")
    shutil.copy(sqlite_template, directory / "mynumber-chips.sqlite3")
    settings = Settings(
        database_url=f"sqlite:///{directory / 'mynumber.sqlite3'}",
        data_dir=directory / "var",
        master_key=TEST_MASTER_KEY,
    )
    shutil.copytree(ca_template, settings.data_dir / "ca")
    system = build_system(
        settings,
        clock=SimulatedClock(START),
        post=PostOffice(),
        key_source=key_source,
        run_migrations=False,
    )
    yield create_app(system)
    system.close()


@pytest.fixture(scope="module")
def document(app: FastAPI) -> dict[str, Any]:
    return app.openapi()


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def describes_something(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    """A schema a client can build a type from: an object with named properties, a list of
    such, or a file; not ``{}`` nor a bare ``dict[str, Any]``."""
    schema = resolve(document, schema)
    if schema.get("type") == "array":
        return describes_something(document, schema.get("items", {}))
    if schema.get("type") == "object":
        return bool(schema.get("properties"))
    return schema == {"type": "string", "format": "binary"}


def test_the_document_lists_every_api_route(document: dict[str, Any]) -> None:
    found = list(operations(document))
    assert len(found) >= 63
    assert ("/clinic/checks/pin", "post") in {(p, m) for p, m, _ in found}
    assert not any(p.startswith(("/docs", "/static")) for p, _, _ in found)


def test_every_operation_answers_a_described_success(document: dict[str, Any]) -> None:
    vague = []
    for path, method, operation in operations(document):
        successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
        assert len(successes) == 1, (path, method, successes)
        ((status, response),) = successes.items()
        if status == "204":
            assert "content" not in response, (path, method)
            continue
        content = response.get("content", {})
        expected = FILES.get(path, "application/json")
        if set(content) != {expected} or not describes_something(
            document, content[expected].get("schema", {})
        ):
            vague.append(f"{method.upper()} {path}: {json.dumps(content)[:120]}")
    assert not vague, "\n".join(vague)


def test_a_dict_answer_would_be_caught(document: dict[str, Any]) -> None:
    # The check above is not vacuous: what FastAPI writes for ``-> dict[str, Any]`` fails it.
    assert not describes_something(document, {"type": "object", "additionalProperties": True})
    assert not describes_something(document, {})
    assert describes_something(document, {"$ref": "#/components/schemas/AnswerOut"})


def test_operation_ids_are_unique_and_read_like_names(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", i) for i in ids), ids
    named = {(p, m): o["operationId"] for p, m, o in operations(document)}
    assert named["/ward-office/residents", "post"] == "ward_office_register_moving_in"
    assert named["/clinic/checks/pin", "post"] == "clinic_check_with_pin"
    assert named["/ward-office/residents/{person_id}/letter.pdf", "get"] == "ward_office_letter_pdf"
    assert named["/insurer/letters/{letter_id}.pdf", "get"] == "insurer_letter_pdf"


OAUTH_ERRORS = {
    ("/oidc/token", "post"): {"400", "401"},
    ("/oidc/userinfo", "get"): {"401"},
    ("/oidc/userinfo", "post"): {"401"},
}
"""The OAuth endpoints authenticate the OAuth way — the service's own proof at the token
endpoint, the access token at userinfo — and answer OAuth's JSON errors (RFC 6749 §5.2,
RFC 6750 §3), which OAuth client libraries read, for those statuses."""
OPEN_OIDC = {"/.well-known/openid-configuration", "/oidc/jwks.json", "/oidc/clients"}
"""Public by design: the provider's metadata and keys, and a service's application."""


def test_every_operation_declares_its_errors_as_problem_json(document: dict[str, Any]) -> None:
    for path, method, operation in operations(document):
        responses = operation["responses"]
        statuses = {"400", "404", "409", "422", "500"}
        oauth = OAUTH_ERRORS.get((path, method), set())
        if "security" in operation:  # a token is needed: it can be missing or not allowed
            statuses |= {"401", "403"}
        elif operation.get("x-card-is-credential"):  # a resident's login: the card signs
            assert path.startswith("/residents/login"), path
            statuses |= {"401"}
            assert "403" not in responses, (path, method)
        else:
            assert (
                path
                in (
                    "/health",
                    "/livez",
                    "/readyz",
                    "/residents/login/challenges",
                    "/cards/applications/online",  # the letter's application ID relates it
                )
                or path.startswith("/jpki/")
                or path in OPEN_OIDC
                or oauth
            ), path
            assert not {"401", "403"} - oauth & set(responses), (path, method)
        for status in oauth:
            assert responses[status]["content"] == {
                "application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}
            }, (path, method, status)
        for status in statuses - oauth:
            assert responses[status]["content"] == {
                "application/problem+json": {"schema": PROBLEM_REF}
            }, (path, method, status)
    # FastAPI's own 422 body (``HTTPValidationError``) is not what this API sends.
    assert "HTTPValidationError" not in document["components"]["schemas"]
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "detail_ja", "code"}


def _problem_validator(document: dict[str, Any]) -> jsonschema.Draft202012Validator:
    import jsonschema

    schema = {**document["components"]["schemas"]["Problem"], "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_the_problem_schema_describes_the_errors_actually_sent(
    app: FastAPI,
    document: dict[str, Any],
) -> None:
    validator = _problem_validator(document)
    client = TestClient(app)
    answers = [
        client.get(f"/ward-office/residents/{ref('per', 1)}"),  # no token
        client.post(
            "/numbers/validate", json={"number": "1"}, headers={"Authorization": "Bearer unknown"}
        ),
        client.post("/jpki/ocsp", content=b"x" * 10),  # not an error: a DER answer
    ]
    unauthorised, unknown_token, ocsp = answers
    assert unauthorised.status_code == 401 and unknown_token.status_code == 401
    for answer in (unauthorised, unknown_token):
        assert answer.headers["content-type"].startswith("application/problem+json")
        validator.validate(answer.json())
    assert ocsp.headers["content-type"] == "application/ocsp-response"
    # A validation error carries its fields, as the schema says; a body missing a required
    # member is refused by the schema (it is not vacuous).
    validator.validate(
        {
            "type": "t",
            "title": "Invalid input",
            "status": 422,
            "detail": "d",
            "detail_ja": "d",
            "code": "invalid-input",
            "errors": [{"field": "number", "message": "m"}],
        }
    )
    import jsonschema

    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"type": "t", "title": "x", "status": 422, "detail": "d"})


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    from openapi_spec_validator import validate

    validate(document)
    assert document["openapi"].startswith("3.")


# --- the eligibility answer: one declaration in the domain --------------------------------


def _answer(**changes: Any) -> EligibilityAnswer:
    values: dict[str, Any] = dict(
        name="山田 太郎",
        name_kana="ヤマダ タロウ",
        date_of_birth=dt.date(1990, 5, 1),
        sex="M",
        insurer_number="131011",
        insurer_name="千代田区国民健康保険",
        symbol="1234",
        number="567890",
        branch="01",
        valid_from=dt.date(2026, 4, 1),
        valid_until=None,
        visit_id=7,
        eligible=True,
        status="eligible",
        message_en="Insured: eligible today.",
        message_ja="資格確認済み（有効）。",
        method="pin",
        copay_percent=30,
        limit_category=None,
        consent=Consent(medication=True),
    )
    values.update(changes)
    return EligibilityAnswer(**values)


def test_the_api_answer_is_the_domain_answer_field_for_field(document: dict[str, Any]) -> None:
    schema = document["components"]["schemas"]["AnswerOut"]
    domain = [f.name for f in dataclasses.fields(EligibilityAnswer)]
    api = ["message" if name == "message_en" else name for name in domain]
    assert list(schema["properties"]) == [*api, "next_nonce"]
    required = [
        f.name for f in dataclasses.fields(EligibilityAnswer) if f.default is dataclasses.MISSING
    ]
    assert set(schema["required"]) == {"message" if n == "message_en" else n for n in required}
    # The income class the answer is worked out from is never part of it.
    assert not {"income_class", "certain_income", "enrolment_id"} & set(schema["properties"])


def test_the_answer_json_keeps_its_members_and_values() -> None:
    """The members and values the API sent before the answer was declared once."""
    keys = KeyRing.from_master(bytes.fromhex(TEST_MASTER_KEY))
    with refs.using(refs.References.from_keys(keys)):  # as the app sets it for each request
        body = json.loads(
            clinic_router._out(_answer(letter_valid_until=dt.date(2027, 3, 31))).model_dump_json()
        )
    assert body == {
        "visit_id": ref("vis", 7),
        "eligible": True,
        "status": "eligible",
        "message": "Insured: eligible today.",
        "message_ja": "資格確認済み（有効）。",
        "method": "pin",
        "name": "山田 太郎",
        "name_kana": "ヤマダ タロウ",
        "date_of_birth": "1990-05-01",
        "sex": "M",
        "insurer_number": "131011",
        "insurer_name": "千代田区国民健康保険",
        "symbol": "1234",
        "number": "567890",
        "branch": "01",
        "copay_percent": 30,
        "limit_category": None,
        "valid_from": "2026-04-01",
        "valid_until": None,
        "consent": {"medication": True, "checkups": False, "limit_amount": False},
        "letter_valid_until": "2027-03-31",
        "next_nonce": None,
        "certificate_grace_until": None,
    }
