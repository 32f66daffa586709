"""`mynumber keys …` — the master key's sealing versions: status, rotate, retire.

The versions live in the master key file (``MYNUMBER_MASTER_KEY_FILE``, or ``var/dev-master.key``
in dev mode), mode 0600; a running service reads the file again when it changes, so it can keep
serving while ``rotate`` re-seals values in small batches (docs/architecture.md, "Keys and
their rotation"). Errors print one line and exit 1 (2 for a configuration error).
"""

from __future__ import annotations

from typing import Annotated

import typer

from mynumber.cli.support import command_system, console, err, one_line_errors

app = typer.Typer(help="The master key's versions: status, rotate, retire.", no_args_is_help=True)


_system = command_system


@app.command("status")
@one_line_errors
def status() -> None:
    """Each key version (newest first): newest, live or retired, and how many values it
    still protects, by kind."""
    from mynumber.services.flows import key_rotation

    system = _system()
    with system.reading() as uow:
        versions = key_rotation.status(uow.session, system.services)
    for version in versions:
        kinds = ", ".join(f"{name} {n}" for name, n in sorted(version.values.items()))
        console.print(
            f"v{version.version} {version.state}: {version.total} values"
            + (f" ({kinds})" if kinds else ""),
            highlight=False,
            soft_wrap=True,
        )


@app.command("rotate")
@one_line_errors
def rotate(
    batch_size: Annotated[int, typer.Option(min=1, help="Values re-sealed per transaction")] = 500,
    keep_old: Annotated[
        bool, typer.Option(help="Keep the older versions live at the end (retire them later)")
    ] = False,
    grace_seconds: Annotated[
        float,
        typer.Option(
            min=0,
            help="Wait before the last pass, for transactions begun under the old "
            "version to commit",
        ),
    ] = 2.0,
) -> None:
    """Make a new key version and re-seal every value under it, online, in batches; then
    retire the older versions. Run it again to finish a rotation that was stopped."""
    from mynumber.services.flows import key_rotation

    system = _system()

    def progress(kind: str, resealed: int) -> None:
        if resealed:
            console.print(f"  {kind}: {resealed} re-sealed", highlight=False)

    report = key_rotation.rotate(
        system.uow,
        system.services,
        batch_size=batch_size,
        retire_old=not keep_old,
        grace_seconds=grace_seconds,
        after_batch=progress,
    )
    verb = "finished the rotation to" if report.resumed else "rotated to"
    console.print(
        f"{verb} key version {report.version}: {report.resealed} values re-sealed"
        f" ({report.changed_meanwhile} rewritten by the service meanwhile)",
        highlight=False,
        soft_wrap=True,
    )
    if report.retired:
        console.print("retired: " + ", ".join(f"v{v}" for v in report.retired), highlight=False)
    if report.unreadable:
        err.print(
            f"error: {len(report.unreadable)} values open under no live key version "
            f"(first: {report.unreadable[0]}); the older versions stay live.",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    if report.left and not keep_old:
        left = ", ".join(f"v{v} {n}" for v, n in sorted(report.left.items()))
        err.print(
            f"error: values still under older versions ({left}): run it again.",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)


@app.command("retire")
@one_line_errors
def retire(version: Annotated[int, typer.Argument(help="The key version, e.g. 1")]) -> None:
    """Retire a key version that no value names any more: its key is erased from the key
    file, and a value under it is refused from now on."""
    from mynumber.services.flows import key_rotation

    system = _system()
    key_rotation.retire(system.uow, system.services, version)
    console.print(f"retired key version {version}", highlight=False)
