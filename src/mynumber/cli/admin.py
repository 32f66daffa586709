"""`mynumber admin …` — set up a production system without the demo world: organisations
and their clerks (each with their own login; the password is read from the terminal or
standard input, never from the command line, where it would stay in the shell's history and
the process list). Errors print one line and exit 1.
"""

from __future__ import annotations

from typing import Annotated

import typer

from mynumber.cli.support import command_system, console, one_line_errors

app = typer.Typer(help="Set up organisations and their clerks.", no_args_is_help=True)


_system = command_system


@app.command("add-organisation")
@one_line_errors
def add_organisation(
    name: Annotated[str, typer.Option(help="The organisation's name")],
    role: Annotated[
        str,
        typer.Option(
            help="ward_office, card_centre, clinic, insurer, employer, tax_office, kiosk "
            "or immigration"
        ),
    ],
    municipality: Annotated[
        str, typer.Option(help="6-digit local government code (a ward office)")
    ] = "",
    scope_id: Annotated[
        int | None,
        typer.Option(help="The clinic, insurer, employer or immigration bureau id it stands for"),
    ] = None,
) -> None:
    """Add an organisation; prints its id."""
    from mynumber.domain.access import Role
    from mynumber.domain.errors import invalid
    from mynumber.services.core import staff

    try:
        parsed = Role(role.strip().lower())
    except ValueError:
        raise invalid(
            "role", f"'{role[:20]}' is not a role.", f"「{role[:20]}」は役割ではありません。"
        ) from None
    system = _system()
    with system.uow() as uow:
        org = staff.add_organisation(
            uow.session,
            system.services,
            name=name,
            role=parsed,
            municipality_code=municipality or None,
            scope_id=scope_id,
        )
        uow.commit()
        console.print(
            f"organisation {org.id}: {org.name} ({org.role})", highlight=False, soft_wrap=True
        )


@app.command("add-immigration-bureau")
@one_line_errors
def add_immigration_bureau(
    name: Annotated[str, typer.Option(help="The bureau's name")],
    prefectures: Annotated[
        str, typer.Option(help="The prefectures it serves (管轄), 2-digit codes: 13,14")
    ],
    name_ja: Annotated[str, typer.Option(help="Its Japanese name")] = "",
) -> None:
    """Add a regional immigration bureau (地方出入国在留管理局); prints its id, the scope-id
    of its organisation (add-organisation --role immigration --scope-id …)."""
    from mynumber.services.immigration import bureaus

    system = _system()
    with system.uow() as uow:
        bureau = bureaus.create_bureau(
            uow.session,
            system.services,
            name=name,
            name_ja=name_ja,
            prefectures=prefectures.split(","),
        )
        uow.commit()
        console.print(
            f"immigration bureau {bureau.id}: {bureau.name} ({bureau.prefectures})",
            highlight=False,
            soft_wrap=True,
        )


@app.command("add-clerk")
@one_line_errors
def add_clerk(
    org: Annotated[str, typer.Option(help="The organisation's id or exact name")],
    login: Annotated[str, typer.Option(help="The clerk's login (a-z, 0-9, . _ -)")],
    name: Annotated[str, typer.Option(help="The clerk's name")] = "",
    employer_staff: Annotated[
        int | None,
        typer.Option(help="An employer's clerk: their staff account id (payroll, HR or manager)"),
    ] = None,
) -> None:
    """Add a clerk; the password is asked for twice (or read from standard input)."""
    from mynumber.services.core import staff

    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    staff.check_password_rule(password)  # before the database is touched
    system = _system()
    with system.uow() as uow:
        organisation = staff.find_organisation(uow.session, org)
        clerk = staff.add_clerk(
            uow.session,
            system.services,
            organisation=organisation,
            login=login,
            name=name or login,
            password=password,
            employer_staff_id=employer_staff,
        )
        uow.commit()
        console.print(
            f"clerk {clerk.id}: {clerk.login} of {organisation.name}",
            highlight=False,
            soft_wrap=True,
        )


@app.command("deactivate-clerk")
@one_line_errors
def deactivate_clerk(login: Annotated[str, typer.Option(help="The clerk's login")]) -> None:
    """A clerk who left: no more logins, and their open sessions end now."""
    from mynumber.services.core import staff

    system = _system()
    with system.uow() as uow:
        clerk = staff.deactivate_clerk(uow.session, system.services, login=login)
        uow.commit()
        console.print(f"clerk {clerk.login} deactivated", highlight=False)
