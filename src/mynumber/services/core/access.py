"""The organisation a caller acts for: a ward office acts only for its own municipality."""

from __future__ import annotations

from mynumber.domain.errors import Conflict
from mynumber.services.core.context import Caller


def check_own_municipality(caller: Caller, code: str) -> None:
    if caller.municipality_code and caller.municipality_code != code:
        raise Conflict(
            f"This counter belongs to municipality {caller.municipality_code}, not {code}.",
            f"この窓口は {caller.municipality_code} の窓口です（{code} ではありません）。",
            municipality_code=code,
        )
