"""The clinic's data: SQLModel tables, and plain read models for what crosses into the UI.

Timestamps (``created_at`` and the like) are aware datetimes in UTC. A clinic's ``starts_at``
and ``ends_at`` are the local wall-clock times the facilitator typed, so they are naive.
Enumerations are stored as their lower-case values.
Rows that a user can delete and undo carry ``deleted_at``; every query leaves them out.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import Column, Enum, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

# The enumerations live apart, so that the pure layers read them without the database;
# re-exported here for the services and the app.
from klinikka.enums import ClinicStatus as ClinicStatus
from klinikka.enums import IdeaSource as IdeaSource
from klinikka.enums import NoteKind as NoteKind
from klinikka.enums import RoundStatus as RoundStatus
from klinikka.enums import VotingMethod as VotingMethod


def utcnow() -> datetime:
    """Now, in UTC (every timestamp is stored as UTC)."""
    return datetime.now(UTC)


def new_uid() -> str:
    """A stable identity that survives export and import (ids do not)."""
    return uuid.uuid4().hex


def enum_column(kind: type[enum.StrEnum], default: enum.StrEnum) -> Any:
    """A column that stores an enumeration's values (not its member names) as text."""
    return Column(
        Enum(
            kind,
            values_callable=lambda members: [member.value for member in members],
            native_enum=False,
            create_constraint=False,
            length=20,
        ),
        nullable=False,
        default=default,
    )


# ---------------------------------------------------------------- tables


