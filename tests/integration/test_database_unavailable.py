"""A lost database connection is a 503 the caller may retry, not a 500 (nothing was kept)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from mynumber.api.app import create_app
from mynumber.bootstrap import System


def test_a_dropped_connection_answers_503_with_retry_after(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dropped(self: System) -> str:
        raise OperationalError("SELECT 1", {}, ConnectionError("server closed the connection"))

    monkeypatch.setattr(System, "database_answers", dropped)
    with TestClient(create_app(system), raise_server_exceptions=False) as client:
        answer = client.get("/health")
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["retry-after"] == "1"
    body = answer.json()
    assert body["code"] == "database-unavailable" and body["detail_ja"]
    assert "server closed" not in answer.text
