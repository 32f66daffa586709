"""Regenerate the Python client (clients/python) from the API's OpenAPI document.

`make client` runs it; tests/integration/test_client.py runs `generate` into a temporary
folder and compares. The generator (openapi-python-client) lives in a venv of its own,
`.venv-client` (not tracked), because it pins typer and httpx below what the project uses;
`ensure_generator` makes that venv the first time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ROOT / "clients" / "python"
CONFIG = ROOT / "clients" / "python-client.yaml"
VENV = ROOT / ".venv-client"
GENERATOR = "openapi-python-client==0.29.1"


def ensure_generator() -> Path:
    """The generator's command, installed into ``.venv-client`` if it is not there yet."""
    command = VENV / "bin" / "openapi-python-client"
    if not command.exists():
        venv.create(VENV, with_pip=True)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "-q", GENERATOR],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return command


def openapi_document() -> str:
    """The document, as `mynumber openapi` prints it (this checkout's code)."""
    done = subprocess.run(
        [sys.executable, "-m", "mynumber.cli", "openapi"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return done.stdout


def generate(output: Path, document: str | None = None) -> None:
    """Write the client generated from ``document`` (this code's, by default) to ``output``."""
    command = ensure_generator()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "openapi.json"
        source.write_text(document or openapi_document(), encoding="utf-8")
        env = dict(os.environ, PATH=f"{VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
        subprocess.run(
            [
                str(command),
                "generate",
                "--path",
                str(source),
                "--config",
                str(CONFIG),
                "--meta",
                "setup",
                "--output-path",
                str(output),
                "--overwrite",
            ],
            check=True,
            capture_output=True,
            env=env,
            cwd=folder,
            timeout=600,
        )


if __name__ == "__main__":
    generate(CLIENT)
    print(f"client regenerated in {CLIENT.relative_to(ROOT)}")