class Clinic(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, unique=True)
    title: str = Field(sa_column=Column(Text, nullable=False))
    starts_at: NaiveDatetime | None = None
    ends_at: NaiveDatetime | None = None
    goal: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    facilitator: str = ""
    note_taker: str = ""
    language: str = "fi"
    status: ClinicStatus = Field(
        default=ClinicStatus.ACTIVE, sa_column=enum_column(ClinicStatus, ClinicStatus.ACTIVE)
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Set when the clinic came in from a klinikka JSON document.
    imported_at: datetime | None = None


class StakeholderGroup(SQLModel, table=True):
    __tablename__ = "stakeholder_group"

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", ondelete="CASCADE", index=True)
    # The code of a default group ("resident", "professional", ...); None for one a user added.
    code: str | None = None
    name: str
    position: int = 0


class Participant(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", ondelete="CASCADE", index=True)
    name: str
    organisation: str = ""
    group_id: int | None = Field(
        default=None, foreign_key="stakeholder_group.id", ondelete="SET NULL"
    )
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class Theme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", ondelete="CASCADE", index=True)
    name: str
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class ImportBatch(SQLModel, table=True):
    """One import of a file: where ideas came from, and a guard against importing it twice."""

    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", ondelete="CASCADE", index=True)
    source_format: str
    file_name: str
    file_sha256: str
    imported_at: datetime = Field(default_factory=utcnow)
    idea_count: int = 0


class Idea(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("clinic_id", "uid", name="uq_idea_clinic_uid"),
        # A clinic's ideas in the order lists show them, read without sorting (0002).
        Index("ix_idea_clinic_order", "clinic_id", "created_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid)
    clinic_id: int = Field(foreign_key="clinic.id", ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    theme_id: int | None = Field(
        default=None, foreign_key="theme.id", ondelete="SET NULL", index=True
    )
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", ondelete="SET NULL"
    )
    # The author as attributed (kept even if the participant is deleted) and their group.
    author: str = ""
    group_id: int | None = Field(
        default=None, foreign_key="stakeholder_group.id", ondelete="SET NULL"
    )
    starred: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None
    # A merged idea stays, pointing at the idea it was merged into; its text is kept.
    merged_into_id: int | None = Field(
        default=None, foreign_key="idea.id", ondelete="SET NULL", index=True
    )
    # Provenance: typed live, or imported from which file, with its original author and time.
    source: IdeaSource = Field(
        default=IdeaSource.LIVE, sa_column=enum_column(IdeaSource, IdeaSource.LIVE)
    )
    source_format: str | None = None
    source_file: str | None = None
    import_batch_id: int | None = Field(
        default=None, foreign_key="import_batch.id", ondelete="SET NULL"
    )
    original_author: str | None = None
    original_time: datetime | None = None
    imported_at: datetime | None = None


class VotingRound(SQLModel, table=True):
    __tablename__ = "voting_round"
    __table_args__ = (UniqueConstraint("clinic_id", "number", name="uq_round_clinic_number"),)

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", ondelete="CASCADE", index=True)
    number: int
    title: str = ""
    method: VotingMethod = Field(
        default=VotingMethod.SINGLE, sa_column=enum_column(VotingMethod, VotingMethod.SINGLE)
    )
    dots_per_voter: int | None = None
    cap_per_theme: int | None = None
    points_budget: int | None = None
    hide_results: bool = False
    status: RoundStatus = Field(
        default=RoundStatus.DRAFT, sa_column=enum_column(RoundStatus, RoundStatus.DRAFT)
    )
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    # A runoff round among the tied themes of another round.
    runoff_of_id: int | None = Field(
        default=None, foreign_key="voting_round.id", ondelete="SET NULL"
    )
    # A tie resolved by the facilitator: the chosen theme and why.
    decision_theme_id: int | None = Field(default=None, foreign_key="theme.id", ondelete="SET NULL")
    decision_note: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    # Live ballots in the round, kept by triggers on `ballot` (migrations/versions/0001…):
    # counting them at each tally would cost a scan as long as the tally's own.
    ballot_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class RoundTheme(SQLModel, table=True):
    """A theme on the ballot of a round."""

    __tablename__ = "round_theme"

    round_id: int = Field(foreign_key="voting_round.id", ondelete="CASCADE", primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE", primary_key=True)
    position: int = 0


class Ballot(SQLModel, table=True):
    """One voter's ballot in a round, or one block of counts from an external poll."""

    __table_args__ = (
        # One live ballot per voter per round; a replaced ballot is kept, marked deleted.
        Index(
            "uq_ballot_round_voter",
            "round_id",
            "voter_key",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="voting_round.id", ondelete="CASCADE", index=True)
    voter: str
    voter_key: str
    participant_id: int | None = Field(
        default=None, foreign_key="participant.id", ondelete="SET NULL"
    )
    group_id: int | None = Field(
        default=None, foreign_key="stakeholder_group.id", ondelete="SET NULL"
    )
    # Aggregate counts: how many people answered the external poll, if known.
    respondents: int | None = None
    cast_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class BallotEntry(SQLModel, table=True):
    """What one ballot gives one theme: a vote, dots, points, Borda points or a count.

    ``round_id`` repeats the ballot's round so that a tally is one ``GROUP BY`` without a join;
    ``live`` is 0 once the ballot is deleted or replaced, so tallies sum live entries only.
    """

    __tablename__ = "ballot_entry"
    __table_args__ = (Index("ix_ballot_entry_tally", "round_id", "live", "theme_id", "value"),)

    ballot_id: int = Field(foreign_key="ballot.id", ondelete="CASCADE", primary_key=True)
    theme_id: int = Field(foreign_key="theme.id", ondelete="CASCADE", primary_key=True)
    round_id: int = Field(foreign_key="voting_round.id", ondelete="CASCADE")
    value: int
    rank: int | None = None
    live: bool = True


class Note(SQLModel, table=True):
    """A decision, a next step or another note written into the summary."""

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int = Field(foreign_key="clinic.id", ondelete="CASCADE", index=True)
    kind: NoteKind = Field(default=NoteKind.NOTE, sa_column=enum_column(NoteKind, NoteKind.NOTE))
    text: str = Field(sa_column=Column(Text, nullable=False))
    position: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None


class Activity(SQLModel, table=True):
    """The activity log: what was done, when, by which klinikka process; undo data if any."""

    id: int | None = Field(default=None, primary_key=True)
    clinic_id: int | None = Field(
        default=None, foreign_key="clinic.id", ondelete="CASCADE", index=True
    )
    at: datetime = Field(default_factory=utcnow)
    action: str
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    actor: str = ""
    # JSON list of reversible row changes; empty when the action cannot be undone.
    undo_data: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    undone_at: datetime | None = None
    # The identity of the request that wrote it (``services._base.requesting``): a retry of a
    # request already committed finds it here, and the unique index stops a second commit.
    request_uid: str | None = Field(default=None, max_length=64, unique=True, index=True)


# ---------------------------------------------------------------- read models


class ClinicSummary(SQLModel):
    id: int
    uid: str
    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    goal: str
    facilitator: str
    note_taker: str
    language: str
    status: ClinicStatus
    created_at: datetime
    updated_at: datetime
    idea_count: int = 0
    theme_count: int = 0
    participant_count: int = 0
    round_count: int = 0


class GroupView(SQLModel):
    id: int
    code: str | None
    name: str
    position: int


class ParticipantView(SQLModel):
    id: int
    name: str
    organisation: str
    group_id: int | None
    group_name: str | None


class ThemeView(SQLModel):
    id: int
    name: str
    description: str
    position: int
    idea_count: int = 0


class IdeaView(SQLModel):
    id: int
    uid: str
    text: str
    theme_id: int | None
    theme_name: str | None
    participant_id: int | None
    author: str
    group_id: int | None
    group_name: str | None
    starred: bool
    created_at: datetime
    updated_at: datetime
    source: IdeaSource
    source_format: str | None
    source_file: str | None
    original_author: str | None
    original_time: datetime | None
    imported_at: datetime | None
    merged_into_id: int | None
    # Ideas merged into this one, oldest first.
    merged: list[IdeaView] = Field(default_factory=list)


class RoundView(SQLModel):
    id: int
    clinic_id: int
    number: int
    title: str
    method: VotingMethod
    dots_per_voter: int | None
    cap_per_theme: int | None
    points_budget: int | None
    hide_results: bool
    status: RoundStatus
    opened_at: datetime | None
    closed_at: datetime | None
    runoff_of_id: int | None
    decision_theme_id: int | None
    decision_note: str
    theme_ids: list[int]
    ballot_count: int = 0


class BallotView(SQLModel):
    id: int
    round_id: int
    voter: str
    participant_id: int | None
    group_id: int | None
    respondents: int | None
    cast_at: datetime
    # theme id -> value (vote, dots, points, count); for ranking the themes in order.
    values: dict[int, int]
    ranking: list[int]


class NoteView(SQLModel):
    id: int
    kind: NoteKind
    text: str
    position: int
    created_at: datetime


class ActivityView(SQLModel):
    id: int
    at: datetime
    action: str
    summary: str
    undoable: bool
    undone: bool
