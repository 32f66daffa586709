"""`mynumber bench eligibility` end to end on a tiny population: the service starts, the
terminals drive checks and the trivial endpoint over HTTP, and the last line has the form the
issue asks for (the figures themselves belong in docs/benchmarks.md, not in a test)."""

from __future__ import annotations

import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mynumber.cli.main import app

LAST_LINE = re.compile(r"^ratio (\d+\.\d\d) p50 (\d+\.\d) ms p99 (\d+\.\d) ms$")


def bench(tmp: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> list[str]:
    """The command in this process (Typer's ``CliRunner``; the service it measures still runs
    in a process of its own), its temporary files under ``tmp``. A short warm-up: the figures
    do not matter here, only that every step runs."""
    monkeypatch.setenv("TMPDIR", str(tmp))  # the server process's
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # this one's (cached at first use)
    # In a thread of its own: the command drives the service with asyncio.run, which refuses
    # to start where an event loop is running, as in a worker's main thread after the browser
    # tests (Playwright's sync API keeps its loop there for the session).
    invoke = partial(
        CliRunner().invoke,
        app,
        [
            "bench",
            "eligibility",
            "--residents",
            "60",
            "--seconds",
            "0.5",
            "--rate",
            "40",
            "--terminals",
            "4",
            "--warm-up",
            "40",
            *extra,
        ],
        env={"COLUMNS": "200"},
    )
    with ThreadPoolExecutor(1) as thread:
        done = thread.submit(invoke).result()
    if done.exception is not None and not isinstance(done.exception, SystemExit):
        raise done.exception
    assert done.exit_code == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_benchmark_runs_checks_over_http_and_ends_with_the_ratio_line(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra: tuple[str, ...] = ()
    if backend == "postgresql":  # the benchmark makes (and drops) its own database there
        extra = ("--database-url", request.getfixturevalue("pg_url"))
    lines = bench(tmp_path, monkeypatch, *extra)
    assert any(line.startswith(f"{backend}, 60 residents") for line in lines), lines
    found = LAST_LINE.match(lines[-1])
    assert found, lines[-1]
    ratio, p50, p99 = map(float, found.groups())
    assert ratio > 0 and 0 < p50 <= p99
    # Its database and keys went with it (multiprocessing's own pymp-* folder goes when the
    # test process exits).
    assert [p for p in tmp_path.iterdir() if not p.name.startswith("pymp-")] == []
