"""Cohorts for bootcamps: instructors, invite codes, members who agree to share their results.

`learners.role` tells an instructor from a learner. A cohort has one or more instructors and any
number of members; a member's results reach the cohort's instructors only while `sharing_since` is
set (they agreed on a screen that says what is shared), and leaving deletes the membership row, so
their data leaves every cohort view at once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="learner"))
    op.create_table(
        "cohorts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("profile_id", sa.String(64), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("invite_code", sa.String(64), nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "cohort_instructors",
        sa.Column("cohort_id", sa.String(36), sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "cohort_members",
        sa.Column("cohort_id", sa.String(36), sa.ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("learner_id", sa.Integer(), sa.ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sharing_since", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_cohort_members_learner_id", "cohort_members", ["learner_id"])
    op.create_table(
        "instructor_invites",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("invited_by", sa.Integer(), sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("instructor_invites")
    op.drop_index("ix_cohort_members_learner_id", "cohort_members")
    op.drop_table("cohort_members")
    op.drop_table("cohort_instructors")
    op.drop_table("cohorts")
    with op.batch_alter_table("learners") as batch:
        batch.drop_column("role")
