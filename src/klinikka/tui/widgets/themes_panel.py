"""The Themes phase: the clinic's themes, and the line that creates one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from klinikka.i18n import _, ngettext
from klinikka.tui.messages import WriteDone
from klinikka.tui.screens.dialogs import AskText, Confirm
from klinikka.tui.text import user_text
from klinikka.tui.widgets.line_input import LineInput
from klinikka.tui.widgets.panel import PhasePanel


class ThemesPanel(PhasePanel):
    CURSOR_LIST = "#theme-table"
    DEFAULT_CSS = """
    ThemesPanel #theme-table { height: 1fr; }
    ThemesPanel #theme-ideas { height: auto; max-height: 8; padding: 0 1; background: $boost; }
    """
    # The selected theme's ideas shown under the table, at most this many.
    SHOWN_IDEAS = 6

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", id="theme-table")
        yield Static(id="theme-ideas")
        yield LineInput(
            clears=True, placeholder=_("A new theme's name — Enter creates"), id="new-theme"
        )

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.show_ideas()

    def show_ideas(self) -> None:
        """The selected theme's description whole and its first ideas (F2 and #name shows
        them all)."""
        from klinikka.services.ideas import list_idea_rows
        from klinikka.services.themes import list_themes

        shown = self.query_one("#theme-ideas", Static)
        theme_id = self.selected()
        theme = next(
            (t for t in list_themes(self.engine, self.clinic_id) if t.id == theme_id), None
        )
        if theme is None:
            shown.update("")
            return
        rows = list_idea_rows(self.engine, self.clinic_id, theme_id=theme.id)
        lines = [user_text(theme.description, style="italic")] if theme.description else []
        lines += [user_text(f"• {row.text}") for row in rows[: self.SHOWN_IDEAS]]
        if len(rows) > self.SHOWN_IDEAS:
            more = len(rows) - self.SHOWN_IDEAS
            lines.append(
                user_text(ngettext("… and {n} more", "… and {n} more", more).format(n=more))
            )
        if not rows:
            lines.append(user_text(_("No ideas in this theme yet (ctrl+t in Ideas moves them).")))
        shown.update(Text("\n").join(lines))

    @property
    def table(self) -> DataTable[object]:
        return self.query_one("#theme-table", DataTable)

    def selected(self) -> int | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def reload(self) -> None:
        """The themes, in columns as wide as the terminal allows (a few rows: rebuilt whole)."""
        from klinikka.services.themes import list_themes

        table = self.table
        found = list_themes(self.engine, self.clinic_id)
        selected = self.selected()
        # Each column has a cell of padding on both sides, and a scrollbar may take two.
        room = max(40, (self.size.width or self.app.size.width) - 2 - 3 * 2 - 5)
        name_width = max(20, min(60, room // 2))
        table.clear(columns=True)
        table.add_column(_("Theme"), width=name_width)
        table.add_column(_("Ideas"), width=5)
        table.add_column(_("Description"), width=room - name_width)
        for theme in found:
            table.add_row(
                user_text(theme.name, limit=name_width),
                str(theme.idea_count),
                user_text(theme.description, limit=room - name_width),
                key=str(theme.id),
            )
        if selected is not None and str(selected) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))
        self.show_ideas()

    def create(self, line: str) -> None:
        """A typed theme name: saved through the queue; the list shows it when committed."""
        from klinikka.writes import line_write, typed_line

        if line.strip():
            self.save_line(line_write(typed_line("theme", line, clinic_id=self.clinic_id)))

    def on_write_done(self, message: WriteDone) -> None:
        message.stop()
        outcome = message.outcome
        assert outcome.write.line is not None
        if outcome.error is not None:
            self.refused(str(outcome.write.line["text"]), outcome.error, "#new-theme")
            return
        self.reload()
        self.changed()

    def rename(self) -> None:
        from klinikka.services.themes import update_theme

        theme_id = self.selected()
        if theme_id is None:
            return

        def save(name: str | None) -> None:
            if name:
                self.save(lambda: update_theme(self.engine, theme_id, name=name))

        self.app.push_screen(AskText(_("New name of the theme:")), save)

    def describe(self) -> None:
        from klinikka.services.themes import list_themes, update_theme

        theme_id = self.selected()
        if theme_id is None:
            return
        current = next(
            (t for t in list_themes(self.engine, self.clinic_id) if t.id == theme_id), None
        )
        if current is None:  # deleted by another klinikka a moment ago
            return

        def save(text: str | None) -> None:
            if text is not None:
                self.save(lambda: update_theme(self.engine, theme_id, description=text))

        question = _("Description of the theme “{name}”:").format(name=current.name)
        self.app.push_screen(AskText(question, current.description), save)

    def reorder(self, step: int) -> None:
        from klinikka.services.themes import list_themes, move_theme

        theme_id = self.selected()
        if theme_id is None:
            return
        order = [t.id for t in list_themes(self.engine, self.clinic_id)]
        if theme_id not in order:  # deleted by another klinikka a moment ago
            return
        position = max(0, order.index(theme_id) + step)

        def moved(_result: object) -> None:
            # The theme may be gone by now (deleted here or in another klinikka meanwhile).
            if str(theme_id) in self.table.rows:
                self.table.move_cursor(row=self.table.get_row_index(str(theme_id)))

        self.save(lambda: move_theme(self.engine, theme_id, position), moved)

    def delete(self) -> None:
        from klinikka.services.themes import delete_theme

        theme_id = self.selected()
        if theme_id is None:
            return

        def delete(sure: bool | None) -> None:
            if sure:
                self.save(lambda: delete_theme(self.engine, theme_id))

        self.app.push_screen(
            Confirm(_("Delete the theme? Its ideas become unassigned (ctrl+z undoes).")), delete
        )
