"""The enumerations of klinikka's data, apart from the tables: the pure layers (``tally.py``,
``document.py``, ``exports/``) read them without importing SQLAlchemy or SQLModel. They are
stored as their lower-case values."""

from __future__ import annotations

import enum


class ClinicStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class IdeaSource(enum.StrEnum):
    LIVE = "live"
    IMPORT = "import"


class VotingMethod(enum.StrEnum):
    SINGLE = "single"
    DOTS = "dots"
    RANKING = "ranking"
    POINTS = "points"
    AGGREGATE = "aggregate"


class RoundStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class NoteKind(enum.StrEnum):
    DECISION = "decision"
    NEXT_STEP = "next_step"
    NOTE = "note"
