"""Padlet's export of a board's posts: a CSV file, or the .zip that holds it.

```
Subject,Body,Attachment,Author,Created At,Updated At,Section
Matalan kynnyksen neuvonta,"Neuvontapiste kirjastoon, jossa järjestöt ja hyvinvointialue
päivystävät yhdessä.",,Aino Laine,2026-11-03 09:12:44 UTC,,Ennaltaehkäisy
```
- The delimiter is a comma or a semicolon (sniffed). Columns are found by name, case and
  spacing ignored, in English, Finnish or Swedish (see ``_COLUMNS``); extra columns are
  ignored and all but one of Subject and Body may be missing.
- An idea's text is the subject and the body on separate lines (the subject alone when there
  is no body, the body alone when it starts with the subject), then the attachment's link on
  a line of its own if the post has one. A body written as HTML is turned into plain text.
- A post without subject and body is skipped: empty, or only an attachment.
- The author "Anonymous" (Padlet's name for an anonymous post) is no author.
- "Created At" gives the time: ``2026-11-03 09:12:44``, with ``T``, with or without seconds,
  or Finnish ``3.11.2026 9.12``; a zone after it (``UTC``, ``GMT``, ``Z``, ``+02:00``) is
  kept, so the moment is right whatever the machine's zone (without one the time is the
  file's local time). A time that cannot be read is no time, not a skip.
- Sections become suggested themes, in the order they first appear, and each post's
  ``section``; sections that differ only in case or spacing are one section.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

from klinikka.errors import ImportFormatError
from klinikka.i18n import N_
from klinikka.importers.base import (
    MAX_FILE_BYTES,
    Parsed,
    Skip,
    add_idea,
    empty_file,
    one_line,
    too_large,
)
from klinikka.importers.csv_list import cell, header_and_rows, header_key, sniff_delimiter
from klinikka.importers.decoding import read_text
from klinikka.text import name_key

EMPTY_POST = N_("an empty post")
ATTACHMENT_ONLY = N_("a post with only an attachment, no text")

# Each field and the header names that mean it (compared by ``header_key``).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "subject": ("subject", "title", "otsikko", "aihe", "rubrik", "ämne"),
    "body": ("body", "content", "text", "message", "sisältö", "teksti", "viesti", "innehåll"),
    "attachment": ("attachment", "attachment url", "link", "liite", "linkki", "bilaga", "länk"),
    "author": (
        "author",
        "author name",
        "creator",
        "tekijä",
        "kirjoittaja",
        "laatija",
        "författare",
        "skapare",
    ),
    "created": ("created at", "created", "date", "luotu", "luontiaika", "päivämäärä", "skapad"),
    "updated": ("updated at", "updated", "päivitetty", "muokattu", "uppdaterad"),
    "section": ("section", "section title", "column", "osio", "sarake", "avsnitt", "sektion"),
}
# Padlet's name for an anonymous post's author, in the languages it writes.
_ANONYMOUS = {"anonymous", "anonyymi", "anonym"}

_TIME = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})[T ]\s*"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
    r"|(?P<fday>\d{1,2})\.(?P<fmonth>\d{1,2})\.(?P<fyear>\d{4})\s+(?:klo\s+)?"
    r"(?P<fhour>\d{1,2})[.:](?P<fminute>\d{2})(?:[.:](?P<fsecond>\d{2}))?"
)
_HTML = re.compile(r"^\s*<(?:p|div|br|ul|ol|li|h[1-6]|span|strong|em|b|i)\b", re.IGNORECASE)
_HTML_BREAK = re.compile(r"<\s*(?:br\s*/?|/p|/div|/li|/h[1-6])\s*>", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^>]{0,200}>")


def columns_of(header: Sequence[str]) -> dict[str, int]:
    """Padlet's fields found in a header, each at its first column."""
    found: dict[str, int] = {}
    keys = [header_key(name) for name in header]
    for field, names in _COLUMNS.items():
        for index, key in enumerate(keys):
            if key in names:
                found[field] = index
                break
    return found


def is_padlet_header(header: Sequence[str]) -> bool:
    """A header Padlet wrote: a subject or body column and two more of Padlet's columns."""
    found = columns_of(header)
    return ("subject" in found or "body" in found) and len(found) >= 3


