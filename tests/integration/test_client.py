"""The generated Python client (clients/python) is the one this code's OpenAPI document gives:
regenerated into a temporary folder, every file is the same. When a route changes, `make
client` brings it up to date (docs/integrators.md). The generator is installed into its own
venv (.venv-client) by `make test`'s set-up, or by the first run if it is missing.

The document is `mynumber openapi`'s output, the command run in this process (``CliRunner``,
as in test_cli: a new interpreter would only add ~2.5 s of imports); the generator is the real
program, in its own venv."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from tests.integration.test_cli import clean_environment, run  # noqa: F401  (autouse)

ROOT = Path(__file__).resolve().parents[2]
SKIP = {"__pycache__", ".ruff_cache", ".mypy_cache", ".pytest_cache"}


def _make_client() -> object:
    spec = importlib.util.spec_from_file_location(
        "make_client", ROOT / "scripts" / "make_client.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_client"] = module
    spec.loader.exec_module(module)
    return module


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not SKIP & set(path.relative_to(folder).parts)
    }


@pytest.mark.timeout(1200)
def test_the_client_in_the_repository_is_generated_from_this_code(
    tmp_path: Path, migrated_temporary_directories: Callable[[], AbstractContextManager[None]]
) -> None:
    make_client = _make_client()
    with migrated_temporary_directories():  # the command's throw-away database, at the head
        printed = run(["openapi"], tmp_path / "cli")
    assert printed.returncode == 0, printed.stderr
    fresh = tmp_path / "python"
    make_client.generate(fresh, printed.stdout)  # type: ignore[attr-defined]
    kept, made = _files(ROOT / "clients" / "python"), _files(fresh)
    stale = sorted(name for name in kept.keys() | made.keys() if kept.get(name) != made.get(name))
    assert not stale, (
        f"clients/python is out of date ({len(stale)} files: {stale[:8]}): run make client"
    )
