"""`mynumber oidc …`: the card centre reviews services and rotates the signing key from the
command line (one line and exit 1 on a refusal)."""

from __future__ import annotations

import shutil
from pathlib import Path

from mynumber.bootstrap import build_system
from mynumber.config import Settings
from mynumber.domain.oidc import ClientAuthMethod
from mynumber.services.oidc import clients
from tests.conftest import TEST_MASTER_KEY
from tests.integration.test_cli import clean_environment, run  # noqa: F401  (autouse)


def test_the_card_centre_reviews_a_service_and_rotates_the_key(
    tmp_path: Path, sqlite_template: Path
) -> None:
    # The commands' embedded databases, migrated: copies of the worker's template.
    shutil.copy(sqlite_template, tmp_path / "mynumber.sqlite3")
    shutil.copy(sqlite_template, tmp_path / "mynumber-chips.sqlite3")
    system = build_system(
        Settings(data_dir=tmp_path, master_key=TEST_MASTER_KEY), run_migrations=False
    )
    with system.uow() as uow:
        applied = clients.apply(
            uow.session,
            system.services,
            application=clients.Application(
                "Sakura Bank",
                "Account opening",
                ["https://bank.example/cb"],
                ["openid", "name", "address"],
                ClientAuthMethod.CLIENT_SECRET_BASIC,
            ),
        )
        uow.commit()
    system.close()
    client_id = applied.client.client_id
    listed = run(["oidc", "list"], tmp_path)
    assert listed.returncode == 0 and "applied" in listed.stdout and client_id in listed.stdout
    refused = run(["oidc", "approve", client_id, "--scopes", "openid,gender"], tmp_path)
    assert refused.returncode == 1 and "did not ask for gender" in refused.stderr + refused.stdout
    done = run(["oidc", "approve", client_id, "--scopes", "openid,name"], tmp_path)
    assert done.returncode == 0 and "approved, scopes openid name" in done.stdout
    assert run(["oidc", "approve", "rp_unknown"], tmp_path).returncode == 1
    first = run(["oidc", "rotate-key"], tmp_path)
    second = run(["oidc", "rotate-key"], tmp_path)
    assert first.returncode == 0 and "New signing key" in first.stdout
    assert "retired; published until" in second.stdout
    assert run(["oidc", "suspend", client_id], tmp_path).stdout.count("suspended") == 1
