"""`mynumber demo`: a newly arrived resident from arrival to card in hand, dated.

The demo's throw-away data directory starts with the databases migrated
(``migrated_temporary_directories``): what is checked is the story it tells; migrating a new
directory is ``test_migrations``' and ``test_cli``'s."""

from __future__ import annotations

import io
from collections.abc import Callable
from contextlib import AbstractContextManager

from rich.console import Console

from mynumber.demo.tour import run_demo


def test_the_demo_prints_the_dated_timeline_from_arrival_to_card_in_hand(
    migrated_temporary_directories: Callable[[], AbstractContextManager[None]],
) -> None:
    out = io.StringIO()
    with migrated_temporary_directories():
        run_demo(Console(file=out, width=200))
    text = out.getvalue()
    for expected in (
        "2026-04-01",
        "転入届 filed",
        "nobody is home",
        "face is too small",
        "application accepted",
        "2026-05-30",
        "pickup notice",
        "chooses 1234",
        "consecutive digits",
        "receives card",
        "2 tries left",
        "card in hand",
    ):
        assert expected in text, expected
    assert text.index("arrives") < text.index("receives card") < text.index("in hand and in use")
