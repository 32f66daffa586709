"""The API's unit of work (``api.deps.get_uow``): closed in a worker thread only when closing
it may wait on the database."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from mynumber.adapters.db.uow import UnitOfWork
from mynumber.api import deps
from mynumber.bootstrap import System


def _one_request(system: System, work: Callable[[UnitOfWork], None]) -> UnitOfWork:
    """``get_uow`` as FastAPI drives it for one request: opened, used by the route, closed."""
    request: Any = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(system=system)))

    async def request_in_loop() -> UnitOfWork:
        dependency = deps.get_uow(request)
        uow = await anext(dependency)
        await run_in_threadpool(work, uow)  # the route, a sync endpoint
        with pytest.raises(StopAsyncIteration):
            await anext(dependency)
        return uow

    # A thread with an event loop of its own (the browser tests keep one in the main thread).
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, request_in_loop()).result()


@pytest.fixture
def closes_in_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of what ``api.deps`` hands to a worker thread."""
    handed: list[str] = []

    async def counted(func: Callable[..., Any], *args: Any) -> Any:
        handed.append(func.__name__)
        return await run_in_threadpool(func, *args)

    monkeypatch.setattr(deps, "run_in_threadpool", counted)
    return handed


def _committed(uow: UnitOfWork) -> None:
    uow.session.execute(text("SELECT 1"))
    uow.commit()


def _refused_before_any_statement(uow: UnitOfWork) -> None:
    pass


def _refused_after_a_statement(uow: UnitOfWork) -> None:
    uow.session.execute(text("SELECT 1"))


@pytest.mark.parametrize("route", [_committed, _refused_before_any_statement])
def test_a_session_holding_no_connection_is_closed_in_the_event_loop(
    system: System, closes_in_threads: list[str], route: Callable[[UnitOfWork], None]
) -> None:
    uow = _one_request(system, route)
    assert closes_in_threads == []
    with pytest.raises(RuntimeError, match="not open"):
        _ = uow.session  # closed


def test_a_session_in_a_transaction_is_closed_in_a_worker_thread(
    system: System, closes_in_threads: list[str]
) -> None:
    uow = _one_request(system, _refused_after_a_statement)
    assert closes_in_threads == ["__exit__"]
    with pytest.raises(RuntimeError, match="not open"):
        _ = uow.session  # closed
