"""oidc: the OpenID Connect provider (Sign in with the My Number Card, issue 20)

Services that applied and their review, the ID-token signing keys (sealed), authorization
codes and access tokens (hashes only, claims sealed), each sign-in, client assertions' jti.

Revision ID: 0014_oidc_provider
Revises: 0013_pin_reset_pre_applications
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mynumber.adapters.db.types import UtcDateTime

_TIME = UtcDateTime(timezone=True)

revision: str = "0014_oidc_provider"
down_revision: str | None = "0013_pin_reset_pre_applications"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oidc_clients",
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("redirect_uris", sa.Text(), nullable=False),
        sa.Column("scopes_asked", sa.String(length=100), nullable=False),
        sa.Column("scopes_approved", sa.String(length=100), nullable=False),
        sa.Column("auth_method", sa.String(length=30), nullable=False),
        sa.Column("jwks", sa.Text(), nullable=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("applied_at", _TIME, nullable=False),
        sa.Column("reviewed_at", _TIME, nullable=True),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("client_id"),
    )
    op.create_table(
        "oidc_signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("alg", sa.String(length=10), nullable=False),
        sa.Column("private_key_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("public_jwk", sa.Text(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("retired_at", _TIME, nullable=True),
        sa.Column("published_until", _TIME, nullable=True),
        sa.PrimaryKeyConstraint("kid"),
    )
    op.create_table(
        "oidc_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("redirect_uri", sa.String(length=300), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("nonce", sa.String(length=255), nullable=False),
        sa.Column("code_challenge", sa.String(length=128), nullable=False),
        sa.Column("code_challenge_method", sa.String(length=10), nullable=False),
        sa.Column("claims_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("auth_time", _TIME, nullable=False),
        sa.Column("issued_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("used_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["oidc_clients.client_id"]),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("code_hash"),
    )
    op.create_table(
        "oidc_tokens",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("claims_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("issued_at", _TIME, nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.Column("revoked_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["oidc_clients.client_id"]),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_index("ix_oidc_tokens_code_hash", "oidc_tokens", ["code_hash"])
    op.create_index("ix_oidc_tokens_person_id", "oidc_tokens", ["person_id"])
    op.create_table(
        "oidc_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("granted_at", _TIME, nullable=False),
        sa.Column("revoked_at", _TIME, nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["oidc_clients.client_id"]),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_oidc_grants_person_id", "oidc_grants", ["person_id"])
    op.create_table(
        "oidc_assertions",
        sa.Column("jti_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=40), nullable=False),
        sa.Column("expires_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("jti_hash"),
    )


def downgrade() -> None:
    op.drop_table("oidc_assertions")
    op.drop_index("ix_oidc_grants_person_id", table_name="oidc_grants")
    op.drop_table("oidc_grants")
    op.drop_index("ix_oidc_tokens_person_id", table_name="oidc_tokens")
    op.drop_index("ix_oidc_tokens_code_hash", table_name="oidc_tokens")
    op.drop_table("oidc_tokens")
    op.drop_table("oidc_codes")
    op.drop_table("oidc_signing_keys")
    op.drop_table("oidc_clients")
