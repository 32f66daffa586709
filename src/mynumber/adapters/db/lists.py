"""Statements that take a list of values as one parameter, whatever its length.

An expanding ``IN (…)`` renders one placeholder per value, so a statement run with groups of
1, 2, … 64 values is 64 different statements. On PostgreSQL each new text is parsed and
planned again (psycopg prepares a statement only after it has seen the same text five times,
and keeps a hundred), which for the clinic checks' joined card read cost more than running
it. There the list goes as one array, ``column = ANY(%(name)s)``: one text, prepared once.
SQLite plans in microseconds and has no arrays, so it keeps the expanding ``IN``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute

Statement = TypeVar("Statement")
Column = ColumnElement[Any] | QueryableAttribute[Any]
OneOf = Callable[[Column, str], ColumnElement[bool]]


def _one_of_array(column: Column, name: str) -> ColumnElement[bool]:
    return column == any_(bindparam(name, type_=ARRAY(column.type)))


def _one_of_expanding(column: Column, name: str) -> ColumnElement[bool]:
    return column.in_(bindparam(name, expanding=True))


class ListStatement(Generic[Statement]):
    """A statement built once per dialect by ``build(one_of)``, where ``one_of(column,
    name)`` is the condition "``column`` is one of the list bound as ``name``"."""

    def __init__(self, build: Callable[[OneOf], Statement]) -> None:
        self._build = build
        self._built: dict[str, Statement] = {}

    def on(self, dialect_name: str) -> Statement:
        """The statement for the dialect of that name."""
        built = self._built.get(dialect_name)
        if built is None:
            one_of = _one_of_array if dialect_name == "postgresql" else _one_of_expanding
            built = self._built[dialect_name] = self._build(one_of)
        return built
