"""Which format a file is in, and reading any file but klinikka's JSON into ideas.

Detection, in this order (the file's name only breaks ties, as noted):
1. A ZIP file is Padlet's download ("padlet"), unless it is an Excel or Word file (refused
   with what it is). Any other binary file, an empty file and one over 20 MB are refused.
2. A text that starts with ``{`` or ``[`` and is JSON: "json" if it is a klinikka document,
   refused otherwise. A file named ``*.json`` that is not valid JSON is "json" too, so the
   JSON importer says where it breaks.
3. The first line that is not blank is a Zoom header (``10:02:15 From …``): "zoom".
4. The text starts with a Teams message (a name, then a time line; or ``[time] name``) and
   has two of them, or is one short message: "teams".
5. The first row, read as CSV (``,``, ``;`` or tab), has Padlet's columns (Subject or Body
   and two more of Padlet's): "padlet". Any other CSV is refused with its columns and a hint
   to choose the format "csv" and name the column of ideas: a generic CSV cannot be read
   without knowing which column holds them. A file counts as CSV when it is named ``*.csv``
   or ``*.tsv``, or when its first rows all split into the same number of columns: two or
   more on ``;`` or tab, three or more on ``,`` (an idea list with one comma a line is text).
6. Anything else is "text".
"""

from __future__ import annotations

import json
from itertools import islice

from klinikka.document import FORMAT_NAME
from klinikka.errors import ImportFormatError
from klinikka.i18n import N_
from klinikka.importers import csv_list, padlet, plain, teams, zoom
from klinikka.importers.base import FORMATS, CsvColumns, Parsed
from klinikka.importers.decoding import is_excel, is_zip, not_text, read_text

_CSV_NAMES = (".csv", ".tsv")
_CSV_ROWS = 10


def detect(data: bytes, file_name: str) -> str:
    """The format of a file (one of ``FORMATS``); ImportFormatError if it cannot be imported:
    empty, too large, binary, JSON that is not klinikka's, or a CSV that needs its columns
    named."""
    if is_zip(data):
        return _zip_format(data)
    return detect_text(read_text(data), file_name)


def detect_text(text: str, file_name: str) -> str:
    """The format of a file's decoded text (see the module's docstring)."""
    name = file_name.lower()
    if text.lstrip().startswith(("{", "[")) or name.endswith(".json"):
        try:
            raw = json.loads(text)
        except (ValueError, RecursionError):
            if name.endswith(".json"):
                return "json"
        else:
            if isinstance(raw, dict) and raw.get("format") == FORMAT_NAME:
                return "json"
            raise ImportFormatError(N_("The file is JSON but not a klinikka document."))
    if zoom.is_zoom_chat(text):
        return "zoom"
    if teams.is_teams_chat(text):
        return "teams"
    delimiter = csv_list.sniff_delimiter(text)
    read = (row for row in csv_list.read_rows(text, delimiter) if not row.error)
    rows = list(islice(read, _CSV_ROWS))
    if rows and padlet.is_padlet_header(rows[0].cells):
        return "padlet"
    if rows and _is_csv([row.cells for row in rows], delimiter, name):
        raise ImportFormatError(
            N_(
                "The file looks like a CSV file with the columns {columns}: choose the format"
                " “csv” and name the column that holds the ideas"
                " (--format csv --text-column NAME)."
            ),
            columns=csv_list.column_list(rows[0].cells),
        )
    return "text"


def parse_file(
    data: bytes,
    file_name: str,
    file_format: str = "auto",
    *,
    columns: CsvColumns | None = None,
    include_private: bool = False,
) -> Parsed:
    """The ideas in a file: detected (``file_format="auto"``), decoded and parsed.

    Not for klinikka's JSON: a JSON document holds whole clinics and goes through
    ``klinikka_json.parse_document``. A caller detects first (``detect``) and sends "json"
    there; ``parse_file`` refuses "json", and a file it detects as JSON, with an
    ImportFormatError. With ``columns`` and "auto", the file is read as a generic CSV.
    ``include_private`` imports Zoom's private messages too. Raises only ImportFormatError.
    """
    if file_format != "auto" and file_format not in FORMATS:
        raise ImportFormatError(N_("Unknown import format: {format}."), format=file_format)
    if file_format == "auto" and columns is not None:
        file_format = "csv"
    if is_zip(data) and file_format in ("auto", "padlet"):
        _zip_format(data)
        return padlet.parse_zip(data)
    text = read_text(data)
    chosen = detect_text(text, file_name) if file_format == "auto" else file_format
    if chosen == "json":
        raise ImportFormatError(
            N_(
                "The file is a klinikka JSON document: it is imported whole, with its"
                " clinics, not as a list of ideas."
            )
        )
    if chosen == "padlet":
        return padlet.parse(text)
    if chosen == "zoom":
        return zoom.parse(text, include_private=include_private)
    if chosen == "teams":
        return teams.parse(text)
    if chosen == "csv":
        if columns is None:
            raise ImportFormatError(N_("Name the column that holds the ideas."))
        return csv_list.parse(text, columns)
    return plain.parse(text)


def _zip_format(data: bytes) -> str:
    """A ZIP is Padlet's download, unless it is an Office file."""
    if is_excel(data) or b"word/document" in data:
        refusal = not_text(data)
        if refusal is not None:
            raise refusal
    return "padlet"


def _is_csv(rows: list[list[str]], delimiter: str, name: str) -> bool:
    if name.endswith(_CSV_NAMES):
        return True
    widths = {len(row) for row in rows}
    if len(rows) < 2 or len(widths) != 1:
        return False
    width = widths.pop()
    return width >= (2 if delimiter in ";\t" else 3)
