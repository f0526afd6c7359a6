"""Dates and times as people type and read them: Finnish and Finland-Swedish write
``3.11.2026 9.00`` (``klo`` / ``kl.`` may stand before the time), and ISO ``2026-11-03 09:00``
is read in every language. Pure: no I/O, no database."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from klinikka.errors import ValidationError
from klinikka.i18n import N_

# Words that may stand before a time: Finnish "klo", Swedish "kl.", English "at".
_AT = r"(?:(?:klo|kl\.?|at)\s*)?"
_TIME = _AT + r"(?P<hour>\d{1,2})(?:[.:](?P<minute>\d{2}))?"
_LOCAL = re.compile(
    r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?:\s*,?\s+" + _TIME + r")?",
    re.IGNORECASE,
)
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?:(?:T|\s+)" + _TIME + r")?",
    re.IGNORECASE,
)
_TIME_ALONE = re.compile(_TIME, re.IGNORECASE)

# The languages that write dates day first with dots; the others are shown ISO.
DOTTED = frozenset({"fi", "sv"})


def _not_a_date(value: str) -> ValidationError:
    return ValidationError(
        N_("“{value}” is not a date: write it as 3.11.2026 9.00 or 2026-11-03 09:00."),
        value=value,
    )


def _time_of(match: re.Match[str]) -> time:
    hour, minute = match.group("hour"), match.group("minute")
    if hour is None:
        return time()
    return time(int(hour), int(minute or 0))


def parse_when(text: str | None) -> datetime | None:
    """A date, or a date and time, in the local (``3.11.2026 9.00``) or ISO form; None for
    nothing typed. Raises ValidationError (translated) for anything else."""
    if text is None or not text.strip():
        return None
    value = " ".join(text.split())
    match = _LOCAL.fullmatch(value) or _ISO.fullmatch(value)
    if match is None:
        raise _not_a_date(value)
    try:
        day = datetime(int(match.group("year")), int(match.group("month")), int(match.group("day")))
        return datetime.combine(day, _time_of(match))
    except ValueError:  # 31.2., 25.00 and the like
        raise _not_a_date(value) from None


def parse_time(text: str) -> time | None:
    """A time of day alone (``11.00``, ``11:00``, ``klo 11``), or None when ``text`` is not
    one (it may still be a whole date). Raises ValidationError for an impossible time."""
    value = " ".join(text.split())
    match = _TIME_ALONE.fullmatch(value)
    if match is None:
        return None
    try:
        return _time_of(match)
    except ValueError:
        raise ValidationError(
            N_("“{value}” is not a time of day: write it as 11.00 or 11:00."), value=value
        ) from None


def format_time(moment: datetime | time, language: str) -> str:
    """A time of day the way ``language`` writes it: ``9.00`` (fi, sv) or ``09:00``."""
    if language in DOTTED:
        return f"{moment.hour}.{moment.minute:02d}"
    return f"{moment.hour:02d}:{moment.minute:02d}"


def format_day(day: date, language: str) -> str:
    """A date the way ``language`` writes it in a list: ``3.11.2026`` (fi, sv), else ISO."""
    if language in DOTTED:
        return f"{day.day}.{day.month}.{day.year}"
    return day.isoformat()


def format_when(moment: datetime, language: str) -> str:
    """A date and time the way ``language`` writes it, as ``parse_when`` reads it back."""
    return f"{format_day(moment.date(), language)} {format_time(moment, language)}"