def parse(text: str) -> Parsed:
    """The posts of a Padlet CSV export."""
    if not text.strip():
        raise empty_file()
    delimiter = sniff_delimiter(text, (",", ";"))
    header, rows = header_and_rows(text, delimiter)
    columns = columns_of(header)
    if "subject" not in columns and "body" not in columns:
        raise ImportFormatError(
            N_("The file is not a Padlet export: it has no Subject or Body column.")
        )
    parsed = Parsed(format="padlet")
    sections: dict[str, str] = {}
    for row in rows:
        if row.error:
            parsed.skipped.append(Skip(row.number, row.error))
            continue
        subject = cell(row.cells, columns.get("subject")).strip()
        body = _plain(cell(row.cells, columns.get("body"))).strip()
        attachment = one_line(cell(row.cells, columns.get("attachment")), 2000)
        if not subject and not body and attachment:
            parsed.skipped.append(Skip(row.number, ATTACHMENT_ONLY, attachment))
            continue
        section = one_line(cell(row.cells, columns.get("section")))
        section = sections.get(name_key(section), section)
        author = cell(row.cells, columns.get("author"))
        if author.strip().casefold() in _ANONYMOUS:
            author = ""
        add_idea(
            parsed,
            "\n".join(part for part in (_join(subject, body), attachment) if part),
            line=row.number,
            author=author,
            time=_time(cell(row.cells, columns.get("created"))),
            section=section,
            empty_reason=EMPTY_POST,
        )
        # A section is suggested once a post in it is imported, in the order of first posts.
        if section and parsed.items and parsed.items[-1].line == row.number:
            sections.setdefault(name_key(section), section)
    parsed.sections = list(sections.values())
    return parsed


def parse_zip(data: bytes) -> Parsed:
    """The posts in Padlet's .zip download: the CSV file in it (the largest if several)."""
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data))
    damaged = ImportFormatError(N_("The ZIP file is damaged or incomplete."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            csvs = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and info.filename.lower().endswith(".csv")
                and not info.filename.startswith("__MACOSX/")
                and not info.filename.rsplit("/", 1)[-1].startswith("._")
            ]
            if not csvs:
                raise ImportFormatError(
                    N_("The ZIP file holds no CSV file (Padlet’s export of the posts).")
                )
            chosen = max(csvs, key=lambda info: info.file_size)
            if chosen.file_size > MAX_FILE_BYTES:
                raise too_large(chosen.file_size)
            with archive.open(chosen) as member:
                # Read one byte past the limit: a size in the directory can lie.
                contents = member.read(MAX_FILE_BYTES + 1)
    except ImportFormatError:
        raise
    except Exception as error:
        # BadZipFile, a truncated or corrupt member (zlib.error, EOFError), an encrypted one
        # or a compression method Python does not read: all one thing to the user.
        raise damaged from error
    if len(contents) > MAX_FILE_BYTES:
        raise too_large(len(contents))
    return parse(read_text(contents))


def _join(subject: str, body: str) -> str:
    if not body:
        return subject
    if not subject or name_key(body).startswith(name_key(subject)):
        return body
    return f"{subject}\n{body}"


def _plain(body: str) -> str:
    """A body Padlet wrote as HTML, as plain text; any other body as it is."""
    if not _HTML.match(body):
        return body
    return html.unescape(_HTML_TAG.sub("", _HTML_BREAK.sub("\n", body)))


def _time(value: str) -> datetime | None:
    match = _TIME.search(value)
    if match is None:
        return None
    moment = _naive_time(match)
    return _with_zone(moment, value[match.end() :]) if moment is not None else None


def _naive_time(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    try:
        if parts["year"] is not None:
            return datetime(
                int(parts["year"]),
                int(parts["month"]),
                int(parts["day"]),
                int(parts["hour"]),
                int(parts["minute"]),
                int(parts["second"] or 0),
            )
        return datetime(
            int(parts["fyear"]),
            int(parts["fmonth"]),
            int(parts["fday"]),
            int(parts["fhour"]),
            int(parts["fminute"]),
            int(parts["fsecond"] or 0),
        )
    except ValueError:
        return None


_ZONE = re.compile(r"^\s*(?:(?P<utc>UTC|GMT|Z)|(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2}))")


def _with_zone(moment: datetime, rest: str) -> datetime:
    """``moment`` in the zone written after it, if one is."""
    zone = _ZONE.match(rest)
    if zone is None:
        return moment
    if zone["utc"]:
        return moment.replace(tzinfo=UTC)
    offset = timedelta(hours=int(zone["hours"]), minutes=int(zone["minutes"]))
    return moment.replace(tzinfo=timezone(-offset if zone["sign"] == "-" else offset))
