"""The CLI: one line and a non-zero exit on bad input; the real commands on a real database.

The commands run in this process through Typer's ``CliRunner`` (a ``python -m mynumber.cli``
costs 2–5 s of imports each time), under the environment a shell would give them: ``Settings``
reads ``MYNUMBER_*`` at each command, and none of the caller's leaks in. Two tests start a
process of their own: the entry point and its exit codes (0, and 2 for a configuration error)
as a shell sees them. The first is a fresh interpreter (its imports, the entry point as a shell
reaches it); the second is forked from one that imported the project once
(``forked_servers``): the same ``python -m mynumber.cli`` in its own process and environment,
~1 s of CPU less. The commands that use the database find it migrated (copies of the
worker's template: ``cli_data_seeded``), but for one: a newcomer's first command, on a new data
directory, runs every migration.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mynumber.adapters.db.engine import make_engine, pending_migrations
from mynumber.cli.main import app
from tests.conftest import TEST_MASTER_KEY
from tests.integration.forked_servers import forked_popen


def _environment(tmp_path: Path, env: dict[str, str]) -> dict[str, str]:
    return {
        "MYNUMBER_DATA_DIR": str(tmp_path),
        "MYNUMBER_MASTER_KEY": TEST_MASTER_KEY,
        "COLUMNS": "200",
        **env,
    }


@dataclass
class Done:
    """What a finished command left: its exit code and what it printed on each stream."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``MYNUMBER_*`` setting of the caller's (a developer's ``MYNUMBER_DATABASE_URL``,
    say) reaches a command's ``Settings``: a command sees only what ``run`` gives it."""
    for name in list(os.environ):
        if name.startswith("MYNUMBER_"):
            monkeypatch.delenv(name)


def run(args: list[str], tmp_path: Path, **env: str) -> Done:
    """The command in this process, with ``env`` (over the defaults) in ``os.environ`` while
    it runs (``CliRunner`` puts the previous values back)."""
    result = CliRunner().invoke(app, args, env=_environment(tmp_path, env))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a crash shows its traceback, as the process would
    return Done(result.exit_code, result.stdout, result.stderr)


def run_process(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The command as a shell starts it: a new interpreter through ``python -m mynumber.cli``."""
    environ = {"PATH": "/usr/bin:/bin", **_environment(tmp_path, env)}
    return subprocess.run(
        [sys.executable, "-m", "mynumber.cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def forked_process(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``run_process``'s command and environment in a process forked from an interpreter that
    imported the project once, not a fresh one."""
    environ = {"PATH": "/usr/bin:/bin", **_environment(tmp_path, env)}
    argv = [sys.executable, "-m", "mynumber.cli", *args]
    process = forked_popen(
        argv, env=environ, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(argv, process.wait(), out, err)


def test_validate_accepts_a_valid_number(tmp_path: Path) -> None:
    done = run_process(["validate", "6214 9832 0257"], tmp_path)
    assert done.returncode == 0 and "**** **** 0257" in done.stdout


@pytest.mark.parametrize(
    "number,reason",
    [("621498320258", "check digit"), ("12345", "12 digits"), ("62149832025A", "only digits")],
)
def test_validate_refuses_with_one_line_and_exit_1(
    tmp_path: Path, number: str, reason: str
) -> None:
    done = run(["validate", number], tmp_path)
    assert done.returncode == 1
    assert reason in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert number not in done.stderr


def _register(tmp_path: Path, *extra: str) -> Done:
    return run(
        [
            "register",
            "--name",
            "Smith John",
            "--born",
            "1990-01-02",
            "--sex",
            "M",
            "--nationality",
            "US",
            "--address",
            "1-1 Chiyoda, Chiyoda-ku",
            "--municipality",
            "131016",
            "--since",
            "2020-01-01",
            "--residence-card",
            "AB12345678CD",
            "--status",
            "Engineer",
            "--stay-ends",
            "2029-03-31",
            *extra,
        ],
        tmp_path,
    )


@pytest.mark.usefixtures("cli_data_seeded")
def test_register_prints_the_masked_number_and_flags_late(tmp_path: Path) -> None:
    done = _register(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "**** **** " in done.stdout and "late" in done.stdout
    again = _register(tmp_path)
    assert again.returncode == 1 and "moving-out" in again.stderr


@pytest.mark.usefixtures("cli_data_seeded")
@pytest.mark.parametrize(
    "flag,value,field",
    [
        ("--born", "1990-02-30", "born"),
        ("--municipality", "131017", "municipality_code"),
        ("--residence-card", "XX", "residence_card_number"),
    ],
)
def test_register_bad_input_is_one_line_exit_1(
    tmp_path: Path, flag: str, value: str, field: str
) -> None:
    args = [
        "register",
        "--name",
        "A B",
        "--born",
        "1990-01-02",
        "--sex",
        "M",
        "--nationality",
        "US",
        "--address",
        "1-1 Chiyoda",
        "--municipality",
        "131016",
        "--since",
        "2020-01-01",
        "--residence-card",
        "AB12345678CD",
        "--status",
        "Student",
        "--stay-ends",
        "2029-03-31",
    ]
    args[args.index(flag) + 1] = value
    done = run(args, tmp_path)
    assert done.returncode == 1, done.stdout
    assert done.stderr.startswith(f"error: {field}:") and len(done.stderr.splitlines()) == 1


@pytest.mark.usefixtures("cli_data_seeded")
def test_audit_verify_reports_an_intact_chain(tmp_path: Path) -> None:
    _register(tmp_path)
    done = run(["audit", "verify"], tmp_path)
    assert done.returncode == 0 and "intact" in done.stdout


def test_production_mode_without_a_master_key_refuses_to_start(tmp_path: Path) -> None:
    done = forked_process(
        ["audit", "verify"], tmp_path, MYNUMBER_MODE="production", MYNUMBER_MASTER_KEY=""
    )
    assert done.returncode == 2 and "MYNUMBER_MASTER_KEY is required" in done.stderr


def test_the_first_command_on_a_new_data_dir_migrates_it_and_makes_the_dev_key_once(
    tmp_path: Path,
) -> None:
    """A newcomer's first command: nothing in the data directory yet. The other tests of
    commands start from migrated copies (``cli_data_seeded``, ``migrated_data_dir``); this
    one runs every migration on both files, as a first run does."""
    first = run(["audit", "verify"], tmp_path, MYNUMBER_MASTER_KEY="")
    assert first.returncode == 0 and "intact" in first.stdout, first.stderr
    for name in ("mynumber.sqlite3", "mynumber-chips.sqlite3"):
        engine = make_engine(f"sqlite:///{tmp_path / name}")
        with engine.connect() as conn:
            assert not pending_migrations(conn), name
        engine.dispose()
    second = run(["audit", "verify"], tmp_path, MYNUMBER_MASTER_KEY="")
    assert second.returncode == 0 and "intact" in second.stdout, second.stderr
    assert "made a new master key" in first.stdout
    assert "made a new master key" not in second.stdout
    assert (tmp_path / "dev-master.key").stat().st_mode & 0o077 == 0
