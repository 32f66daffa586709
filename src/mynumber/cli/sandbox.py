"""`mynumber sandbox …` — the integrators' sandbox from the command line, on the sandbox's
own database (``Settings.for_sandbox``: ``var/sandbox`` unless a database is named): move
its clock, print its admin token, add organisations. A running `mynumber serve --sandbox`
sees a move at its next request. Errors print one line and exit non-zero.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from mynumber.cli.support import closed_with_command, console, one_line_errors, run_use_case
from mynumber.config import Settings
from mynumber.domain.access import Role
from mynumber.services.core.context import Caller

app = typer.Typer(
    help="The integrators' sandbox: its clock and organisations.", no_args_is_help=True
)

CLI_ADMIN = Caller(name="Sandbox admin (command line)", role=Role.SANDBOX_ADMIN)


def sandbox_system() -> Any:
    """The sandbox's system (its database, keys and clock)."""
    from mynumber.bootstrap import build_sandbox_system

    return closed_with_command(build_sandbox_system(Settings().for_sandbox()))


@app.command("clock")
@one_line_errors
def clock(
    move: Annotated[
        str,
        typer.Argument(help="+30d, +2w, +12h, +90min, or a date (2027-01-01); none: show it"),
    ] = "",
) -> None:
    """Show the sandbox clock, or move it forward (the days' work is done on the way)."""
    from mynumber.services.sandbox import clock as sandbox_clock

    system = sandbox_system()
    if not move:
        shown = sandbox_clock.read_clock(system.services, caller=CLI_ADMIN)
        console.print(f"sandbox clock: {shown.now:%Y-%m-%d %H:%M} JST", highlight=False)
        return
    moved = run_use_case(
        system,
        lambda session, svc: sandbox_clock.move_clock(session, svc, caller=CLI_ADMIN, to=move),
    )
    console.print(
        f"sandbox clock: {moved.was:%Y-%m-%d %H:%M} -> {moved.now:%Y-%m-%d %H:%M} JST "
        f"({moved.rounds} rounds of the day's work: {moved.cards_made} cards made, "
        f"{moved.mail_settled} items of mail settled, {moved.renewal_notices} expiry notices, "
        f"{moved.cards_lapsed} cards lapsed)",
        highlight=False,
        soft_wrap=True,
    )


@app.command("admin-token")
@one_line_errors
def admin_token() -> None:
    """Print the sandbox admin's API token (the same at every start)."""
    from mynumber.services.sandbox import organisations

    system = sandbox_system()
    token = run_use_case(system, organisations.admin_token)
    console.print(token, highlight=False, soft_wrap=True)


@app.command("add-organisation")
@one_line_errors
def add_organisation(
    kind: Annotated[
        str,
        typer.Option(
            help="municipality, insurer, employer, clinic, tax_office, kiosk, card_centre "
            "or immigration"
        ),
    ],
    name: Annotated[str, typer.Option(help="Its name (English)")],
    code: Annotated[
        str,
        typer.Option(
            help="municipality: local government code; clinic: institution code; insurer: "
            "insurer number; employer: corporate number"
        ),
    ] = "",
    name_ja: Annotated[str, typer.Option(help="Its name in Japanese")] = "",
    municipality: Annotated[str, typer.Option(help="A National Health Insurance's town")] = "",
    insurer_kind: Annotated[str, typer.Option(help="nhi, employer or late_elderly")] = "employer",
    insurer_number: Annotated[str, typer.Option(help="An employer's insurer")] = "",
    address: Annotated[str, typer.Option(help="An employer's address")] = "",
) -> None:
    """Add an organisation to the sandbox; prints its token once."""
    from mynumber.domain.errors import invalid
    from mynumber.domain.insurance import InsurerKind
    from mynumber.services.sandbox import organisations
    from mynumber.services.sandbox.organisations import OrganisationForm, OrganisationKind

    try:
        form = OrganisationForm(
            kind=OrganisationKind(kind.strip().lower()),
            name=name,
            name_ja=name_ja,
            code=code,
            municipality_code=municipality or None,
            insurer_kind=InsurerKind(insurer_kind.strip().lower()),
            insurer_number=insurer_number or None,
            address=address,
        )
    except ValueError:
        raise invalid(
            "kind", "Unknown kind of organisation or insurer.", "組織または保険者の種別が不明です。"
        ) from None
    made = run_use_case(
        sandbox_system(),
        lambda session, svc: organisations.create_organisation(
            session, svc, caller=CLI_ADMIN, form=form
        ),
    )
    console.print(
        f"{made.kind.value} {made.name} ({made.role.value}): token {made.token}",
        highlight=False,
        soft_wrap=True,
    )
