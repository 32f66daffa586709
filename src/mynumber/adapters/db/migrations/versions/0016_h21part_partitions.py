"""partitions: the large tables hash-partitioned on PostgreSQL (issue 21, docs/scale.md)

On PostgreSQL each table below becomes a table partitioned by hash of the column its hot
queries look up by, in ``PARTITIONS`` partitions ``<table>_p00`` …: the rows are copied into
the new table (``INSERT … SELECT``), the old one is dropped, the new one takes its name, and
its keys, indexes, foreign keys and triggers are made anew, read from the catalogue before the
old table goes (so a column or index another migration added comes along).

PostgreSQL has no index across partitions: a primary key or a unique index must contain the
partition key. The primary keys of ``registrations``, ``cards`` and ``audit_log`` gain it
(their ids stay unique by their sequences); ``cards`` loses its two unique indexes that cannot
hold it (``docs/scale.md``, "Partitioning", says why that is safe) — on SQLite too, so both
databases keep the same rules. SQLite keeps plain tables otherwise.

Revision ID: 0016_h21part_partitions
Revises: the heads before it
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from alembic import op
from sqlalchemy import text

revision: str = "0016_h21part_partitions"
down_revision: str | Sequence[str] | None = (  # every head before it: it rebuilds their tables
    "0003",
    "0005",
    "0006",
    "0007",
    "0011_moving_out",
    "0014_children_representation",
    "0014_counter_renewal_ids",
    "0014_oidc_provider",
    "0014_sandbox_clock",
    "0016_h17src_special_cards",  # adds a column to cards
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PARTITIONS = 16
"""Hash partitions per table. A power of two: one partition can later be split in two
(modulus 32, remainders r and r + 16) without touching the others."""


@dataclass(frozen=True)
class _Partitioned:
    table: str
    key: str
    """The partition key: the column the table's hot queries look up by."""
    primary_key: tuple[str, ...]
    """The primary key before partitioning (the partitioned one adds ``key`` if missing)."""
    dropped: frozenset[str] = field(default_factory=frozenset)
    """Unique indexes without the key that go (another index serves their look-ups)."""
    loosened: frozenset[str] = field(default_factory=frozenset)
    """Unique indexes without the key that stay as plain indexes."""


TABLES = (
    _Partitioned("registrations", "person_id", ("id",)),
    _Partitioned(
        "cards",
        "serial",
        ("id",),
        dropped=frozenset({"uq_cards_one_active"}),
        loosened=frozenset({"ix_cards_renewal_application_id"}),
    ),
    _Partitioned("certificates", "serial", ("serial",)),
    _Partitioned("clinic_visits", "id", ("id",)),
    _Partitioned("audit_log", "chain_id", ("id",)),
)

