"""What every importer of ideas gives: items to import, and what it skipped and why.

A parser is a pure function of a file's bytes: it reads nothing else and writes nothing. The
import service (``services/importing.py``) previews what a parser found, and imports it in one
transaction. Messages are msgids with fields (``N_``), translated when shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from klinikka.errors import ImportFormatError
from klinikka.i18n import N_
from klinikka.text import strip_controls

_BLANK_LINES = re.compile(r"\n{3,}")
_PLUS_ONE = re.compile(r"\+\d{1,2}!*")

# Larger files are refused before they are parsed (a Padlet export of a very large board or
# the chat of a day-long meeting is a few MB).
MAX_FILE_BYTES = 20 * 1024 * 1024

# The formats, as ``--format`` names them ("auto" detects).
FORMATS = ("json", "padlet", "zoom", "teams", "text", "csv")
# How a preview names the format it recognised.
FORMAT_LABELS = {
    "json": N_("klinikka's JSON"),
    "padlet": N_("a Padlet board"),
    "zoom": N_("a Zoom chat"),
    "teams": N_("a Teams chat"),
    "text": N_("plain text"),
    "csv": N_("a CSV list"),
}


@dataclass(frozen=True)
class Item:
    """One idea found in a file."""

    text: str
    author: str = ""
    # When it was written, as the file says (naive: the file's own local time).
    time: datetime | None = None
    # A Padlet section: a suggested theme.
    section: str = ""
    # A generic CSV's group column: a stakeholder group's name or code.
    group: str = ""
    # Where in the file it starts: a line (chats, text) or a row (CSV, header = row 1).
    line: int = 0


@dataclass(frozen=True)
class Skip:
    """Something in the file that is not imported, and why (a msgid with fields)."""

    line: int
    reason: str
    excerpt: str = ""


@dataclass
class Parsed:
    """What a parser found in a file."""

    format: str
    items: list[Item] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    # Suggested themes (Padlet's sections), in the file's order.
    sections: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CsvColumns:
    """A generic CSV's columns, named by the user (header names, case-insensitive)."""

    text: str
    author: str = ""
    group: str = ""


# Reasons for skipping, shared by the parsers (each parser may add its own).
EMPTY_MESSAGE = N_("an empty message")
REACTION = N_("a reaction, not a message")
PRIVATE = N_("a private message")
SYSTEM = N_("a notice from the meeting, not a message")


def too_large(size: int) -> ImportFormatError:
    return ImportFormatError(
        N_("The file is too large: at most {limit} MB."), limit=MAX_FILE_BYTES // 1024 // 1024
    )


# An idea's longest text, as the services check it (``services._base.MAX_TEXT``; a test keeps
# the two equal): a longer text in a file is skipped, never cut.
MAX_TEXT = 20_000
# A name, a section or a group is cut to this length (``services._base.MAX_NAME``).
MAX_NAME = 200

TOO_LONG = N_("too long for an idea (over 20,000 characters)")
OUTSIDE_MESSAGE = N_("a line outside any message")

EMPTY_FILE = N_("The file is empty.")


def empty_file() -> ImportFormatError:
    return ImportFormatError(EMPTY_FILE)


def one_line(text: str, limit: int = MAX_NAME) -> str:
    """A name, a section or a group: one line, no control characters, spacing collapsed."""
    return " ".join(strip_controls(text, keep_newlines=False).split())[:limit].strip()


def excerpt(text: str, limit: int = 80) -> str:
    """The start of a text, on one line, for a preview (a skipped text beside its reason)."""
    line = " ".join(strip_controls(text, keep_newlines=False).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def idea_text(text: str) -> str:
    """An idea's text as the services would store it: no controls, trailing spaces and runs
    of blank lines gone, the words all kept."""
    cleaned = strip_controls(text).strip()
    if "\n" not in cleaned:
        return cleaned
    lines = [line.rstrip() for line in cleaned.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines))


def add_idea(
    parsed: Parsed,
    text: str,
    *,
    line: int,
    author: str = "",
    time: datetime | None = None,
    section: str = "",
    group: str = "",
    empty_reason: str = EMPTY_MESSAGE,
) -> None:
    """Add an idea to ``parsed``, or a skip if its text is empty or too long."""
    cleaned = idea_text(text)
    if not cleaned:
        parsed.skipped.append(Skip(line, empty_reason, one_line(author)))
    elif len(cleaned) > MAX_TEXT:
        parsed.skipped.append(Skip(line, TOO_LONG, excerpt(cleaned)))
    else:
        parsed.items.append(
            Item(
                text=cleaned,
                author=one_line(author),
                time=time,
                section=one_line(section),
                group=one_line(group),
                line=line,
            )
        )


def is_reaction(text: str) -> bool:
    """A message that only reacts: emoji or punctuation without a letter or digit, or "+1"."""
    text = text.strip()
    if not text:
        return False
    return not any(char.isalnum() for char in text) or _PLUS_ONE.fullmatch(text) is not None
