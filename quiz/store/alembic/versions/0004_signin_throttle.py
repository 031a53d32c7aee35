"""Sign-in throttling per user name (known or not), and user names that compare case-insensitively.

The failure counter moves from `learners` to `signin_throttle`, keyed by a hash of the case-folded
name, so an unknown name is throttled exactly like a known one. The unique index on `lower(name)`
makes "Ada" and "ada" one account; an older database that already holds two such names keeps them
(a plain index then), and sign-in prefers the exact spelling.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_throttle",
        sa.Column("name_key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )
    with op.batch_alter_table("learners") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_signins")
    clashes = op.get_bind().execute(
        sa.text("SELECT COUNT(*) FROM (SELECT lower(name) FROM learners GROUP BY lower(name) HAVING COUNT(*) > 1) AS c")
    )
    op.create_index("ix_learners_name_lower", "learners", [sa.text("lower(name)")], unique=not clashes.scalar())


def downgrade() -> None:
    op.drop_index("ix_learners_name_lower", "learners")
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("failed_signins", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.drop_table("signin_throttle")
