"""register: the resident-registry codes from a PostgreSQL sequence, not one counter row

Issue 21.4, "nothing serialises the country": every registration took the one ``counters``
row and held its lock until commit, so a moving-in in Sapporo waited for one in Naha. On
PostgreSQL the codes now come from the sequence ``registry_codes`` (``nextval`` holds no lock
to the commit), continuing where the counter stopped; the counter row goes, so nothing can
read a stale value. SQLite (one writer at a time by nature) keeps the counter row.

Revision ID: 0016_h21conc_registry_sequence
Revises: 0015_register_announced_arrivals
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_h21conc_registry_sequence"
down_revision: str | None = "0015_register_announced_arrivals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LAST_CODE = 10**11 - 1  # domain.numbering.MAX_SEQUENCE: past it the sequence errs, never wraps


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    value = conn.scalar(sa.text("SELECT value FROM counters WHERE name = 'registry_code'")) or 0
    op.execute(
        f"CREATE SEQUENCE registry_codes AS bigint START WITH {int(value) + 1} "
        f"MINVALUE 1 MAXVALUE {_LAST_CODE} NO CYCLE"
    )
    op.execute("DELETE FROM counters WHERE name = 'registry_code'")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    last = conn.scalar(
        sa.text(
            "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM registry_codes"
        )
    )
    conn.execute(
        sa.text("INSERT INTO counters (name, value) VALUES ('registry_code', :v)"), {"v": last}
    )
    op.execute("DROP SEQUENCE registry_codes")
