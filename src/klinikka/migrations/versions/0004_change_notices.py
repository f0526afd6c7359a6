"""PostgreSQL tells every open klinikka of a change (LISTEN/NOTIFY)

Each change writes (or, undone, updates) an activity row; on PostgreSQL a trigger sends a
notice on the channel ``klinikka`` with the row's clinic, delivered at commit to every
connection that listens (db.PostgresChanges). SQLite needs nothing: its apps read
``PRAGMA data_version``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 16:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

CHANNEL = "klinikka"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""CREATE FUNCTION klinikka_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', COALESCE(NEW.clinic_id::text, ''));
            RETURN NULL;
        END $$"""
    )
    op.execute(
        """CREATE TRIGGER activity_notify AFTER INSERT OR UPDATE ON activity
        FOR EACH ROW EXECUTE FUNCTION klinikka_notify()"""
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER activity_notify ON activity")
    op.execute("DROP FUNCTION klinikka_notify()")
