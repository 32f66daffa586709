"""`mynumber employer …` — set up an employer, and the retention sweep that deletes My Numbers
whose retention period has passed (番号法ガイドライン: delete promptly, record the deletion).
Errors print one line and exit 1."""

from __future__ import annotations

from typing import Annotated

import typer

from mynumber.cli.support import command_system, console, one_line_errors

app = typer.Typer(help="Employers: set-up and the My Number retention sweep.", no_args_is_help=True)


_system = command_system


@app.command("add")
@one_line_errors
def add(
    corporate_number: Annotated[str, typer.Option(help="法人番号, 13 digits")],
    name: Annotated[str, typer.Option(help="The employer's name")],
    address: Annotated[str, typer.Option(help="The employer's address")] = "",
    insurer_number: Annotated[
        str, typer.Option(help="The health insurance association's insurer number")
    ] = "",
    manager: Annotated[str, typer.Option(help="The first manager's name")] = "manager",
) -> None:
    """Set up an employer; prints its id and the first manager's token (shown once)."""
    from mynumber.services.employer.employers import register_employer

    system = _system()
    with system.uow() as uow:
        employer, token = register_employer(
            uow.session,
            system.services,
            corporate_number=corporate_number,
            name=name,
            address=address,
            insurer_number=insurer_number or None,
            manager_name=manager,
        )
        uow.commit()
    console.print(
        f"employer {employer.id}: {employer.name} ({employer.corporate_number})", highlight=False
    )
    console.print(f"manager token: {token}", highlight=False, soft_wrap=True)


@app.command("sweep")
@one_line_errors
def sweep() -> None:
    """Delete every employee's My Number whose retention period has passed (all employers)."""
    from mynumber.domain.access import Role
    from mynumber.services.core.context import Caller
    from mynumber.services.employer.numbers import sweep_expired_numbers

    system = _system()
    job = Caller(name="retention sweep (mynumber employer sweep)", role=Role.EMPLOYER)
    with system.uow() as uow:
        done = sweep_expired_numbers(uow.session, system.services, caller=job)
        uow.commit()
    for item in done:
        console.print(
            f"deleted: employer {item.employer_id}, employee {item.employee_id} "
            f"(retention ended {item.retention_ended_on.isoformat()})",
            highlight=False,
        )
    console.print(f"{len(done)} numbers deleted", highlight=False)
