"""The suite's ``settings`` fixture (``tests/conftest.py``'s ``settings_for``, which reads the
environment once and copies) gives what constructing ``Settings`` gives, and follows the
``MYNUMBER_*`` variables as the constructor reads them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mynumber.config import Settings
from tests.conftest import TEST_MASTER_KEY, settings_for


@pytest.mark.parametrize(
    "environment",
    [
        {},
        {"MYNUMBER_MODE": "production", "MYNUMBER_PORT": "9000"},
        {"mynumber_contact_office": "Shibuya ward office", "MYNUMBER_DATABASE_URL": "sqlite:///x"},
        {"MYNUMBER_DATA_DIR": "/elsewhere", "MYNUMBER_AUDIT_CHECKPOINT_EVERY": "7"},
    ],
)
def test_settings_for_gives_what_the_constructor_gives(
    environment: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.upper().startswith("MYNUMBER_"):
            monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for url in ("sqlite:///one.sqlite3", "postgresql+psycopg://u@h/db"):
        made = Settings(database_url=url, data_dir=tmp_path / "var", master_key=TEST_MASTER_KEY)
        given = settings_for(url, tmp_path / "var")
        assert given.model_dump() == made.model_dump()
        assert given.model_fields_set == made.model_fields_set
        assert given == made
        assert isinstance(given.data_dir, Path)
