"""What every use case needs besides its arguments: who is calling, the clock, the keys,
the post, the card store and the certificate authority."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy.orm import Session

from mynumber.adapters.keys import KeyRing
from mynumber.adapters.protect import NumberVault
from mynumber.card.keys import FreshKeys, KeySource
from mynumber.card.store import ChipStore, MemoryChipStore
from mynumber.domain.access import Role
from mynumber.domain.clock import Clock

if TYPE_CHECKING:
    from mynumber.adapters.mail import PostOffice
    from mynumber.pki.ca import CertificateAuthority


DbSession: TypeAlias = Session
"""The unit of work's session, as entry points name it (they never import SQLAlchemy)."""


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: an organisation's token, a staff member, or a resident."""

    name: str
    role: Role
    municipality_code: str | None = None
    scope_id: int | None = None
    """The employer, insurer or person the caller is bound to, when the role has one."""
    clerk_id: int | None = None
    """The clerk (事務取扱担当者) logged in for the organisation; None for a machine's token."""
    clerk: str | None = None
    """That clerk's login, which the audit log names beside the organisation."""


@dataclass
class Services:
    """The ports a use case may touch, built once by the bootstrap."""

    clock: Clock
    keys: KeyRing
    post: PostOffice
    base_url: str = "http://127.0.0.1:8000"
    chips: ChipStore = field(default_factory=MemoryChipStore)
    """The card store (the residents' pockets): ``SqlChipStore`` when built by the bootstrap."""
    key_source: KeySource = field(default_factory=FreshKeys)
    """Card key pairs: always fresh in the product; tests and benchmarks may use a pool."""
    ca_dir: Path = Path("var/ca")
    vault: NumberVault = field(init=False)
    _ca: CertificateAuthority | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.vault = NumberVault(data_key=self.keys.data_keys, lookup_key=self.keys.lookup_key)

    @property
    def ca(self) -> CertificateAuthority:
        """The card centre's CA, loaded (or made, the first time) on first use."""
        if self._ca is None:
            from mynumber.pki.ca import CertificateAuthority

            self._ca = CertificateAuthority.load_or_create(
                self.ca_dir,
                self.keys.ca_passphrase,
                now=self.clock.now(),
                base_url=self.base_url.rstrip("/") + "/jpki",
            )
        return self._ca
