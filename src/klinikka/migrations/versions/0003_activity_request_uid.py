"""activity rows carry the identity of the request that wrote them

The app's write queue retries a write whose outcome it could not know (the COMMIT raised, but
may have happened). Each try names its request; the action looks for an activity row with that
name first, and the unique index makes a second commit of the same request fail instead of
saving it twice. Rows written before have none (NULL, which the index allows many times).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_uid", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_activity_request_uid", ["request_uid"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_request_uid")
        batch_op.drop_column("request_uid")
