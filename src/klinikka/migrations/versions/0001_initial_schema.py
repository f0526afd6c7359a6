"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 19:38:34.876972
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "clinic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("goal", sa.Text(), server_default="", nullable=False),
        sa.Column("facilitator", sa.String(), nullable=False),
        sa.Column("note_taker", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_table(
        "activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("undo_data", sa.Text(), server_default="", nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activity_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("source_format", sa.String(), nullable=False),
        sa.Column("file_name", sa.String(), nullable=False),
        sa.Column("file_sha256", sa.String(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idea_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "stakeholder_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stakeholder_group", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stakeholder_group_clinic_id"), ["clinic_id"], unique=False
        )

    op.create_table(
        "theme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("organisation", sa.String(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["stakeholder_group.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participant_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "voting_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("dots_per_voter", sa.Integer(), nullable=True),
        sa.Column("cap_per_theme", sa.Integer(), nullable=True),
        sa.Column("points_budget", sa.Integer(), nullable=True),
        sa.Column("hide_results", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("runoff_of_id", sa.Integer(), nullable=True),
        sa.Column("decision_theme_id", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ballot_count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decision_theme_id"], ["theme.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["runoff_of_id"], ["voting_round.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("clinic_id", "number", name="uq_round_clinic_number"),
    )
    with op.batch_alter_table("voting_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voting_round_clinic_id"), ["clinic_id"], unique=False)

    op.create_table(
        "ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("voter", sa.String(), nullable=False),
        sa.Column("voter_key", sa.String(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("respondents", sa.Integer(), nullable=True),
        sa.Column("cast_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["group_id"], ["stakeholder_group.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["round_id"], ["voting_round.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ballot_round_id"), ["round_id"], unique=False)
        batch_op.create_index(
            "uq_ballot_round_voter",
            ["round_id", "voter_key"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "idea",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("starred", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_format", sa.String(), nullable=True),
        sa.Column("source_file", sa.String(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("original_author", sa.String(), nullable=True),
        sa.Column("original_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinic.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["group_id"], ["stakeholder_group.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["import_batch_id"], ["import_batch.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["idea.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("clinic_id", "uid", name="uq_idea_clinic_uid"),
    )
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_clinic_id"), ["clinic_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_idea_merged_into_id"), ["merged_into_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_idea_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "round_theme",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["voting_round.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("round_id", "theme_id"),
    )
    op.create_table(
        "ballot_entry",
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("live", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["ballot.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["round_id"], ["voting_round.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["theme.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ballot_id", "theme_id"),
    )
    with op.batch_alter_table("ballot_entry", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ballot_entry_tally", ["round_id", "live", "theme_id", "value"], unique=False
        )

    # voting_round.ballot_count follows the live ballots, whoever changes them (undo too).
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in BALLOT_COUNT_TRIGGERS_POSTGRESQL if postgresql else BALLOT_COUNT_TRIGGERS:
        op.execute(statement)


BALLOT_COUNT_TRIGGERS = (
    """CREATE TRIGGER ballot_count_insert AFTER INSERT ON ballot WHEN NEW.deleted_at IS NULL
    BEGIN UPDATE voting_round SET ballot_count = ballot_count + 1 WHERE id = NEW.round_id; END""",
    """CREATE TRIGGER ballot_count_delete AFTER DELETE ON ballot WHEN OLD.deleted_at IS NULL
    BEGIN UPDATE voting_round SET ballot_count = ballot_count - 1 WHERE id = OLD.round_id; END""",
    """CREATE TRIGGER ballot_count_update AFTER UPDATE OF deleted_at, round_id ON ballot
    BEGIN
        UPDATE voting_round SET ballot_count = ballot_count - 1
            WHERE id = OLD.round_id AND OLD.deleted_at IS NULL;
        UPDATE voting_round SET ballot_count = ballot_count + 1
            WHERE id = NEW.round_id AND NEW.deleted_at IS NULL;
    END""",
)

# The same on PostgreSQL: one trigger function for the three events.
BALLOT_COUNT_TRIGGERS_POSTGRESQL = (
    """CREATE FUNCTION klinikka_ballot_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.deleted_at IS NULL THEN
            UPDATE voting_round SET ballot_count = ballot_count - 1 WHERE id = OLD.round_id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
            UPDATE voting_round SET ballot_count = ballot_count + 1 WHERE id = NEW.round_id;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER ballot_count AFTER INSERT OR DELETE OR UPDATE OF deleted_at, round_id
    ON ballot FOR EACH ROW EXECUTE FUNCTION klinikka_ballot_count()""",
)


def downgrade() -> None:

    with op.batch_alter_table("ballot_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_ballot_entry_tally")

    op.drop_table("ballot_entry")
    op.drop_table("round_theme")
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_theme_id"))
        batch_op.drop_index(batch_op.f("ix_idea_merged_into_id"))
        batch_op.drop_index(batch_op.f("ix_idea_clinic_id"))

    op.drop_table("idea")
    with op.batch_alter_table("ballot", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ballot_round_voter",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_ballot_round_id"))

    op.drop_table("ballot")
    with op.batch_alter_table("voting_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voting_round_clinic_id"))

    op.drop_table("voting_round")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_clinic_id"))

    op.drop_table("participant")
    with op.batch_alter_table("theme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_clinic_id"))

    op.drop_table("theme")
    with op.batch_alter_table("stakeholder_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stakeholder_group_clinic_id"))

    op.drop_table("stakeholder_group")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_clinic_id"))

    op.drop_table("note")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_clinic_id"))

    op.drop_table("import_batch")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activity_clinic_id"))

    op.drop_table("activity")
    op.drop_table("clinic")
