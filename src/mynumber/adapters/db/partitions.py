"""The tables hash-partitioned on PostgreSQL (migration 0016; docs/scale.md, "Partitioning").

SQLite keeps them as plain tables. The models describe the parent tables only: a partition
(``cards_p07``) is PostgreSQL's business, routed to and pruned by the server.
"""

from __future__ import annotations

import re

PARTITION_KEYS = {
    "registrations": "person_id",
    "cards": "serial",
    "certificates": "serial",
    "clinic_visits": "id",
    "audit_log": "chain_id",
}
"""Each partitioned table and the column it is partitioned by (hash)."""

PARTITIONS = 16
"""Hash partitions per table (``<table>_p00`` … ``<table>_p15``)."""

_PARTITION = re.compile(r"^(?P<table>[a-z_]+)_p\d\d$")


def partitioned_table_of(name: str) -> str | None:
    """The partitioned table that ``name`` is a partition of, or None."""
    match = _PARTITION.match(name)
    if match is None or match["table"] not in PARTITION_KEYS:
        return None
    return match["table"]


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic's ``include_name`` hook: compare the models with the parent tables, not with
    their partitions (which no model describes)."""
    return not (type_ == "table" and name is not None and partitioned_table_of(name))
