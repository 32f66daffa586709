"""A short chaos round on each database (issue 16.5): the service served, killed at random
moments under traffic and restarted; every invariant holds after every round. Only loopback
traffic; bounded by --seconds and --rounds."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

TOTALS = re.compile(r"^rounds (\d+), requests (\d+), kills (\d+), violations: (\d+)$")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_short_chaos_run_finds_no_violation(backend: str, request: pytest.FixtureRequest) -> None:
    args = ["--seconds", "20", "--rounds", "4", "--seed", "16"]
    if backend == "postgresql":
        # The harness makes (and drops) a database of its own on this test's server.
        args += ["--database-url", request.getfixturevalue("pg_url")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYNUMBER_")}
    done = subprocess.run(
        [sys.executable, "-m", "mynumber.cli", "chaos", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=540,
    )
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-2000:]
    totals = TOTALS.match(lines[-1])
    assert totals, done.stdout[-2000:] + done.stderr[-2000:]
    rounds, requests, kills, violations = map(int, totals.groups())
    assert violations == 0, done.stdout
    assert done.returncode == 0
    assert rounds >= 1 and kills == rounds
    assert requests > 0  # the traffic reached the service
