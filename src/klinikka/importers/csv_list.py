"""A CSV list of ideas whose columns the user names (the text; an author and a group if any).

```
Idea;Nimi;Ryhmä
Yhteinen palveluohjaus järjestöjen ja hyvinvointialueen kesken;Aino Laine;Järjestö
```
- The delimiter is sniffed: ``,``, ``;`` or a tab (Excel's "Unicode text").
- Row 1 is the header; columns are found by name, case and spacing ignored. A named column
  the header lacks is an ImportFormatError that lists the columns the file has.
- Each row is an idea; a row whose text cell is empty is skipped with a reason, a completely
  blank line is passed over, and a row the CSV reader cannot read is skipped with a reason.
  Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from klinikka.errors import ImportFormatError
from klinikka.i18n import N_
from klinikka.importers.base import (
    TOO_LONG,
    CsvColumns,
    Parsed,
    Skip,
    add_idea,
    empty_file,
    one_line,
)

EMPTY_CELL = N_("no text in the column of ideas")
UNREADABLE_ROW = N_("a row that cannot be read as CSV")

# How many records are read to choose the delimiter.
_SNIFF_ROWS = 10


def header_key(name: str) -> str:
    """How column names are compared: case, spacing, underscores and a BOM do not matter."""
    return " ".join(name.replace("\ufeff", "").replace("_", " ").casefold().split())


def sniff_delimiter(text: str, candidates: Sequence[str] = (",", ";", "\t")) -> str:
    """The delimiter that splits the first rows into the same number of columns, the most."""
    head = "\n".join(text.split("\n", _SNIFF_ROWS * 4)[: _SNIFF_ROWS * 4])
    best, best_score = candidates[0], (False, 0)
    for delimiter in candidates:
        widths = [len(row.cells) for row in read_rows(head, delimiter) if not row.error]
        widths = widths[:_SNIFF_ROWS]
        if not widths:
            continue
        # Rows after the first may be cut off by taking only the head of the file.
        consistent = len(set(widths[:-1] or widths)) == 1
        score = (consistent and widths[0] > 1, widths[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


class Row(NamedTuple):
    """A CSV record: its row number (the first is 1), its cells, and if it could not be read,
    why (a reason msgid; the cells are then empty)."""

    number: int
    cells: list[str]
    error: str = ""


def read_rows(text: str, delimiter: str) -> Iterator[Row]:
    """Each record of the text, blank lines passed over."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            number += 1
            # The reader's only complaint about text with plain newlines: a field over its
            # limit (131,072 characters), which is far over an idea's.
            yield Row(number, [], TOO_LONG if "larger" in str(error) else UNREADABLE_ROW)
            continue
        number += 1
        if any(value.strip() for value in cells):
            yield Row(number, cells)


def header_and_rows(text: str, delimiter: str) -> tuple[list[str], Iterator[Row]]:
    """The header row and an iterator over the rest; ImportFormatError if there is no header."""
    rows = read_rows(text, delimiter)
    for row in rows:
        if row.cells:
            return row.cells, rows
    raise empty_file()


def column_list(header: Sequence[str]) -> str:
    """The header's columns, for a message."""
    names = [one_line(name.replace("\ufeff", ""), 60) for name in header]
    return ", ".join(f"“{name}”" for name in names if name) or "—"


def find_column(header: Sequence[str], name: str) -> int:
    """The index of a named column; ImportFormatError listing the columns if it is not there."""
    wanted = header_key(name)
    for index, column in enumerate(header):
        if header_key(column) == wanted:
            return index
    raise ImportFormatError(
        N_("The file has no column “{column}”; its columns are: {columns}."),
        column=one_line(name, 60),
        columns=column_list(header),
    )


def cell(row: Sequence[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index]


def parse(text: str, columns: CsvColumns) -> Parsed:
    """The ideas in a CSV list, from the columns the user named."""
    if not text.strip():
        raise empty_file()
    if not columns.text.strip():
        raise ImportFormatError(N_("Name the column that holds the ideas."))
    delimiter = sniff_delimiter(text)
    header, rows = header_and_rows(text, delimiter)
    text_index = find_column(header, columns.text)
    author_index = find_column(header, columns.author) if columns.author.strip() else None
    group_index = find_column(header, columns.group) if columns.group.strip() else None
    parsed = Parsed(format="csv")
    for row in rows:
        if row.error:
            parsed.skipped.append(Skip(row.number, row.error))
            continue
        add_idea(
            parsed,
            cell(row.cells, text_index),
            line=row.number,
            author=cell(row.cells, author_index),
            group=cell(row.cells, group_index),
            empty_reason=EMPTY_CELL,
        )
    return parsed
