"""klinikka's JSON document: everything in one or more clinics, versioned (docs/json-format.md).

These models are the format's schema: the exporter fills them from the database, the
importer validates a file against them. Ids inside a document only link its parts together;
importing gives everything new ids and keeps the uids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, NaiveDatetime, field_validator

from klinikka.models import ClinicStatus, IdeaSource, NoteKind, RoundStatus, VotingMethod
from klinikka.text import strip_controls

FORMAT_NAME = "klinikka"
FORMAT_VERSION = 1


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        # A file may carry anything; what klinikka stores and shows never has escape sequences.
        return strip_controls(value) if isinstance(value, str) else value


class DocGroup(_Part):
    id: int
    code: str | None = None
    name: str = Field(min_length=1)
    position: int = 0


class DocParticipant(_Part):
    id: int
    name: str = Field(min_length=1)
    organisation: str = ""
    group: int | None = None


class DocTheme(_Part):
    id: int
    name: str = Field(min_length=1)
    description: str = ""
    position: int = 0


class DocProvenance(_Part):
    kind: IdeaSource = IdeaSource.LIVE
    format: str | None = None
    file: str | None = None
    original_author: str | None = None
    original_time: datetime | None = None
    imported_at: datetime | None = None


class DocIdea(_Part):
    id: int
    uid: str = Field(min_length=1)
    text: str = Field(min_length=1)
    theme: int | None = None
    participant: int | None = None
    author: str = ""
    group: int | None = None
    starred: bool = False
    created_at: datetime
    updated_at: datetime
    merged_into: int | None = None
    provenance: DocProvenance = DocProvenance()


class DocBallotEntry(_Part):
    theme: int
    value: int
    rank: int | None = None


class DocBallot(_Part):
    id: int
    voter: str
    participant: int | None = None
    group: int | None = None
    respondents: int | None = None
    cast_at: datetime
    entries: list[DocBallotEntry]


class DocDecision(_Part):
    theme: int
    note: str = ""


class DocRound(_Part):
    id: int
    number: int = Field(ge=1)
    title: str = ""
    method: VotingMethod
    dots_per_voter: int | None = None
    cap_per_theme: int | None = None
    points_budget: int | None = None
    hide_results: bool = False
    status: RoundStatus
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    runoff_of: int | None = None
    decision: DocDecision | None = None
    themes: list[int]
    ballots: list[DocBallot] = []


class DocNote(_Part):
    kind: NoteKind
    text: str = Field(min_length=1)
    position: int = 0
    created_at: datetime


class DocActivity(_Part):
    at: datetime
    action: str
    # The log's sentence as stored: a msgid and its fields, in JSON.
    summary: str = ""
    actor: str = ""


class DocClinic(_Part):
    id: int
    uid: str = Field(min_length=1)
    title: str = Field(min_length=1)
    starts_at: NaiveDatetime | None = None
    ends_at: NaiveDatetime | None = None
    goal: str = ""
    facilitator: str = ""
    note_taker: str = ""
    language: Literal["fi", "sv", "en"] = "fi"
    status: ClinicStatus = ClinicStatus.ACTIVE
    created_at: datetime
    updated_at: datetime
    imported_at: datetime | None = None
    groups: list[DocGroup] = []
    participants: list[DocParticipant] = []
    themes: list[DocTheme] = []
    ideas: list[DocIdea] = []
    rounds: list[DocRound] = []
    notes: list[DocNote] = []
    activity: list[DocActivity] = []


class Document(_Part):
    format: Literal["klinikka"] = FORMAT_NAME
    version: int
    generator: str = ""
    exported_at: datetime
    clinics: list[DocClinic]
