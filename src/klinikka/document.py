"""klinikka's JSON document: everything in one or more clinics, versioned (docs/json-format.md).

These models are the format's schema: the exporter fills them from the database, the
importer validates a file against them. Ids inside a document only link its parts together;
importing gives everything new ids and keeps the uids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NaiveDatetime,
    StrictBool,
    ValidationInfo,
    field_validator,
)

from klinikka.enums import ClinicStatus, IdeaSource, NoteKind, RoundStatus, VotingMethod
from klinikka.text import strip_controls

FORMAT_NAME: Final = "klinikka"
FORMAT_VERSION = 1


# Ids link a document's parts; they must fit an SQLite integer.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
# What one ballot can give one theme (a vote, dots, points, Borda points or a poll's count).
Amount = Annotated[int, Field(ge=0, le=1_000_000_000)]
# The fields that are one line of text, as typed names and titles are (services/_base.py).
_ONE_LINE = {"title", "name", "author", "voter", "facilitator", "note_taker", "organisation"}
# Every field that holds text, in any part (each part has some of them).
_TEXT_FIELDS = (
    *_ONE_LINE,
    *("code", "description", "format", "file", "original_author", "uid", "text", "note"),
    *("action", "summary", "actor", "goal", "generator"),
)
_ONE_LINE_LIMIT = 200
_TEXT_LIMIT = 20_000


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Only the text fields: a validator on every field ("*") was a Python call for each
    # number and date too, a third of exporting a 10,000-idea clinic (bench/bench_export.py).
    @field_validator(*_TEXT_FIELDS, mode="before", check_fields=False)
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        # A file may carry anything; what klinikka stores is what typing would have stored:
        # no escape sequences, names and titles on one line, nothing longer than typing allows.
        if not isinstance(value, str):
            return value
        if info.field_name in _ONE_LINE:
            text = " ".join(strip_controls(value).split())
            limit = _ONE_LINE_LIMIT
        else:
            text = strip_controls(value)
            limit = _TEXT_LIMIT
        if len(text) > limit:
            raise ValueError(f"longer than {limit} characters")
        return text


class DocGroup(_Part):
    id: Id
    code: str | None = None
    name: str = Field(min_length=1)
    position: int = 0


class DocParticipant(_Part):
    id: Id
    name: str = Field(min_length=1)
    organisation: str = ""
    group: Id | None = None
    created_at: datetime | None = None


class DocTheme(_Part):
    id: Id
    name: str = Field(min_length=1)
    description: str = ""
    position: int = 0
    created_at: datetime | None = None


class DocProvenance(_Part):
    kind: IdeaSource = IdeaSource.LIVE
    format: str | None = None
    file: str | None = None
    original_author: str | None = None
    original_time: datetime | None = None
    imported_at: datetime | None = None


class DocIdea(_Part):
    id: Id
    uid: str = Field(min_length=1)
    text: str = Field(min_length=1)
    theme: Id | None = None
    participant: Id | None = None
    author: str = ""
    group: Id | None = None
    starred: StrictBool = False
    created_at: datetime
    updated_at: datetime
    merged_into: Id | None = None
    provenance: DocProvenance = DocProvenance()


class DocBallotEntry(_Part):
    theme: Id
    value: Amount
    rank: Annotated[int, Field(ge=1, le=1000)] | None = None


class DocBallot(_Part):
    id: Id
    voter: str
    participant: Id | None = None
    group: Id | None = None
    respondents: Amount | None = None
    cast_at: datetime
    entries: list[DocBallotEntry]


class DocDecision(_Part):
    theme: Id
    note: str = ""


class DocRound(_Part):
    id: Id
    number: int = Field(ge=1, le=1_000_000)
    title: str = ""
    method: VotingMethod
    dots_per_voter: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    cap_per_theme: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    points_budget: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    hide_results: StrictBool = False
    status: RoundStatus
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    runoff_of: Id | None = None
    decision: DocDecision | None = None
    themes: list[Id]
    ballots: list[DocBallot] = []
    created_at: datetime | None = None


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
    undone_at: datetime | None = None


class DocClinic(_Part):
    id: Id
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
    clinics: list[DocClinic] = Field(min_length=1)