_AUDIT_TRIGGERS = (
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON {table} "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)
"""Migrations 0001 and 0010's guards, on the parent. The row trigger is cloned to each
partition; the TRUNCATE trigger is not (a partition's own would also fire when the parent is
truncated, and lifting the parent's would no longer lift the guard): ``TRUNCATE audit_log_p03``,
naming a partition, is left to those who may lift a trigger anyway."""


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def partition_name(table: str, remainder: int) -> str:
    return f"{table}_p{remainder:02d}"


def upgrade() -> None:
    if not _postgres():
        _sqlite_cards_upgrade()
        return
    for spec in TABLES:
        _rebuild(spec, partitioned=True)


def downgrade() -> None:
    if not _postgres():
        _sqlite_cards_downgrade()
        return
    for spec in reversed(TABLES):
        _rebuild(spec, partitioned=False)


# --- PostgreSQL ---------------------------------------------------------------------------


@dataclass
class _Definition:
    """What is made anew on the rebuilt table, as read from the catalogue."""

    indexes: list[tuple[str, str, bool]]  # name, CREATE INDEX statement, unique
    constraints: list[tuple[str, str, str]]  # name, kind (p, u, f, c), definition
    sequences: list[tuple[str, str]]  # column, sequence owned by it


def _read_definition(table: str) -> _Definition:
    bind = op.get_bind()
    constraints = [
        (str(name), str(kind), str(definition))
        for name, kind, definition in bind.execute(
            text(
                "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = CAST(:t AS regclass) AND conparentid = 0 ORDER BY conname"
            ),
            {"t": table},
        )
    ]
    backing = {name for name, kind, _ in constraints if kind in ("p", "u")}
    indexes = [
        (str(name), str(definition).replace(" ON ONLY ", " ON "), bool(unique))
        for name, definition, unique in bind.execute(
            text(
                "SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisunique "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = CAST(:t AS regclass) ORDER BY c.relname"
            ),
            {"t": table},
        )
        if name not in backing
    ]
    sequences = [
        (str(column), str(sequence))
        for column, sequence in bind.execute(
            text(
                "SELECT a.attname, pg_get_serial_sequence(:t, a.attname) FROM pg_attribute a "
                "WHERE a.attrelid = CAST(:t AS regclass) AND a.attnum > 0 "
                "AND NOT a.attisdropped AND pg_get_serial_sequence(:t, a.attname) IS NOT NULL"
            ),
            {"t": table},
        )
    ]
    return _Definition(indexes, constraints, sequences)


def _rebuild(spec: _Partitioned, *, partitioned: bool) -> None:
    """Copy ``spec.table`` into a new table (partitioned or plain), drop the old one, rename
    the new one, and make its keys, indexes, foreign keys and triggers anew."""
    table, new = spec.table, f"{spec.table}__new"
    definition = _read_definition(table)
    layout = f" PARTITION BY HASH ({spec.key})" if partitioned else ""
    op.execute(
        f"CREATE TABLE {new} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        f"INCLUDING STORAGE INCLUDING COMMENTS){layout}"
    )
    if partitioned:
        for remainder in range(PARTITIONS):
            op.execute(
                f"CREATE TABLE {partition_name(table, remainder)} PARTITION OF {new} "
                f"FOR VALUES WITH (MODULUS {PARTITIONS}, REMAINDER {remainder})"
            )
    # The guards refuse nothing here: the rows are read, and the old table is dropped whole.
    op.execute(f"INSERT INTO {new} SELECT * FROM {table}")
    for column, sequence in definition.sequences:
        op.execute(f"ALTER SEQUENCE {sequence} OWNED BY {new}.{column}")
    op.execute(f"DROP TABLE {table}")  # no foreign key refers to these tables: no CASCADE
    op.execute(f"ALTER TABLE {new} RENAME TO {table}")
    key = spec.primary_key
    if partitioned and spec.key not in key:
        key = (*key, spec.key)
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({', '.join(key)})")
    for name, kind, constraint in definition.constraints:
        if kind in ("u", "f"):
            op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {constraint}")
    for _, statement in _indexes(spec, definition, partitioned=partitioned):
        op.execute(statement)
    if table == "audit_log":
        _audit_guards()
    op.execute(f"ANALYZE {table}")


def _indexes(
    spec: _Partitioned, definition: _Definition, *, partitioned: bool
) -> list[tuple[str, str]]:
    made: list[tuple[str, str]] = []
    names = {name for name, _, _ in definition.indexes}
    for name, statement, unique in definition.indexes:
        if partitioned and unique and not _has_column(statement, spec.key):
            if name in spec.dropped:
                continue
            if name not in spec.loosened:
                raise RuntimeError(
                    f"{spec.table}: the unique index {name} cannot hold on a table "
                    f"partitioned by {spec.key}; name it in 0016's dropped or loosened"
                )
            statement = statement.replace("CREATE UNIQUE INDEX", "CREATE INDEX", 1)
        elif not partitioned and name in spec.loosened:
            statement = statement.replace("CREATE INDEX", "CREATE UNIQUE INDEX", 1)
        made.append((name, statement))
    if not partitioned:
        made += [(name, _DROPPED_INDEXES[name]) for name in spec.dropped if name not in names]
    return made


_DROPPED_INDEXES = {
    "uq_cards_one_active": (
        "CREATE UNIQUE INDEX uq_cards_one_active ON cards (person_id) WHERE status = 'active'"
    ),
}
"""The downgrade makes these anew (they fail if the data broke them meanwhile)."""


def _has_column(index_statement: str, column: str) -> bool:
    columns = index_statement.split(" USING ", 1)[1].split("(", 1)[1].split(")", 1)[0]
    return column in {part.strip().strip('"') for part in columns.split(",")}


def _audit_guards() -> None:
    for trigger in _AUDIT_TRIGGERS:
        op.execute(trigger.format(table="audit_log"))


# --- SQLite: plain tables, the same rules ---------------------------------------------------


def _sqlite_cards_upgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.drop_index("uq_cards_one_active")
        batch.drop_index("ix_cards_renewal_application_id")
        batch.create_index("ix_cards_renewal_application_id", ["renewal_application_id"])


def _sqlite_cards_downgrade() -> None:
    with op.batch_alter_table("cards") as batch:
        batch.drop_index("ix_cards_renewal_application_id")
        batch.create_index(
            "ix_cards_renewal_application_id", ["renewal_application_id"], unique=True
        )
    op.execute(
        "CREATE UNIQUE INDEX uq_cards_one_active ON cards (person_id) WHERE status = 'active'"
    )
