"""audit: one chain per organisation (chain id and number on each entry, one head per chain),
and TRUNCATE refused on PostgreSQL

The entries written so far stay in one chain named ``legacy`` (their number is their id);
their unkeyed hashes are verified as they were written. The migration has no keys, so the
keyed hashes begin with the first entry written after it.

Revision ID: 0010
Revises: 0009_staff
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009_staff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SQLITE_GUARDS = {
    verb: (
        f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    for verb in ("UPDATE", "DELETE")
}


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _guards_off() -> None:
    """The existing entries are given their chain and number: the one UPDATE ever allowed."""
    if _postgres():
        op.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
    else:
        for verb in _SQLITE_GUARDS:
            op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{verb.lower()}")


def _guards_on() -> None:
    if _postgres():
        op.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")
    else:
        for statement in _SQLITE_GUARDS.values():
            op.execute(statement)


def upgrade() -> None:
    _guards_off()
    with op.batch_alter_table("audit_head") as batch:
        batch.add_column(sa.Column("chain", sa.String(130), nullable=True))
        batch.alter_column(
            "last_id",
            new_column_name="last_seq",
            existing_type=sa.Integer(),
            existing_nullable=False,
        )
    op.execute("DELETE FROM audit_head WHERE last_seq = 0")  # a fresh database: no legacy
    op.execute("UPDATE audit_head SET chain = 'legacy'")
    with op.batch_alter_table("audit_head") as batch:
        batch.alter_column("chain", existing_type=sa.String(130), nullable=False)
        batch.create_index("ix_audit_head_chain", ["chain"], unique=True)
    op.add_column("audit_log", sa.Column("chain_id", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("seq", sa.Integer(), nullable=True))
    op.execute("UPDATE audit_log SET chain_id = (SELECT id FROM audit_head), seq = id")
    with op.batch_alter_table("audit_log") as batch:
        batch.alter_column("chain_id", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch.create_index("ix_audit_log_chain_seq", ["chain_id", "seq"], unique=True)
    _guards_on()
    if _postgres():
        # Ids were given by the one head; from now on by the tables' own sequences.
        for table in ("audit_log", "audit_head"):
            op.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        op.execute(
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def downgrade() -> None:
    if _postgres():
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
    _guards_off()
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_index("ix_audit_log_chain_seq")
        batch.drop_column("seq")
        batch.drop_column("chain_id")
    _guards_on()
    # One head again, at the newest entry (the chains' keyed entries no longer verify).
    op.execute("DELETE FROM audit_head")
    with op.batch_alter_table("audit_head") as batch:
        batch.drop_index("ix_audit_head_chain")
        batch.drop_column("chain")
        batch.alter_column(
            "last_seq",
            new_column_name="last_id",
            existing_type=sa.Integer(),
            existing_nullable=False,
        )
    op.execute(
        "INSERT INTO audit_head (id, last_id, last_hash) SELECT 1, "
        "COALESCE(MAX(id), 0), COALESCE((SELECT entry_hash FROM audit_log "
        "ORDER BY id DESC LIMIT 1), '" + "0" * 64 + "') FROM audit_log"
    )
