"""ideas indexed in the order lists show them

A clinic's ideas are listed by (created_at, id): with an index in that order SQLite reads
them sorted instead of sorting ten thousand rows with their texts (bench/bench_tui.py). The
index on clinic_id alone is a prefix of the new one and goes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.create_index(
            "ix_idea_clinic_order", ["clinic_id", "created_at", "id"], unique=False
        )
        batch_op.drop_index("ix_idea_clinic_id")


def downgrade() -> None:
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.create_index("ix_idea_clinic_id", ["clinic_id"], unique=False)
        batch_op.drop_index("ix_idea_clinic_order")
