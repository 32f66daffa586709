"""The operator's view (issue 19.6): liveness and readiness, the Prometheus metrics scraped
with ``prometheus_client``'s own parser, the request id, JSON logs, the public address from
``--port``, and error pages for browsers in the person's language."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import OperationalError

from mynumber.adapters.db.engine import alembic_config
from mynumber.api.app import create_app
from mynumber.api.observability import JsonFormatter, RequestIdFilter, request_id_from
from mynumber.bootstrap import System
from mynumber.config import Settings
from tests.client import TestClient
from tests.conftest import TEST_MASTER_KEY, ref
from tests.integration.clinic_support import (
    AUTH_PIN,
    World,
    insured_patient,
    setup_world,
    token_for,
)
from tests.integration.test_clinic_api import nonce, pin_check

METRICS_TOKEN = "metrics-test-token"


@pytest.fixture
def operated(system: System) -> System:
    system.settings = system.settings.model_copy(update={"metrics_token": METRICS_TOKEN})
    return system


@pytest.fixture
def client(operated: System) -> Iterator[TestClient]:
    with TestClient(create_app(operated), raise_server_exceptions=False) as c:
        yield c


def _scrape(client: TestClient) -> dict[str, Any]:
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {family.name: family for family in text_string_to_metric_families(answer.text)}


def _samples(family: Any, name: str) -> list[tuple[dict[str, str], float]]:
    return [(s.labels, s.value) for s in family.samples if s.name == name]


# --- liveness and readiness -------------------------------------------------------------------


@pytest.mark.sqlite_only
def test_livez_answers_without_the_database(client: TestClient) -> None:
    answer = client.get("/livez")
    assert answer.status_code == 200 and answer.json() == {"status": "alive"}


def test_readyz_is_ready_when_every_migration_is_applied(client: TestClient) -> None:
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "ready", "database": "ok", "pending_migrations": []}


def test_readyz_fails_while_migrations_are_behind(client: TestClient, operated: System) -> None:
    url = operated.engine.url.render_as_string(hide_password=False)
    command.stamp(alembic_config(url), "0001", purge=True)
    answer = client.get("/readyz")
    assert answer.status_code == 503, answer.text
    body = answer.json()
    assert body["status"] == "not_ready" and body["database"] == "ok"
    assert body["pending_migrations"]  # the heads not reached
    command.stamp(alembic_config(url), "heads", purge=True)
    assert client.get("/readyz").status_code == 200


def test_readyz_fails_when_the_database_is_unreachable(
    client: TestClient, operated: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*args: object, **kwargs: object) -> Any:
        raise OperationalError("SELECT 1", {}, ConnectionError("connection refused"))

    monkeypatch.setattr(operated.reader_engine, "connect", refused)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["database"] == "unreachable"
    assert "refused" not in answer.text
    assert client.get("/livez").status_code == 200  # a restart would not help: still alive


# --- metrics -------------------------------------------------------------------------------


def test_metrics_are_scraped_by_prometheus_own_parser(client: TestClient, operated: System) -> None:
    world: World = setup_world(operated)
    terminal = token_for(operated, world.clinic)
    patient = insured_patient(operated, world)
    assert pin_check(client, terminal, patient).status_code == 200
    for _ in range(3):  # the third wrong PIN locks it
        wrong = client.post(
            f"/cards/{patient.serial}/use",
            headers=token_for(operated, world.clinic),
            json={"pin": "0000"},
        )
        assert wrong.status_code in (403, 422, 423), wrong.text
    nonce(client, terminal)
    families = _scrape(client)

    requests = _samples(families["mynumber_http_requests"], "mynumber_http_requests_total")
    routes = {labels["route"] for labels, _ in requests}
    assert "/clinic/checks/pin" in routes and "/clinic/challenges" in routes
    assert not any(patient.serial in route for route in routes)  # templates, never paths
    assert any(labels["status"] == "201" for labels, _ in requests)
    latency = families["mynumber_http_request_duration_seconds"]
    assert latency.type == "histogram"
    assert _samples(latency, "mynumber_http_request_duration_seconds_bucket")

    checks = _samples(families["mynumber_eligibility_checks"], "mynumber_eligibility_checks_total")
    assert any(
        labels["method"] == "pin" and labels["outcome"] == "eligible" and value >= 1
        for labels, value in checks
    )
    assert families["mynumber_audit_log_entries"].samples[0].value > 0
    assert families["mynumber_audit_log_chains"].samples[0].value >= 1
    assert "mynumber_pin_locks" in families


def test_a_locked_pin_is_counted(client: TestClient, operated: System) -> None:
    from mynumber.card.pins import PinRef

    world = setup_world(operated)
    patient = insured_patient(operated, world)
    before = _locks(_scrape(client))
    with patient.chip.open_session() as session:
        for _ in range(3):
            with pytest.raises(Exception):  # noqa: B017 - wrong, wrong, locked
                session.verify(PinRef.USER_AUTHENTICATION, "0000")
    assert _locks(_scrape(client)) == before + 1
    assert AUTH_PIN  # the right PIN was never tried


def _locks(families: dict[str, Any]) -> float:
    return sum(
        value
        for labels, value in _samples(families["mynumber_pin_locks"], "mynumber_pin_locks_total")
        if labels["pin"] == "user_authentication"
    )


@pytest.mark.sqlite_only  # an access rule
def test_metrics_need_the_operators_token(client: TestClient, operated: System) -> None:
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    org = token_for(operated, setup_world(operated).clinic)
    assert client.get("/metrics", headers=org).status_code == 401


@pytest.mark.sqlite_only  # configuration, no query
def test_metrics_are_not_served_without_a_configured_token(system: System) -> None:
    with TestClient(create_app(system), raise_server_exceptions=False) as client:
        assert client.get("/metrics").status_code == 404


# --- request id and JSON logs ----------------------------------------------------------------


@pytest.mark.sqlite_only  # headers
def test_the_request_id_is_echoed_or_made(client: TestClient) -> None:
    sent = client.get("/livez", headers={"X-Request-ID": "clinic-42.a_b"})
    assert sent.headers["x-request-id"] == "clinic-42.a_b"
    made = client.get("/livez").headers["x-request-id"]
    assert len(made) == 32 and made != client.get("/livez").headers["x-request-id"]
    refused = client.get("/livez", headers={"X-Request-ID": "bad id with spaces"})
    assert refused.headers["x-request-id"] != "bad id with spaces"


@pytest.mark.parametrize("number", ["621498320257", "6214-9832-0257", "id-621498320257-x"])
def test_a_my_number_sent_as_request_id_is_never_echoed_or_logged(number: str) -> None:
    made = request_id_from(number.encode())
    assert "621498320257" not in made.replace("-", "")


@pytest.mark.sqlite_only  # a log line's format
def test_each_request_leaves_one_json_line_with_the_route_template_and_its_id(
    client: TestClient, operated: System
) -> None:
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("mynumber.access")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        answer = client.get("/cards/SERIAL123", headers={"X-Request-ID": "req-1"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    entry = json.loads(lines[-1])
    assert entry["request_id"] == "req-1" and entry["logger"] == "mynumber.access"
    assert entry["route"] == "/cards/{serial}" and entry["status"] == answer.status_code
    assert "SERIAL123" not in lines[-1] and isinstance(entry["duration_ms"], float)


# --- the public address ------------------------------------------------------------------------


def test_the_public_address_follows_the_port_unless_set() -> None:
    assert Settings(port=18801).resolved_public_base_url() == "http://127.0.0.1:18801"
    assert Settings(port=18801, host="0.0.0.0").resolved_public_base_url() == (
        "http://127.0.0.1:18801"
    )
    set_ = Settings(port=18801, public_base_url="https://mynumber.example/")
    assert set_.resolved_public_base_url() == "https://mynumber.example"


@pytest.mark.sqlite_only
def test_serve_on_a_port_writes_that_port_into_certificates_and_the_letters_qr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migrated_data_dir: Callable[[Path], Path]
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from mynumber.cli.main import app as cli
    from mynumber.services.registry.letters import application_url

    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda asgi, **kw: served.update(app=asgi, **kw))
    for name in [n for n in __import__("os").environ if n.startswith("MYNUMBER_")]:
        monkeypatch.delenv(name)
    result = CliRunner().invoke(
        cli,
        ["serve", "--port", "18801"],
        env={
            "MYNUMBER_DATA_DIR": str(migrated_data_dir(tmp_path)),
            "MYNUMBER_MASTER_KEY": TEST_MASTER_KEY,
        },
    )
    logging.getLogger().handlers.clear()  # serve set up JSON logs for the process
    assert result.exit_code == 0, result.output
    assert served["port"] == 18801
    services = served["app"].state.system.services
    assert services.ca.crl_url.startswith("http://127.0.0.1:18801/jpki")
    assert application_url(services, "X").startswith("http://127.0.0.1:18801/apply")
    assert "127.0.0.1:8000" not in result.output


# --- error pages for browsers ---------------------------------------------------------------

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.sqlite_only  # no route, no query
def test_a_mistyped_address_shows_a_page_to_a_browser_and_json_to_a_program(
    client: TestClient,
) -> None:
    page = client.get("/no-such-page", headers=BROWSER)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text and "<html" in page.text
    japanese = client.get("/no-such-page", headers={**BROWSER, "Accept-Language": "ja"})
    assert "ページが見つかりません" in japanese.text and "Page not found" not in japanese.text
    program = client.get("/no-such-page")
    assert program.headers["content-type"].startswith("application/problem+json")
    assert program.json()["code"] == "no-such-address"


@pytest.mark.sqlite_only  # a page's text
def test_a_refusal_on_an_api_address_shows_the_403_page_to_a_browser(
    client: TestClient, operated: System
) -> None:
    world = setup_world(operated)
    patient = insured_patient(operated, world)
    page = client.get(
        f"/ward-office/residents/{ref('per', patient.person_id)}",
        headers={**BROWSER, **token_for(operated, world.clinic), "Accept-Language": "ja"},
    )
    assert page.status_code == 403, page.text
    assert "このページは表示できません" in page.text


@pytest.mark.sqlite_only  # a page's text, the database mocked away
def test_an_error_on_our_side_shows_the_500_page_to_a_browser(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: System) -> str:
        raise RuntimeError("a bug with a secret 621498320257")

    monkeypatch.setattr(System, "database_answers", broken)
    page = client.get("/health", headers=BROWSER)
    assert page.status_code == 500 and "Something went wrong on our side" in page.text
    assert "621498320257" not in page.text and page.headers["x-request-id"] in page.text
