"""Fixtures shared by the integration tests (the builders are plain functions in the
``*_support`` and ``helpers`` modules)."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from mynumber.bootstrap import System
from tests.integration.snapshots import Snapshots
from tests.staff_login import cheap_passwords  # noqa: F401  (autouse: cheap Argon2 in tests)


@pytest.fixture
def cards(system: System) -> System:
    """The system for the card-lifecycle tests (on SQLite its card store is a file of its own,
    as the bootstrap makes it)."""
    return system


@pytest.fixture(scope="session")
def snapshots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Snapshots]:
    """Worlds built once per worker and backend, copied into each test's fresh system
    (``tests/integration/snapshots.py``)."""
    made = Snapshots(tmp_path_factory.mktemp("snapshots"))
    yield made
    made.close()


@pytest.fixture
def cli_data_seeded(tmp_path: Path, sqlite_template: Path, sqlite_seeded_template: Path) -> None:
    """``tmp_path``, the CLI commands' data directory, with its embedded databases migrated
    and the municipalities in: copies of the worker's templates (migrating the two files
    afresh cost ~1 s of CPU a test)."""
    shutil.copy(sqlite_seeded_template, tmp_path / "mynumber.sqlite3")
    shutil.copy(sqlite_template, tmp_path / "mynumber-chips.sqlite3")


@pytest.fixture
def migrated_temporary_directories(
    migrated_data_dir: Callable[[Path], Path],
) -> Callable[[], AbstractContextManager[None]]:
    """A context in which each ``tempfile.TemporaryDirectory`` starts as a migrated data
    directory (``migrated_data_dir``): for the commands that run on a throw-away data
    directory of their own (``mynumber demo``, ``mynumber openapi``), which then migrate
    nothing. Only around the command: other temporary folders of the test stay empty."""

    class Migrated(tempfile.TemporaryDirectory[str]):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            migrated_data_dir(Path(self.name))

    @contextlib.contextmanager
    def migrated() -> Iterator[None]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(tempfile, "TemporaryDirectory", Migrated)
            yield

    return migrated
