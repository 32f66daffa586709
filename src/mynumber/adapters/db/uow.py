"""The unit of work: one transaction per use case, owned here and nowhere else.

Services never commit on their own; the entry point (API route, CLI command, job) opens a
``UnitOfWork``, calls the service, and commits. Leaving the block without ``commit()`` rolls
everything back, so a failure half-way leaves no half-done change.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker


def session_factory(engine: Engine, info: dict[str, Any] | None = None) -> sessionmaker[Session]:
    """Made once per engine: each ``sessionmaker`` is a new ``Session`` class, and a new class
    per request would rebuild SQLAlchemy's per-class event dispatch every time. ``info`` is
    copied into each session's ``Session.info`` (the audit key)."""
    return sessionmaker(engine, expire_on_commit=False, info=info)


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — rolls back unless committed."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is not open (use `with uow:`)")
        return self._session

    def __enter__(self) -> UnitOfWork:
        self._session = self._factory()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back anything uncommitted; unlike rollback() it leaves loaded
        # objects readable after the block.
        session = self.session
        self._session = None
        session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
