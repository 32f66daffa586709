"""The sandbox's own table: where its simulated clock stands (``domain.sandbox``).

One row. Kept in the database so the server and ``mynumber sandbox clock`` (another process)
share one clock, and a restarted sandbox goes on from where it was.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from mynumber.adapters.db.models import Base

CLOCK_ROW = 1


class SandboxClock(Base):
    """The sandbox clock's moment."""

    __tablename__ = "sandbox_clock"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    now: Mapped[dt.datetime]
