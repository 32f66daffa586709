"""Inserting many rows at once, in the session's transaction, faster than SQLAlchemy's
``executemany``: binary ``COPY`` on PostgreSQL (for a few rows one INSERT of arrays), the
driver's ``executemany`` on SQLite.

Through the driver rather than SQLAlchemy: its per-row parameter handling costs more than
SQLite's insert itself, and on PostgreSQL its multi-VALUES statements are re-parsed by psycopg
in Python (statements over 4 KB are not cached) while a binary COPY costs a few microseconds a
row. Values still go through the columns' own bind processing (``UtcDateTime``, …), so what
is stored is what the ORM would store. Used by bulk registration and by the clinic checks
answered in groups (``services.card_checks``: visits, audit entries, nonces).
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, cast

from psycopg.types.json import Json
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    insert,
    text,
)
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator, TypeEngine

from mynumber.adapters.db.models import Base

Row = dict[str, Any]


def insert_rows(
    session: Session,
    model: type[Base],
    rows: list[Row],
    *,
    return_ids: bool = False,
) -> list[int]:
    """Insert ``rows`` (dicts with the same keys) into ``model``'s table, in the session's
    transaction.

    With ``return_ids``, the new ``id`` of each row in the order given (else an empty list).
    Column defaults apply as for any INSERT; a violated constraint raises SQLAlchemy's
    ``IntegrityError``.
    """
    if not rows:
        return []
    session.flush()  # as autoflush would: the rows may refer to what the caller just added
    return insert_rows_on(
        session.connection(), cast(Table, model.__table__), rows, return_ids=return_ids
    )


def insert_rows_on(
    connection: Connection, table: Table, rows: list[Row], *, return_ids: bool = False
) -> list[int]:
    """``insert_rows`` on a connection in a transaction, with no ``Session`` around it (the
    audit entry a refusal leaves in a transaction of its own)."""
    if not rows:
        return []
    name = connection.dialect.name
    if name not in ("postgresql", "sqlite"):
        return _insert_with_core(connection, table, rows, return_ids)
    columns = [*rows[0], *_scalar_defaults(table, rows[0])]
    try:
        if name == "postgresql":
            return _copy_rows(connection, table, columns, rows, return_ids)
        return _insert_sqlite(connection, table, columns, rows, return_ids)
    except connection.dialect.loaded_dbapi.Error as exc:  # as SQLAlchemy raises it
        raise DBAPIError.instance(
            f"INSERT INTO {table.name}", None, exc, connection.dialect.loaded_dbapi.Error
        ) from exc


def _insert_with_core(
    connection: Connection, table: Table, rows: list[Row], return_ids: bool
) -> list[int]:
    if not return_ids:
        connection.execute(insert(table), rows)
        return []
    result = connection.execute(
        insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [row[0] for row in result]


def _copy_rows(
    connection: Connection, table: Table, columns: list[str], rows: list[Row], return_ids: bool
) -> list[int]:
    """PostgreSQL: one binary ``COPY`` (ids drawn first from the table's own sequence), or
    for a few rows one INSERT of arrays (``unnest``)."""
    # COPY is the driver's own API, which an asynchronous connection (``async_units``) offers
    # only as a coroutine: there the arrays take any number of rows, in one round trip.
    if len(rows) <= FEW_ROWS or connection.dialect.is_async:
        return _insert_few_pg(connection, table, columns, rows, return_ids)
    ids: list[int] = []
    if return_ids:
        ids = _next_ids(connection, table, len(rows))
        columns = ["id", *columns]
        rows = [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)]
    # psycopg dumps plain Python values itself: only TypeDecorators' processing applies.
    values = _values(table, columns, rows, _processors(table, tuple(columns), connection.dialect))
    cursor = _driver_cursor(connection)
    try:
        with cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types([_pg_type(table.c[name].type) for name in columns])
            for row in values:
                copy.write_row(row)
    finally:
        cursor.close()
    return ids


FEW_ROWS = 100
"""Up to this many rows, PostgreSQL gets one ``INSERT … SELECT * FROM unnest(arrays)``: one
round trip to the server, where a COPY takes two (its start; then its rows and its end) and
drawing the ids a third. Round trips are what a small batch costs (a clinic check's visits,
audit entries and next nonces); COPY wins on large ones."""


def _insert_few_pg(
    connection: Connection, table: Table, columns: list[str], rows: list[Row], return_ids: bool
) -> list[int]:
    names = tuple(columns)
    values = _values(table, columns, rows, _processors(table, names, connection.dialect, True))
    cursor = _driver_cursor(connection)
    try:
        if len(values) == 1:
            # One row (an audit entry, mostly): its values as they are, not in arrays of one,
            # which psycopg dumps element by element (~50 µs more a row).
            cursor.execute(_one_row_insert(table, names, return_ids), values[0])
        else:
            cursor.execute(
                _unnest_insert(table, names, return_ids),
                [list(column) for column in zip(*values, strict=True)],
            )
        # The sequence numbers the rows in the order of the arrays.
        return sorted(row[0] for row in cursor.fetchall()) if return_ids else []
    finally:
        cursor.close()


@functools.lru_cache(maxsize=1024)
def _unnest_insert(table: Table, columns: tuple[str, ...], return_ids: bool) -> str:
    """The text of ``_insert_few_pg``'s INSERT, made once for each table and columns."""
    # One array per column (cast to the column's type, as the binary COPY declares them), so
    # that the text is the same for any number of rows: psycopg and the server prepare it once.
    arrays = ", ".join(f"%b::{_pg_type(table.c[name].type)}[]" for name in columns)
    returning = " RETURNING id" if return_ids else ""
    return (
        f"INSERT INTO {table.name} ({', '.join(columns)}) SELECT * FROM unnest({arrays}){returning}"
    )


@functools.lru_cache(maxsize=1024)
def _one_row_insert(table: Table, columns: tuple[str, ...], return_ids: bool) -> str:
    """``_insert_few_pg``'s INSERT of one row: each value cast to its column's type, as the
    arrays are."""
    values = ", ".join(f"%b::{_pg_type(table.c[name].type)}" for name in columns)
    returning = " RETURNING id" if return_ids else ""
    return f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({values}){returning}"


def _array_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    # psycopg dumps a list of ``Json`` as ``json[]``; a bare dict or list it cannot place.
    if isinstance(type_, JSON):
        return lambda value: None if value is None else Json(value)
    return _decorator_processor(type_, dialect)


def _next_ids(connection: Connection, table: Table, count: int) -> list[int]:
    # The values the column's default (its SERIAL sequence) would have given, one per row.
    values = connection.scalars(
        text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
        {"table": table.name, "n": count},
    ).all()
    return sorted(values)


def _insert_sqlite(
    connection: Connection, table: Table, columns: list[str], rows: list[Row], return_ids: bool
) -> list[int]:
    """SQLite: ``executemany`` (a loop in C), or multi-row INSERTs ``RETURNING id``."""
    values = _values(table, columns, rows, _processors(table, tuple(columns), connection.dialect))
    head = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
    one = f"({', '.join('?' * len(columns))})"
    cursor = _driver_cursor(connection)
    try:
        if not return_ids:
            cursor.executemany(head + one, values)
            return []
        ids: list[int] = []
        step = max(1, _SQLITE_MAX_PARAMETERS // len(columns))
        for i in range(0, len(values), step):
            part = values[i : i + step]
            cursor.execute(
                f"{head}{', '.join([one] * len(part))} RETURNING id",
                [value for row in part for value in row],
            )
            ids.extend(row[0] for row in cursor.fetchall())
    finally:
        cursor.close()
    # A new rowid is one more than the largest so far, given in the order of the VALUES.
    return sorted(ids)


_SQLITE_MAX_PARAMETERS = 32766 if sqlite3.sqlite_version_info >= (3, 32) else 999


Processor = Callable[[Any], Any] | None


@functools.lru_cache(maxsize=256)
def _processors(
    table: Table, columns: tuple[str, ...], dialect: Dialect, arrays: bool = False
) -> tuple[Processor, ...]:
    """Each column's bind processing on ``dialect``, made once for each table, columns and
    engine (every audit entry asks for the same): on SQLite the column's own, on PostgreSQL
    only a ``TypeDecorator``'s (psycopg dumps plain Python values itself), with ``arrays``
    a JSON value wrapped as the parameter of an execute needs it (``_array_processor``)."""
    if dialect.name == "sqlite":
        return tuple(
            table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
        )
    processor = _array_processor if arrays else _decorator_processor
    return tuple(processor(table.c[name].type, dialect) for name in columns)


def _values(
    table: Table, columns: list[str], rows: list[Row], processors: tuple[Processor, ...]
) -> list[tuple[Any, ...]]:
    """The rows as tuples in ``columns`` order, each value bound as its column binds it
    (``processors``; columns the rows leave out take their Python-side default)."""
    defaults = _scalar_defaults(table, rows[0])
    binders = [_Binder(process) for process in processors]
    return [
        tuple(
            bind(row[name] if name in row else defaults[name])
            for name, bind in zip(columns, binders, strict=True)
        )
        for row in rows
    ]


class _Binder:
    """A column's bind processing, remembering its last value: a batch's rows mostly share
    the same object (the same ``now``, the same day), whose processing costs microseconds."""

    def __init__(self, process: Callable[[Any], Any] | None) -> None:
        self._process = process
        self._last: Any = _Binder
        self._bound: Any = None

    def __call__(self, value: Any) -> Any:
        if self._process is None:
            return value
        if value is not self._last:
            self._last, self._bound = value, self._process(value)
        return self._bound


def _scalar_defaults(table: Table, sample: Row) -> Mapping[str, Any]:
    """Python-side defaults of the columns the rows leave out (a raw INSERT or COPY applies
    only the server's)."""
    return _defaults_leaving_out(table, tuple(sample))


@functools.lru_cache(maxsize=1024)
def _defaults_leaving_out(table: Table, given: tuple[str, ...]) -> Mapping[str, Any]:
    # Made once for each table and set of columns given (every audit entry written asked
    # for the same); read-only, as it is shared.
    return MappingProxyType(
        {
            c.name: c.default.arg  # type: ignore[attr-defined]
            for c in table.columns
            if c.name not in given
            and c.name != "id"
            and c.default is not None
            and c.default.is_scalar
        }
    )


def _decorator_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    if isinstance(type_, TypeDecorator):
        decorator = type_
        return lambda value: decorator.process_bind_param(value, dialect)
    return None


def _driver_cursor(connection: Connection) -> Any:
    """The driver's own cursor, in the connection's (the session's) transaction (on an
    asynchronous connection, SQLAlchemy's adapter of it, which waits as a synchronous one)."""
    return connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


# Binary COPY needs each column's PostgreSQL type by name; subclasses before their bases.
_PG_TYPES: tuple[tuple[type[TypeEngine[Any]], str], ...] = (
    (Boolean, "bool"),
    (BigInteger, "int8"),
    (SmallInteger, "int2"),
    (Integer, "int4"),
    (String, "text"),
    (Date, "date"),
    (LargeBinary, "bytea"),
    (JSON, "json"),
)


def pg_copy_type(type_: TypeEngine[Any]) -> str:
    """The PostgreSQL type a binary ``COPY`` declares for a column of ``type_``."""
    return _pg_type(type_)


def _pg_type(type_: TypeEngine[Any]) -> str:
    if isinstance(type_, TypeDecorator):
        type_ = type_.impl_instance
    if isinstance(type_, DateTime):
        return "timestamptz" if type_.timezone else "timestamp"
    for kind, name in _PG_TYPES:
        if isinstance(type_, kind):
            return name
    raise TypeError(f"no COPY type for {type_!r}")
