"""Statements that take a list of values as one parameter, whatever its length.

An expanding ``IN (…)`` renders one placeholder per value, so a statement run with groups of
1, 2, … 64 values is 64 different statements. On PostgreSQL each new text is parsed and
planned again (psycopg prepares a statement only after it has seen the same text five times,
and keeps a hundred), which for the clinic checks' joined card read cost more than running
it. There the list goes as one array, ``column = ANY(%(name)s)``: one text, prepared once.
SQLite plans in microseconds and has no arrays, so it keeps the expanding ``IN``.

A list of a partitioned table's key (``adapters.db.partitions``) goes as the rows of the
array instead, ``column IN (SELECT unnest((SELECT %(name)s)))``. With ``= ANY(array)``
PostgreSQL can prune partitions only when it plans the statement for the values at hand (a
custom plan: the joined card read spent ~1.5 ms planning against 16 partitions of three
tables before every run); in a generic plan the array is a parameter and every partition's
index is searched for every value. As the rows of ``unnest`` the values drive a nested loop
whose inner side is pruned to one partition per value at run time, so the prepared
statement's generic plan looks each value up in its own partition, and PostgreSQL keeps that
plan instead of planning again (docs/benchmarks.md, "Clinic eligibility checks").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute

from mynumber.adapters.db.partitions import PARTITION_KEYS

Statement = TypeVar("Statement")
Column = ColumnElement[Any] | QueryableAttribute[Any]
OneOf = Callable[[Column, str], ColumnElement[bool]]


def _one_of_array(column: Column, name: str) -> ColumnElement[bool]:
    values = bindparam(name, type_=ARRAY(column.type))
    if _is_partition_key(column):
        # The array through a sub-select: planned for its values, ``unnest`` of a constant
        # array is counted as its length, of anything else as 10 rows, as in the generic
        # plan. With the two counted alike, the generic plan wins PostgreSQL's comparison by
        # the planning it saves, whatever the group's size; counted by length, groups of
        # fewer than ten looked cheaper planned afresh, and were (~2–5 ms a run).
        return column.in_(select(func.unnest(select(values).scalar_subquery())))
    return column == any_(values)


def _is_partition_key(column: Column) -> bool:
    table = getattr(column, "table", None)
    return PARTITION_KEYS.get(getattr(table, "name", "")) == getattr(column, "key", None)


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
