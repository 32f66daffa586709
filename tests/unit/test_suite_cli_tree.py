"""The suite's ``cli_commands_built_once`` (tests/conftest.py): Typer's test runner gets the
click tree it built for an app again only while the app's commands, groups and callback are
the same; a command registered later is in the next tree, and another app gets its own."""

from __future__ import annotations

import typer
from typer import testing
from typer.testing import CliRunner


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def hello() -> None:
        typer.echo("hello")

    @app.command()
    def spare() -> None:  # two commands: a group, as mynumber's CLI is
        typer.echo("spare")

    return app


def test_the_same_app_gets_the_tree_built_for_it() -> None:
    app = _app()
    first = testing._get_command(app)
    assert testing._get_command(app) is first
    assert CliRunner().invoke(app, ["hello"]).output == "hello\n"
    assert testing._get_command(app) is first


def test_a_command_registered_later_is_in_a_new_tree() -> None:
    app = _app()
    before = testing._get_command(app)

    @app.command()
    def later() -> None:
        typer.echo("later")

    after = testing._get_command(app)
    assert after is not before
    assert "later" in after.commands and "later" not in before.commands  # type: ignore[attr-defined]
    assert CliRunner().invoke(app, ["later"]).output == "later\n"


def test_a_group_added_later_is_in_a_new_tree() -> None:
    app, group = _app(), typer.Typer()

    @group.command()
    def inner() -> None:
        typer.echo("inner")

    before = testing._get_command(app)
    app.add_typer(group, name="group")
    assert testing._get_command(app) is not before
    assert CliRunner().invoke(app, ["group", "inner"]).output == "inner\n"


def test_each_app_gets_its_own_tree() -> None:
    one, other = _app(), _app()
    assert testing._get_command(one) is not testing._get_command(other)
