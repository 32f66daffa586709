"""A lost database connection, or none free in the pool in time, is a 503 the caller may
retry, not a 500 (nothing was kept)."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from mynumber.api.app import create_app
from mynumber.bootstrap import System
from tests.client import TestClient

UNAVAILABLE = {
    "dropped": OperationalError("SELECT 1", {}, ConnectionError("server closed the connection")),
    # Every connection of the pool held past its timeout (the database stalled under them).
    "pool exhausted": PoolTimeout("QueuePool limit of size 5 overflow 10 reached, server closed"),
}


@pytest.mark.parametrize("how", UNAVAILABLE)
def test_a_database_out_of_reach_answers_503_with_retry_after(
    system: System, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    def dropped(self: System) -> str:
        raise UNAVAILABLE[how]

    monkeypatch.setattr(System, "database_answers", dropped)
    with TestClient(create_app(system), raise_server_exceptions=False) as client:
        answer = client.get("/health")
    assert answer.status_code == 503
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.headers["retry-after"] == "1"
    body = answer.json()
    assert body["code"] == "database-unavailable" and body["detail_ja"]
    assert "server closed" not in answer.text
