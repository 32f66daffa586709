"""A real `mynumber serve --sandbox` on a free port, driven only over HTTP through the
generated client (clients/python): nothing here imports the project, as an integrator's code
would not."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.integration.forked_servers import forked_popen

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "integrators.md"
sys.path.insert(0, str(ROOT / "clients" / "python"))
START_TIMEOUT = 240.0  # seconds: migrations, the demo world's cards, on a busy machine


@dataclass(frozen=True)
class Sandbox:
    """The running sandbox as its start message tells a newcomer."""

    url: str
    admin_token: str
    demo_card: str
    """The demo resident's card (GARCIA MARIA: PINs 4826, 5937, 7148; signature MARIA2026)."""
    data_dir: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _environment(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MYNUMBER_")}
    env["MYNUMBER_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
    )
    return env


@pytest.fixture(scope="session")
def sandbox(
    tmp_path_factory: pytest.TempPathFactory, migrated_data_dir: Callable[[Path], Path]
) -> Iterator[Sandbox]:
    data_dir = tmp_path_factory.mktemp("sandbox") / "var"
    # Its two SQLite files (the register, the chips) are copies of the schema this worker
    # already migrated (tests/conftest.py), so the start finds them at the head instead of
    # running every migration twice (~0.5 s of CPU). They go where `serve --sandbox` keeps its
    # data, <data dir>/sandbox (Settings.for_sandbox, not imported: these tests use nothing of the
    # project but its command line and client): copies in the data directory itself
    # were never opened. What the migrations do is test_migrations'; the start is otherwise a
    # newcomer's first (no clock, no world yet).
    migrated_data_dir(data_dir / "sandbox")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir.parent / "sandbox.log"
    # Forked from an interpreter that imported the project once (tests/integration/
    # forked_servers.py; the forkserver the worker's other servers come from), not a fresh
    # one: ~2 s of CPU less. Still a process of its own on its own port, with this
    # environment and folder, stopped by SIGTERM; this process imports nothing of the project.
    with log.open("wb") as out:
        process = forked_popen(
            [sys.executable, "-m", "mynumber.cli", "serve", "--sandbox", "--port", str(port)],
            env=_environment(data_dir),
            cwd=data_dir.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace").splitlines()[-40:]
                raise AssertionError("the sandbox did not start:\n" + "\n".join(tail))
            time.sleep(0.1)
        text = log.read_text(errors="replace")
        token = re.search(r"Sandbox admin token: (\S+)", text)
        card = re.search(r"holds card ([0-9A-F]{16})", text)
        assert token and card, text
        yield Sandbox(url, token.group(1), card.group(1), data_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def examples(page: Path = PAGE) -> list[str]:
    """The page's Python code blocks, in order."""
    return re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.DOTALL)
