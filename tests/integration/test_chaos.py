"""A short chaos round on each database (issue 16.5): the service served, killed at random
moments under traffic and restarted; every invariant holds after every round. Only loopback
traffic; bounded by --seconds and --rounds.

The harness (`mynumber chaos`) runs in this process through Typer's ``CliRunner``, as the other
CLI tests do: what is killed and restarted is the service it starts, a real ``mynumber serve``
process each time, not the harness. (A harness of its own cost an interpreter's imports, ~2.5 s
of CPU a run, and its demo clerks' production-strength Argon2 hashes, ~3 s.)"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from mynumber.chaos import harness
from tests.integration.forked_servers import forked_subprocess, ready
from tests.integration.test_cli import clean_environment, run  # noqa: F401  (autouse)

TOTALS = re.compile(r"^rounds (\d+), requests (\d+), kills (\d+), violations: (\d+)$")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_short_chaos_run_finds_no_violation(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each `mynumber serve` forked from an interpreter that imported the project once, not a
    # fresh one (~2 s of CPU a start, five or six starts a run): still a process of its own,
    # killed and restarted, with its own environment, folder and log.
    monkeypatch.setattr(harness, "subprocess", forked_subprocess)
    ready()
    args = ["chaos", "--seconds", "20", "--rounds", "4", "--seed", "16"]
    if backend == "postgresql":
        # The harness makes (and drops) a database of its own on this test's server.
        args += ["--database-url", request.getfixturevalue("pg_url")]
    kept = random.getstate()  # the harness seeds the module's generator for its traffic
    try:
        done = run(args, tmp_path)
    finally:
        random.setstate(kept)
    lines = done.stdout.strip().splitlines()
    assert lines, done.stderr[-2000:]
    totals = TOTALS.match(lines[-1])
    assert totals, done.stdout[-2000:] + done.stderr[-2000:]
    rounds, requests, kills, violations = map(int, totals.groups())
    assert violations == 0, done.stdout
    assert done.returncode == 0
    assert rounds >= 1 and kills == rounds
    assert requests > 0  # the traffic reached the service
