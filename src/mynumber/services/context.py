"""What every use case needs besides its arguments: who is calling, the clock, the keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mynumber.adapters.keys import KeyRing
from mynumber.adapters.protect import NumberVault
from mynumber.domain.access import Role
from mynumber.domain.clock import Clock

if TYPE_CHECKING:
    from mynumber.adapters.mail import PostOffice


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: an organisation's token, a staff member, or a resident."""

    name: str
    role: Role
    municipality_code: str | None = None
    scope_id: int | None = None
    """The employer, insurer or person the caller is bound to, when the role has one."""


@dataclass
class Services:
    """The ports a use case may touch, built once by the bootstrap."""

    clock: Clock
    keys: KeyRing
    post: PostOffice
    base_url: str = "http://127.0.0.1:8000"
    vault: NumberVault = field(init=False)

    def __post_init__(self) -> None:
        self.vault = NumberVault(data_key=self.keys.data_key, lookup_key=self.keys.lookup_key)
