"""`mynumber bench eligibility` end to end on a tiny population: the service starts, the
terminals drive checks and the trivial endpoint over HTTP, and the last line has the form the
issue asks for (the figures themselves belong in docs/benchmarks.md, not in a test)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

LAST_LINE = re.compile(r"^ratio (\d+\.\d\d) p50 (\d+\.\d) ms p99 (\d+\.\d) ms$")


def bench(tmp: Path, *extra: str) -> list[str]:
    cmd = [sys.executable, "-m", "mynumber.cli", "bench", "eligibility", "--residents", "60",
           "--seconds", "0.5", "--rate", "40", "--terminals", "4", *extra]
    done = subprocess.run(cmd, env={**os.environ, "COLUMNS": "200", "TMPDIR": str(tmp)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_benchmark_runs_checks_over_http_and_ends_with_the_ratio_line(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    extra: tuple[str, ...] = ()
    if backend == "postgresql":  # the benchmark makes (and drops) its own database there
        extra = ("--database-url", request.getfixturevalue("pg_url"))
    lines = bench(tmp_path, *extra)
    assert any(line.startswith(f"{backend}, 60 residents") for line in lines), lines
    found = LAST_LINE.match(lines[-1])
    assert found, lines[-1]
    ratio, p50, p99 = map(float, found.groups())
    assert ratio > 0 and 0 < p50 <= p99
    assert list(tmp_path.iterdir()) == []  # its database and keys went with it
