"""The idea list: one line an idea, drawn only where it is on screen.

A clinic may have ten thousand ideas. A ``DataTable`` builds and measures every row it holds
(filling one with 10,000 rows took 1.6–3 s here), so this list keeps plain rows and renders the
lines the terminal shows, through Textual's line API: replacing all rows costs a list copy, and
another klinikka's change redraws a screenful, not the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from klinikka.i18n import N_, _
from klinikka.services.ideas import IdeaRow, IdeaRows
from klinikka.text import strip_controls
from klinikka.tui.guard import Guarded

# (field, heading, share of the width, least and most cells); the idea text takes the rest.
# Columns are shown in this order; when the list is too narrow to give every column its
# least and still leave the idea text MIN_TEXT cells, they are dropped in the order of
# DROPPED_FIRST: grouping needs the theme most, so it stays longest (80 columns keep it).
COLUMNS = (
    ("author", N_("Author"), 0.16, 10, 20),
    ("theme", N_("Theme"), 0.18, 10, 24),
    ("group", N_("Group"), 0.14, 12, 18),
)
DROPPED_FIRST = ("group", "author", "theme")
MARK_WIDTH = 2
MIN_TEXT = 24


def layout(width: int) -> list[tuple[str, int]]:
    """The columns that fit ``width`` cells, with their widths (one space between columns)."""
    sizes = {
        field: max(least, min(most, int(width * share)))
        for field, _heading, share, least, most in COLUMNS
    }
    kept = [field for field, *_rest in COLUMNS]
    for field in DROPPED_FIRST:
        used = MARK_WIDTH + 1 + sum(sizes[f] + 1 for f in kept)
        if width - used >= MIN_TEXT:
            break
        kept.remove(field)
    used = MARK_WIDTH + 1 + sum(sizes[f] + 1 for f in kept)
    return [("mark", MARK_WIDTH), ("text", max(1, width - used)), *((f, sizes[f]) for f in kept)]


def one_line(value: str | None) -> str:
    """User text for a cell: no control character, no line break, runs of space as one."""
    return " ".join(strip_controls(value or "").split())


def fit(value: str, width: int) -> str:
    """``value`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    if cell_len(value) <= width:
        return set_cell_size(value, width)
    return set_cell_size(value, width - 1) + "…" if width > 1 else set_cell_size(value, width)


@dataclass(frozen=True)
class Cells:
    text: str
    author: str
    group: str
    theme: str
    starred: bool


class IdeaList(Guarded, ScrollView, can_focus=False):
    """Ideas with a cursor and marks; the capture input keeps the focus, the screen moves it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "idea-list--header",
        "idea-list--cursor",
        "idea-list--marked",
    }
    DEFAULT_CSS = """
    IdeaList {
        background: $surface;
        overflow-y: auto;
        overflow-x: hidden;
    }
    IdeaList > .idea-list--header { text-style: bold; color: $text-accent; }
    IdeaList > .idea-list--cursor { background: $block-cursor-blurred-background; }
    IdeaList > .idea-list--marked { color: $text-warning; text-style: bold; }
    """

    @dataclass
    class Highlighted(Message):
        """The cursor is on another idea (None: the list is empty)."""

        idea_list: IdeaList
        idea_id: int | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows = IdeaRows()
        self._positions: dict[int, int] = {}
        self.cursor = 0
        self.marked: set[int] = set()
        self._highlighted: int | None = None
        self._cells: LRUCache[IdeaRow, Cells] = LRUCache(4096)
        # What an empty list says (the screen knows whether a search emptied it).
        self.empty_text = ""
        # Typed ideas not saved yet, by a temporary (negative) id: shown at the end, marked.
        self._pending: dict[int, IdeaRow] = {}
        self._next_pending = 0

    # ------------------------------------------------------------------ contents

    @property
    def rows(self) -> IdeaRows:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def selected_id(self) -> int | None:
        """The idea the cursor is on (a negative id: one still being saved)."""
        return self._rows.ids[self.cursor] if self._rows.ids else None

    @property
    def selected_idea(self) -> int | None:
        """The saved idea the cursor is on (None on one still being saved)."""
        idea_id = self.selected_id
        return idea_id if idea_id is not None and idea_id >= 0 else None

    def theme_of(self, idea_id: int) -> str | None:
        """The name of the theme the listed idea is in (None: none, or not listed)."""
        position = self._positions.get(idea_id)
        return None if position is None else self._rows.theme_names[position]

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def set_rows(self, rows: IdeaRows) -> None:
        """Show ``rows`` (the list keeps them); the cursor stays on its idea if that is still
        there, marks likewise."""
        selected = self.selected_id
        self._rows = rows
        for row in self._pending.values():  # still being saved: they stay shown
            rows.append(row)
        self._positions = dict(zip(rows.ids, range(len(rows)), strict=True))
        if self.marked:  # (intersecting with ten thousand keys costs when nothing is marked)
            self.marked &= self._positions.keys()
        self._resize()
        if selected in self._positions:
            self._move_to(self._positions[selected])
        else:
            self._move_to(min(self.cursor, max(0, len(self._rows) - 1)))
        self.refresh()

    def append(self, row: IdeaRow) -> None:
        """Add ``row`` at the end and put the cursor on it (a new idea is seen at once)."""
        self._positions[row.id] = len(self._rows)
        self._rows.append(row)
        self._resize()
        self._move_to(len(self._rows) - 1)
        self.refresh()

    def add_pending(self, text: str) -> int:
        """A typed idea not saved yet: shown at once, at the end, marked as being saved.
        Returns its temporary id, for ``confirm`` or ``drop``."""
        self._next_pending -= 1
        row = IdeaRow(self._next_pending, text, "", None, None, False, ())
        self._pending[row.id] = row
        self.append(row)
        return row.id

    def confirm(self, temporary: int, row: IdeaRow) -> None:
        """The idea is saved: its line becomes the saved idea's (the cursor stays on it)."""
        self._pending.pop(temporary, None)
        position = self._positions.pop(temporary, None)
        if position is None:
            return
        if row.id in self._positions:  # a reload in between already shows it
            self._remove_at(position)
            return
        columns = self._rows
        columns.ids[position] = row.id
        columns.texts[position] = row.text
        columns.authors[position] = row.author
        columns.group_names[position] = row.group_name
        columns.theme_names[position] = row.theme_name
        columns.starred[position] = int(row.starred)
        self._positions[row.id] = position
        if self.cursor == position:
            self._highlighted = row.id
            self.post_message(self.Highlighted(self, row.id))
        self._refresh_row(position)

    def drop(self, temporary: int) -> None:
        """A typed idea that was not saved leaves the list."""
        self._pending.pop(temporary, None)
        position = self._positions.pop(temporary, None)
        if position is not None:
            self._remove_at(position)

    def _remove_at(self, position: int) -> None:
        for column in self._rows._columns():
            del column[position]
        self._positions = dict(zip(self._rows.ids, range(len(self._rows)), strict=True))
        self._resize()
        self._move_to(min(self.cursor, max(0, len(self._rows) - 1)))
        self.refresh()

    def shown_text(self, position: int) -> str:
        """The idea text as its line shows it, whole (for tests and the screen's checks)."""
        return self._cells_of(self._rows[position]).text

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._rows) + 1)

    # ------------------------------------------------------------------ cursor and marks

    def move_cursor(self, step: int) -> None:
        if self._rows:
            self._move_to(max(0, min(len(self._rows) - 1, self.cursor + step)))

    def select(self, idea_id: int) -> None:
        if idea_id in self._positions:
            self._move_to(self._positions[idea_id])

    def toggle_mark(self) -> None:
        idea_id = self.selected_idea
        if idea_id is not None:
            self.marked ^= {idea_id}
            self._refresh_row(self.cursor)

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()

    def _move_to(self, position: int) -> None:
        old, self.cursor = self.cursor, position
        self._refresh_row(old)
        self._refresh_row(position)
        self._scroll_to_cursor()
        if self.selected_id != self._highlighted:
            self._highlighted = self.selected_id
            self.post_message(self.Highlighted(self, self._highlighted))

    def _scroll_to_cursor(self) -> None:
        shown = max(1, self.scrollable_content_region.height - 1)  # less the heading
        top = int(self.scroll_offset.y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + shown:
            self.scroll_to(y=self.cursor - shown + 1, animate=False, immediate=True)

    def _refresh_row(self, position: int) -> None:
        line = position - int(self.scroll_offset.y) + 1
        if 0 < line < self.size.height:
            self.refresh(Region(0, line, self.size.width, 1))

    def on_resize(self, _event: events.Resize) -> None:
        self._resize()
        self._scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        position = event.y - 1 + int(self.scroll_offset.y)
        if event.y > 0 and 0 <= position < len(self._rows):
            self._move_to(position)

    # ------------------------------------------------------------------ drawing

    def _cells_of(self, row: IdeaRow) -> Cells:
        cells = self._cells.get(row)
        if cells is None:
            text = row.text + "".join(f" + {merged}" for merged in row.merged_texts)
            cells = Cells(
                one_line(text),
                one_line(row.author),
                one_line(row.group_name),
                one_line(row.theme_name),
                row.starred,
            )
            self._cells[row] = cells
        return cells

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        columns = layout(width)
        if y == 0:
            style = base + self.get_component_rich_style("idea-list--header")
            headings = {"mark": "★", "text": _("Idea")}
            headings.update({field: _(heading) for field, heading, *_rest in COLUMNS})
            return self._strip(columns, headings, style, width)
        position = y - 1 + int(self.scroll_offset.y)
        if position >= len(self._rows):
            if y == 1 and not self._rows and self.empty_text:
                muted = base + Style(italic=True, dim=True)
                return Strip([Segment(fit("  " + self.empty_text, width), muted)], width)
            return Strip.blank(width, base)
        row = self._rows[position]
        cells = self._cells_of(row)
        style: Style = base
        if row.id < 0:  # being saved
            style += Style(dim=True, italic=True)
        if row.id in self.marked:
            style += self.get_component_rich_style("idea-list--marked")
        if position == self.cursor:
            style += self.get_component_rich_style("idea-list--cursor")
        values = {
            "mark": "…"
            if row.id < 0
            else ("●" if row.id in self.marked else "") + ("★" if cells.starred else ""),
            "text": cells.text,
            "author": cells.author,
            "group": cells.group,
            "theme": cells.theme,
        }
        return self._strip(columns, values, style, width)

    @staticmethod
    def _strip(
        columns: list[tuple[str, int]], values: dict[str, str], style: Style, width: int
    ) -> Strip:
        line = " ".join(fit(values[field], size) for field, size in columns)
        return Strip([Segment(fit(line, width), style)], width)
