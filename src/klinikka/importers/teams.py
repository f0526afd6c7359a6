"""A Teams meeting chat, copied from the meeting window and saved as text.

A message is a block: the author's line, a time line, then the message's lines, up to the
next block. Blank lines between blocks do not matter::

    Aino Laine
    10.42
    Palveluohjaus yhteen numeroon.
    Mikko Korhonen (Vieras)
    eilen 10.44
    Järjestöjen palvelut näkyviin Suomi.fi:hin.
    (muokattu)

    Sara Lindholm
    11/3 10:46 AM
    Peer support groups online, please!

The classic layout that puts the time in brackets before the name is read too::

    [3.11.2026 10.42] Aino Laine
    Palveluohjaus yhteen numeroon.

Time lines, English, Finnish and Swedish (seconds, a comma after the date, ``klo``/``at``
before the clock, and an "Edited"/"(muokattu)" mark after it are allowed):
``10:42 AM``, ``10:42``, ``Yesterday 10:42 AM``, ``Monday 10:42 AM``, ``Mon 10:42``,
``11/3 10:42 AM``, ``11/3/2026 10:42 AM``, ``2026-11-03 10:42``, ``10.42``, ``eilen 10.42``,
``tänään 10.42``, ``ma 10.42``, ``maanantai 10.42``, ``3.11. 10.42``, ``3.11.2026 10.42``,
``3.11.2026 klo 10.42``, ``igår 10:42``, ``mån 10:42``. A date with a slash is month/day, as
Teams writes it in English (day/month if the first number is over 12).

``time`` is the date and time when the line gives a year; otherwise (a time alone, a weekday,
"yesterday", a day and month without a year) it is the time of day on 1900-01-01.

Also:
- "(edited)", "(muokattu)", "(redigerad)" at the end of a message, and an "Edited"/"Muokattu"
  line just after the time or at the end of the message, are removed.
- "(Guest)", "(Vieras)", "(External)", "(Ulkoinen)" and the like after a name are removed.
- Notices of the meeting are skipped wherever they are, as whole lines: "X joined the
  meeting", "X liittyi kokoukseen", "X left the meeting", "X poistui kokouksesta", "Meeting
  started", "Kokous alkoi", "Recording has started", "Tallennus aloitettiin", "Transkriptio
  aloitettiin", "X started recording", "Meeting ended: 1h 2m" and their kin (a time line
  right after a notice goes with it).
- A message of only emoji or punctuation (or "+1") is a reaction, skipped.
- Other lines before the first message are skipped with a reason.
- An author line is at most 100 characters. A message line that is followed by a line that
  is only a time is read as a new message's author: Teams copies cannot tell them apart.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import NamedTuple

from klinikka.errors import ImportFormatError
from klinikka.i18n import N_
from klinikka.importers.base import (
    OUTSIDE_MESSAGE,
    REACTION,
    SYSTEM,
    Parsed,
    Skip,
    add_idea,
    empty_file,
    excerpt,
    is_reaction,
)

_DAY_WORDS = (
    "yesterday|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    "|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
    "|eilen|tänään|maanantai|tiistai|keskiviikko|torstai|perjantai|lauantai|sunnuntai"
    "|ma|ti|ke|to|pe|la|su"
    "|igår|idag|måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag"
    "|mån|tis|ons|tors|fre|lör|sön"
)
_EDITED = r"(?:edited|muokattu|redigerad)"
_TIME_LINE = re.compile(
    rf"(?:(?:{_DAY_WORDS})\.?,?\s+)?"
    r"(?:(?:(?P<fday>\d{1,2})\.(?P<fmonth>\d{1,2})\.(?P<fyear>\d{4}|\d{2})?"
    r"|(?P<first>\d{1,2})/(?P<second>\d{1,2})(?:/(?P<syear>\d{4}|\d{2}))?"
    r"|(?P<iyear>\d{4})-(?P<imonth>\d{1,2})-(?P<iday>\d{1,2})),?\s+)?"
    r"(?:(?:klo|kl\.?|at)\s+)?"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<sec>\d{2}))?"
    r"(?:\s*(?P<ampm>[ap])\.?\s?m\.?)?"
    rf"(?:\s+\(?{_EDITED}\)?)?",
    re.IGNORECASE,
)
_BRACKET = re.compile(r"\[(?P<when>[^\]]{3,40})\]\s*(?P<name>\S.*)")
_EDITED_LINE = re.compile(rf"\(?{_EDITED}\)?", re.IGNORECASE)
_EDITED_END = re.compile(rf"\s*\({_EDITED}\)$", re.IGNORECASE)
_NAME_MARK = re.compile(
    r"\s*\((?:guest|vieras|gäst|external|ulkoinen|extern|unverified|vahvistamaton)\)$",
    re.IGNORECASE,
)
# What may follow "Meeting ended" and the like: a time or a duration, starting with a digit.
_TAIL = r"(?:[\s:,–-]+(?:klo\s+|at\s+)?\d[\w\s:./,]*)?"
_SYSTEM = re.compile(
    "|".join(
        (
            r".+ (?:has )?(?:joined|left) the (?:meeting|call|conversation)\.?",
            r".+ (?:was|has been) (?:added|invited) to the (?:meeting|chat)\.?",
            r".+ (?:started|stopped) (?:recording|transcription)\.?",
            rf"(?:the )?(?:meeting|call) (?:started|ended|has started|has ended)\.?{_TAIL}",
            r"(?:recording|transcription) (?:has )?(?:started|stopped|ended)\.?",
            r".+ (?:liittyi|poistui|lähti) (?:kokoukseen|kokouksesta|puheluun|puhelusta)\.?",
            r".+ (?:aloitti|lopetti) (?:tallennuksen|tallentamisen|transkription)\.?",
            rf"kokous (?:alkoi|päättyi|on alkanut|on päättynyt)\.?{_TAIL}",
            r"(?:tallennus|tallentaminen|transkriptio|transkriptointi)"
            r" (?:aloitettiin|lopetettiin|alkoi|päättyi|on alkanut|on päättynyt)\.?",
            r".+ (?:anslöt till|lämnade) mötet\.?",
            rf"mötet (?:startade|började|avslutades|slutade)\.?{_TAIL}",
            r"(?:inspelningen|transkriberingen) (?:startade|stoppades|avslutades)\.?",
        )
    ),
    re.IGNORECASE,
)
_MAX_AUTHOR = 100
_MAX_NOTICE = 300
_MAX_TIME_LINE = 60
# Detection looks at the start of a file only.
_DETECT_LINES = 400


class _Header(NamedTuple):
    line: int  # the author's line, 0-based
    author: str
    time: datetime
    body: int  # the first line of the message, 0-based


def time_of(line: str) -> datetime | None:
    """The time a Teams time line gives, or None if the line is not one."""
    line = line.strip()
    # A time line is short; the length check spares the pattern most message lines.
    match = _TIME_LINE.fullmatch(line) if len(line) <= _MAX_TIME_LINE else None
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["sec"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["ampm"].lower() == "p" else 0)
    year: int | None = None
    month = day = 1
    if match["fmonth"]:
        month, day = int(match["fmonth"]), int(match["fday"])
        year = _year(match["fyear"]) if match["fyear"] else None
    elif match["first"]:
        month, day = int(match["first"]), int(match["second"])
        if month > 12:
            month, day = day, month
        year = _year(match["syear"]) if match["syear"] else None
    elif match["iyear"]:
        year, month, day = int(match["iyear"]), int(match["imonth"]), int(match["iday"])
    try:
        # A date without a year must still be a real day (of a leap year, for 29.2.).
        datetime(year or 2000, month, day)
        if year is not None:
            return datetime(year, month, day, hour, minute, second)
        return datetime(1900, 1, 1, hour, minute, second)
    except ValueError:
        return None


def is_teams_chat(text: str) -> bool:
    """Whether the text starts with a Teams message (after any notices) and has two of them,
    or is one short message."""
    lines = text.split("\n", _DETECT_LINES)[:_DETECT_LINES]
    headers = _headers(lines)
    if not headers:
        return False
    # Notices (and the time lines under them) may come before the first message.
    first = next(
        (
            index
            for index, line in enumerate(lines)
            if line.strip() and not _is_notice(line.strip()) and time_of(line) is None
        ),
        None,
    )
    return first == headers[0].line and (
        len(headers) >= 2 or sum(1 for line in lines if line.strip()) <= 6
    )


def parse(text: str) -> Parsed:
    """The messages of a copied Teams meeting chat."""
    if not text.strip():
        raise empty_file()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headers = _headers(lines)
    if not headers:
        raise ImportFormatError(
            N_(
                "The file is not a Teams chat: no message starts with a name"
                " and a time on the next line."
            )
        )
    parsed = Parsed(format="teams")
    _notices_and_strays(parsed, lines, 0, headers[0].line, strays=True)
    ends = [header.line for header in headers[1:]] + [len(lines)]
    for header, end in zip(headers, ends, strict=True):
        kept = _notices_and_strays(parsed, lines, header.body, end, strays=False)
        while kept and not kept[-1]:
            kept.pop()
        while kept and not kept[0]:
            kept.pop(0)
        if kept and _EDITED_LINE.fullmatch(kept[0]):
            kept.pop(0)
        if kept and _EDITED_LINE.fullmatch(kept[-1]):
            kept.pop()
        message = _EDITED_END.sub("", "\n".join(kept))
        if is_reaction(message):
            parsed.skipped.append(Skip(header.line + 1, REACTION, excerpt(message)))
            continue
        add_idea(parsed, message, line=header.line + 1, author=header.author, time=header.time)
    parsed.skipped.sort(key=lambda skip: skip.line)
    return parsed


def _headers(lines: list[str]) -> list[_Header]:
    """Where each message starts: an author line and a time line, or a bracketed time."""
    headers: list[_Header] = []
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        bracket = _BRACKET.fullmatch(line)
        when = time_of(bracket["when"]) if bracket else None
        if bracket and when is not None:
            headers.append(_Header(index, _author(bracket["name"]), when, index + 1))
            index += 1
            continue
        if index + 1 < len(lines) and _may_be_author(line):
            when = time_of(lines[index + 1])
            if when is not None:
                headers.append(_Header(index, _author(line), when, index + 2))
                index += 2
                continue
        index += 1
    return headers


def _may_be_author(line: str) -> bool:
    return (
        0 < len(line) <= _MAX_AUTHOR
        and time_of(line) is None
        and not _is_notice(line)
        and not _EDITED_LINE.fullmatch(line)
    )


def _is_notice(line: str) -> bool:
    """A notice of the meeting (a long line is a message, not a notice)."""
    return len(line) <= _MAX_NOTICE and _SYSTEM.fullmatch(line) is not None


def _author(name: str) -> str:
    return _NAME_MARK.sub("", name.strip())


def _notices_and_strays(
    parsed: Parsed, lines: list[str], start: int, end: int, *, strays: bool
) -> list[str]:
    """The lines from ``start`` to ``end`` without the meeting's notices (each skipped with a
    reason); with ``strays``, every other line that is not blank is skipped too."""
    kept: list[str] = []
    index = start
    while index < end:
        line = lines[index].strip()
        if line and _is_notice(line):
            parsed.skipped.append(Skip(index + 1, SYSTEM, excerpt(line)))
            if index + 1 < end and time_of(lines[index + 1]) is not None:
                index += 1
        elif strays and line:
            parsed.skipped.append(Skip(index + 1, OUTSIDE_MESSAGE, excerpt(line)))
        elif not strays:
            kept.append(line)
        index += 1
    return kept


def _year(value: str) -> int:
    return int(value) + 2000 if len(value) == 2 else int(value)
