"""`mynumber ward …` — the ward office's desk from the command line: changing a leaked number
(番号法 第7条第2項) and the arrivals announced by an online 転出届 (引越しワンストップ).

The same use cases as ``/ward-office/…`` in the API (``flows.number_change``,
``flows.moving_online``), run through ``run_use_case``: committed whole, or nothing kept and a
refusal audited. The resident's side of moving online (the 転出届 signed with the card's
signature PIN) stays in the portal: a command line is not the holder's card reader.
Errors print one line and exit 1."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from mynumber.cli.support import command_system, console, one_line_errors, run_use_case
from mynumber.domain.errors import invalid

app = typer.Typer(
    help="The ward office: number changes and announced arrivals.", no_args_is_help=True
)

Municipality = Annotated[
    str,
    typer.Option(
        "--municipality", help="The ward office this command acts for (its municipality code)"
    ),
]


_system = command_system


def _office(municipality: str) -> Any:
    from mynumber.domain.access import Role
    from mynumber.services.core.context import Caller

    return Caller(
        name=f"cli ward office {municipality}".strip(),
        role=Role.WARD_OFFICE,
        municipality_code=municipality or None,
    )


def _date(field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise invalid(
            field,
            f"'{text}' is not a date (YYYY-MM-DD).",
            f"「{text}」は日付ではありません（YYYY-MM-DD）。",
        ) from None


@app.command("change-number")
@one_line_errors
def change_number(
    person: Annotated[int, typer.Argument(help="Person id")],
    ground: Annotated[
        str, typer.Option(help="on_request (the holder asked) or ex_officio (the office's finding)")
    ],
    municipality: Municipality = "",
    leaked: Annotated[bool, typer.Option(help="The office found the number has leaked")] = False,
    fraud_feared: Annotated[
        bool, typer.Option(help="The office found it may be used fraudulently")
    ] = False,
) -> None:
    """個人番号の変更: a new number for a leaked one (both findings needed); the card is
    cancelled, a new notification letter posted, the old number's holders told."""
    from mynumber.services.flows import number_change

    caller = _office(municipality)
    done = run_use_case(
        _system(),
        lambda session, svc: number_change.change_number(
            session,
            svc,
            caller=caller,
            person_id=person,
            ground=ground,
            leaked=leaked,
            fraud_feared=fraud_feared,
        ),
    )
    console.print(
        f"person {done.person_id}: new My Number {done.masked_number}; "
        f"{done.cards_cancelled} card(s) cancelled; new notification letter posted "
        f"(application ID {done.application_id}); notices to {done.employers_notified} "
        f"employer(s), {done.insurers_notified} insurer(s)",
        highlight=False,
        soft_wrap=True,
    )


@app.command("arrivals")
@one_line_errors
def arrivals(municipality: Municipality = "") -> None:
    """来庁予定: the arrivals announced to this municipality by an online 転出届, by visit day
    (each one listed is a read of the person, audited)."""
    from mynumber.services.flows import moving_online

    caller = _office(municipality)
    views = run_use_case(
        _system(),
        lambda session, svc: moving_online.announced_arrivals(session, svc, caller=caller),
    )
    if not views:
        console.print("no announced arrivals")
        return
    for view in views:
        late = "  OVERDUE: the card lapses at the 転入届" if view.overdue else ""
        console.print(
            f"person {view.person_id}  {view.name_latin}  born {view.date_of_birth}  "
            f"from {view.from_municipality}  moves {view.planned_move_on}  visit {view.visit_on}"
            f"  by {view.visit_deadline}{late}",
            highlight=False,
            soft_wrap=True,
        )


@app.command("arrival")
@one_line_errors
def arrival(
    person: Annotated[int, typer.Argument(help="Person id, from `ward arrivals`")],
    address: Annotated[str, typer.Option(help="The new address")],
    since: Annotated[str, typer.Option(help="Started living there, YYYY-MM-DD")],
    municipality: Municipality = "",
) -> None:
    """転入届 for an announced arrival, at the counter with the card the 転出届 was signed
    with; the card's moving rules apply (chip updated, or lapsed after the deadline)."""
    from mynumber.services.flows import moving_online

    caller = _office(municipality)
    started = _date("since", since)
    result = run_use_case(
        _system(),
        lambda session, svc: moving_online.complete_announced_arrival(
            session,
            svc,
            caller=caller,
            person_id=person,
            address=address,
            started_living_on=started,
        ),
    )
    late = " (late: more than 14 days after moving in)" if result.late else ""
    console.print(
        f"moved in: person {result.person_id}, My Number {result.masked_number}{late}",
        highlight=False,
        soft_wrap=True,
    )
