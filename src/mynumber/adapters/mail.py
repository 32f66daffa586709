"""The post: a mail adapter whose delivery takes time and can fail.

There is no real post here; ``PostOffice`` delivers on the injected clock after a delay and
decides each outcome by rules the caller sets (tests and the demo script failures by address,
e.g. ``{"Room 404": DeliveryFailure.WRONG_ADDRESS}``). Everything else is delivered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from mynumber.domain.mail import DeliveryFailure, MailKind

DEFAULT_DELAYS: dict[MailKind, dt.timedelta] = {
    # The guide: the letter arrives about 2–4 weeks after registration.
    MailKind.NOTIFICATION_LETTER: dt.timedelta(days=21),
    MailKind.PICKUP_NOTICE: dt.timedelta(days=3),
    MailKind.RENEWAL_NOTICE: dt.timedelta(days=3),
    MailKind.ELIGIBILITY_LETTER: dt.timedelta(days=3),
    MailKind.CARD: dt.timedelta(days=2),
}


@dataclass
class PostOffice:
    """Delivery delays per kind and failure rules by address fragment."""

    failures: dict[str, DeliveryFailure] = field(default_factory=dict)
    delays: Mapping[MailKind, dt.timedelta] = field(default_factory=lambda: dict(DEFAULT_DELAYS))

    def delivery_time(self, kind: MailKind) -> dt.timedelta:
        return self.delays[kind]

    def outcome(self, address: str) -> DeliveryFailure | None:
        """``None`` when delivered; otherwise why it came back."""
        for fragment, failure in self.failures.items():
            if fragment in address:
                return failure
        return None

    def fail_deliveries_to(self, address_fragment: str, failure: DeliveryFailure) -> None:
        self.failures[address_fragment] = failure
