"""`mynumber bench eligibility` end to end on a tiny population: the service starts, the
terminals drive checks and the trivial endpoint over HTTP, and the last line has the form the
issue asks for (the figures themselves belong in docs/benchmarks.md, not in a test)."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import create_engine, func, select
from typer.testing import CliRunner

from mynumber.adapters.db.models import Person
from mynumber.bench import eligibility, loaded
from mynumber.bench.enrol import enrol
from mynumber.bootstrap import build_system
from mynumber.cli.main import app
from tests.conftest import worker_database_name
from tests.integration.bench_support import (
    bench_keys,
    copy_of_worker_database,
    drop_later,
    keys_made_once,  # noqa: F401  (a fixture, by name)
    migrated_postgres_copy,
    migrated_sqlite_copy,
)
from tests.integration.forked_servers import forked_subprocess, ready

LAST_LINE = re.compile(r"^ratio (\d+\.\d\d) p50 (\d+\.\d) ms p99 (\d+\.\d) ms$")
HELLO = re.compile(r"^bare FastAPI \(GET /hello\): ([\d,]+) requests/s$")
HEALTH = re.compile(r"^trivial endpoint \(GET /health\): ([\d,]+) requests/s$")
CHECKS = re.compile(r"^eligibility checks at full speed: ([\d,]+) checks/s")


def bench(
    tmp: Path, monkeypatch: pytest.MonkeyPatch, *extra: str, residents: int = 60, exit_code: int = 0
) -> list[str]:
    """The command in this process (Typer's ``CliRunner``; the service it measures still runs
    in a process of its own), its temporary files under ``tmp``. A short warm-up and a
    quarter of a second a run (what a run signs and sends grows with its length: ~2 s of CPU
    less a run than at half a second): the figures do not matter here, only that every step
    runs."""
    # The forkserver first, in the session's temporary folder: multiprocessing makes its
    # socket's folder once per process, in ``tempfile``'s folder of the moment, and it must
    # outlive this test's ``tmp`` (removed when the test passes, ``tmp_path_retention_policy``).
    ready()
    monkeypatch.setenv("TMPDIR", str(tmp))  # the server process's
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # this one's (cached at first use)
    # Its servers forked from an interpreter that imported the project once, not a fresh one
    # each (~2 s of CPU a start, eight starts in this module); each still a process of its own.
    monkeypatch.setattr(eligibility, "subprocess", forked_subprocess)
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
            str(residents),
            "--seconds",
            "0.25",
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
    assert done.exit_code == exit_code, done.stderr[-2000:]
    return (done.stdout if exit_code == 0 else done.stderr).strip().splitlines()


def rate(pattern: re.Pattern[str], lines: list[str]) -> int:
    """The figure of the last line ``pattern`` matches (the last run's)."""
    found = [m for line in lines if (m := pattern.match(line))]
    return int(found[-1].group(1).replace(",", ""))


def assert_ratio_is_to_bare_hello(lines: list[str]) -> None:
    """The headline ratio is the checks' rate over the bare hello application's (the rates
    are printed rounded to whole requests, hence the bounds), and both yardsticks ran."""
    hello, checks = rate(HELLO, lines), rate(CHECKS, lines)
    assert hello > 0 and rate(HEALTH, lines) > 0
    found = LAST_LINE.match(lines[-1])
    assert found, lines[-1]
    ratio = float(found.group(1))
    assert (checks - 0.5) / (hello + 0.5) - 0.005 <= ratio <= (checks + 0.5) / (hello - 0.5) + 0.005


def migrated_fresh_databases(
    monkeypatch: pytest.MonkeyPatch, sqlite_template: Path, pg_url: str | None
) -> None:
    """The benchmark's fresh database (``fresh_database``) made from the worker's migrated
    schema, so its ``build_system`` finds it at the head rather than running every migration
    up from empty (test_migrations' part): on SQLite the two files copies of the migrated
    template, on PostgreSQL a new database of its own, a copy of the worker's. Its drop is
    ``drop_later``'s: the checkpoint PostgreSQL makes a ``DROP DATABASE`` wait for is not
    waited for by the test."""

    def fresh(url: str | None, folder: Path, name: str | None = None) -> tuple[str, str | None]:
        if not url or url.startswith("sqlite"):
            return migrated_sqlite_copy(sqlite_template, folder / "bench.sqlite3"), None
        assert pg_url is not None and url == pg_url
        return migrated_postgres_copy(pg_url, "bench_fresh")

    monkeypatch.setattr(eligibility, "fresh_database", fresh)
    monkeypatch.setattr(eligibility, "drop_database", lambda _url, name: drop_later(name))


@pytest.mark.usefixtures("keys_made_once")
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_benchmark_runs_checks_over_http_and_ends_with_the_ratio_line(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sqlite_template: Path,
) -> None:
    extra: tuple[str, ...] = ()
    pg_url = None
    if backend == "postgresql":  # the benchmark makes (and drops) its own database there
        pg_url = request.getfixturevalue("pg_url")
        extra = ("--database-url", pg_url)
    migrated_fresh_databases(monkeypatch, sqlite_template, pg_url)
    lines = bench(tmp_path, monkeypatch, *extra)
    assert any(line.startswith(f"{backend}, 60 residents") for line in lines), lines
    found = LAST_LINE.match(lines[-1])
    assert found, lines[-1]
    ratio, p50, p99 = map(float, found.groups())
    assert ratio > 0 and 0 < p50 <= p99
    assert_ratio_is_to_bare_hello(lines)
    # Its database and keys went with it (multiprocessing's folder is the session's, ``ready``).
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def loaded_database(
    pg_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """A PostgreSQL database enrolled and kept as a long load is (``bench.loaded``): its URL
    and its data folder; dropped afterwards. One for the module: a run measures it as it is
    and keeps it (its test checks that), the others are refused before reading it."""
    folder = tmp_path_factory.mktemp("loaded")
    # A fresh database as ``fresh_database`` and ``build_system`` would make it, migrated:
    # a copy of this worker's (the migrations not run again).
    name = worker_database_name("bench_kept", "module")
    url = copy_of_worker_database(pg_url, name, seeded=False)
    data_dir = folder / "load"
    try:
        system = build_system(loaded.settings_for(url, data_dir), run_migrations=False)
        cards, _ = enrol(system, 50, Console(quiet=True), sample=20, workers=0, keys=bench_keys())
        loaded.keep(system, cards, 50)
        system.close()
        yield url, data_dir
    finally:
        drop_later(name)


def residents_in(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Person)).scalar_one()
    engine.dispose()
    return count


def test_a_loaded_database_is_measured_as_it_is_runs_times_in_a_row(
    loaded_database: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, data_dir = loaded_database
    run = tmp_path / "run"
    run.mkdir()
    lines = bench(
        run,
        monkeypatch,
        "--database-url",
        url,
        "--data-dir",
        str(data_dir),
        "--runs",
        "2",
        # One server process each (the default on PostgreSQL is one per core, which the
        # benchmark's own test above runs): what is checked here is the kept load.
        "--workers",
        "1",
        residents=50,
    )
    assert any("no enrolment" in line and "20 kept cards" in line for line in lines), lines
    assert [line for line in lines if line.startswith("run ")] == ["run 1 of 2", "run 2 of 2"]
    assert len([line for line in lines if LAST_LINE.match(line)]) == 2
    assert_ratio_is_to_bare_hello(lines)
    # Nobody was enrolled again, and the load is still there for the next run.
    assert residents_in(url) == 50
    assert loaded.holds_a_load(url)


def test_a_loaded_database_of_another_size_is_refused_in_one_line(
    loaded_database: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, data_dir = loaded_database
    (tmp_path / "run").mkdir()
    lines = bench(
        tmp_path / "run",
        monkeypatch,
        "--database-url",
        url,
        "--data-dir",
        str(data_dir),
        residents=60,
        exit_code=2,
    )
    assert lines == ["error: the database holds 50 residents, not 60: run with --residents 50"]
    assert residents_in(url) == 50


def test_a_loaded_database_without_its_data_folder_is_refused(
    loaded_database: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = loaded_database
    (tmp_path / "run").mkdir()
    lines = bench(
        tmp_path / "run",
        monkeypatch,
        "--database-url",
        url,
        "--data-dir",
        str(tmp_path / "elsewhere"),
        residents=50,
        exit_code=2,
    )
    assert len(lines) == 1 and "master.key is missing" in lines[0], lines
