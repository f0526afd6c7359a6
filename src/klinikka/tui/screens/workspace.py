"""A clinic's workspace: the phases Ideas, Themes, Vote and Summary, switched with F2–F5.

The capture input keeps the focus in every phase that has one, so typing never waits for a
click; arrows move the selection in the table above it, and the actions are on keys that
typing does not need (F-keys and ctrl).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static

from klinikka.errors import KlinikkaError
from klinikka.i18n import N_, _
from klinikka.models import IdeaView
from klinikka.services.ideas import IdeaRow
from klinikka.text import strip_controls
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.screens.dialogs import AskText, Choose, Confirm
from klinikka.tui.text import CELL_LIMIT, plain, user_text

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from klinikka.tui.app import KlinikkaApp

PHASES = ("ideas", "themes", "vote", "summary")
# A long idea list is shown this many rows at once, then this many a turn of the event loop.
FIRST_ROWS = 200
BATCH_ROWS = 500
IDEA_COLUMNS = (("", 2), (N_("Idea"), 44), (N_("Author"), 16), (N_("Group"), 14), (N_("Theme"), 18))
PHASE_NAMES = {
    "ideas": N_("Ideas"),
    "themes": N_("Themes"),
    "vote": N_("Vote"),
    "summary": N_("Summary"),
}


class WorkspaceScreen(Screen[None]):
    BINDINGS = [
        Binding("f2", "phase('ideas')", N_("Ideas"), id="phase.ideas", priority=True),
        Binding("f3", "phase('themes')", N_("Themes"), id="phase.themes", priority=True),
        Binding("f4", "phase('vote')", N_("Vote"), id="phase.vote", priority=True),
        Binding("f5", "phase('summary')", N_("Summary"), id="phase.summary", priority=True),
        Binding("up", "cursor(-1)", N_("Previous"), show=False, id="cursor.up", priority=True),
        Binding("down", "cursor(1)", N_("Next"), show=False, id="cursor.down", priority=True),
        Binding("ctrl+z", "undo", N_("Undo"), id="workspace.undo", priority=True),
        Binding("ctrl+s", "star", N_("Star"), id="idea.star", priority=True),
        Binding("ctrl+e", "edit", N_("Edit"), id="workspace.edit", priority=True),
        Binding("ctrl+d", "delete", N_("Delete"), id="workspace.delete", priority=True),
        Binding("ctrl+t", "move", N_("To theme"), id="idea.move", priority=True),
        Binding("ctrl+u", "unassigned", N_("Unassigned"), id="idea.unassigned", priority=True),
        Binding("ctrl+f", "search", N_("Search"), id="idea.search", priority=True),
        Binding("ctrl+n", "participant", N_("Participants"), id="participants.open", priority=True),
        Binding("f6", "mark", N_("Mark"), id="idea.mark", priority=True),
        Binding(
            "shift+down",
            "mark_move(1)",
            N_("Mark and next"),
            show=False,
            id="idea.mark_down",
            priority=True,
        ),
        Binding(
            "shift+up",
            "mark_move(-1)",
            N_("Mark and previous"),
            show=False,
            id="idea.mark_up",
            priority=True,
        ),
        Binding("f7", "merge", N_("Merge marked"), id="idea.merge", priority=True),
        Binding("f8", "describe", N_("Describe theme"), id="theme.describe", priority=True),
        Binding("alt+up", "reorder(-1)", N_("Theme up"), id="theme.up", priority=True),
        Binding("alt+down", "reorder(1)", N_("Theme down"), id="theme.down", priority=True),
        Binding("escape", "back", N_("Clinics"), id="workspace.back"),
    ]

    def __init__(self, clinic_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.clinic_id = clinic_id
        self.phase = "ideas"
        self.only_unassigned = False
        self.search = ""
        # Ideas marked to move or merge together (their ids).
        self.marked: set[int] = set()
        # The idea table's rows as last shown, by key, to update it in place (None while the
        # table is still being filled), and what is still to be added.
        self._shown_rows: dict[str, tuple[Any, ...]] | None = None
        self._target_rows: dict[str, tuple[Any, ...]] = {}
        self._pending: list[tuple[str, tuple[Any, ...]]] = []
        self._generation = 0

    @property
    def klinikka(self) -> KlinikkaApp:
        return self.app  # type: ignore[return-value]

    @property
    def engine(self) -> Engine:
        engine = self.klinikka.engine
        assert engine is not None
        return engine

    def compose(self) -> ComposeResult:
        yield Static(user_text(self.app.title), classes="app-title")
        yield Static(id="clinic-title", classes="title")
        yield Static(id="phases")
        with ContentSwitcher(initial="ideas", id="switcher"):
            with Vertical(id="ideas"):
                with Horizontal():
                    ideas: DataTable[object] = DataTable(cursor_type="row", id="idea-table")
                    # Fixed widths: a table with auto widths measures every cell of every row,
                    # which is most of the time it takes to show ten thousand ideas.
                    for label, width in IDEA_COLUMNS:
                        ideas.add_column(_(label) if label else "★", width=width)
                    yield ideas
                    yield Static(id="counts")
                yield Static(id="detail")
                yield Static(id="filter")
                yield Input(placeholder=_("Name / group: the idea — Enter saves"), id="capture")
            with Vertical(id="themes"):
                themes: DataTable[object] = DataTable(cursor_type="row", id="theme-table")
                themes.add_columns(_("Theme"), _("Ideas"), _("Description"))
                yield themes
                yield Input(placeholder=_("A new theme's name — Enter creates"), id="new-theme")
            yield Static(
                _(
                    "Voting on the themes comes here in the next version: rounds, ballots, live "
                    "results, ties and runoffs."
                ),
                id="vote",
                classes="placeholder",
            )
            yield Static(
                _(
                    "The summary comes here in the next version: a preview, decisions, next "
                    "steps and export."
                ),
                id="summary",
                classes="placeholder",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self._show_phase()

    # ------------------------------------------------------------------ data

    def reload(self) -> None:
        """Read everything again (another klinikka changed it); selection and typing stay."""
        from klinikka.services.clinics import get_clinic_summary

        clinic = get_clinic_summary(self.engine, self.clinic_id)
        self.query_one("#clinic-title", Static).update(user_text(clinic.title))
        self._reload_ideas()
        self._reload_themes()

    def _keep_cursor(self, table: DataTable[object], fill: Callable[[], None]) -> None:
        selected = self._selected_key(table)
        table.clear()
        fill()
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))

    @staticmethod
    def _selected_key(table: DataTable[object]) -> str | None:
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def _idea_row(self, idea: IdeaRow) -> tuple[Any, ...]:
        text = idea.text + "".join(f" + {merged}" for merged in idea.merged_texts)
        mark = "●" if idea.id in self.marked else ""
        return (
            mark + ("★" if idea.starred else ""),
            user_text(text, limit=CELL_LIMIT),
            user_text(idea.author, limit=40),
            user_text(idea.group_name, limit=30),
            user_text(idea.theme_name, limit=40),
        )

    def _reload_ideas(self) -> None:
        from klinikka.services.ideas import list_idea_rows

        table = self.query_one("#idea-table", DataTable)
        found = list_idea_rows(self.engine, self.clinic_id, **self._filters())
        self.marked &= {idea.id for idea in found}
        rows = {str(idea.id): self._idea_row(idea) for idea in found}
        if self._update_in_place(table, rows):
            self._shown_rows = rows
        else:
            self._fill(table, rows)
        self._reload_counts_only()

    def _fill(self, table: DataTable[object], rows: dict[str, tuple[Any, ...]]) -> None:
        """Show ``rows``: a screenful at once, the rest a batch per turn of the event loop,
        so a clinic of ten thousand ideas opens as fast as a small one and typing never waits.
        """
        selected = self._selected_key(table)
        table.clear()
        self._generation += 1
        self._shown_rows = None
        self._target_rows = dict(rows)
        self._pending = list(rows.items())
        self._add_batch(self._generation, selected, FIRST_ROWS)

    def _add_batch(self, generation: int, selected: str | None, size: int) -> None:
        if generation != self._generation:
            return  # a newer reload took over
        table = self.query_one("#idea-table", DataTable)
        batch, self._pending = self._pending[:size], self._pending[size:]
        for key, cells in batch:
            table.add_row(*cells, key=key)
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
            selected = None
        if self._pending:
            self.call_later(self._add_batch, generation, selected, BATCH_ROWS)
        else:
            self._shown_rows = self._target_rows

    def _update_in_place(self, table: DataTable[object], rows: dict[str, tuple[Any, ...]]) -> bool:
        """Bring the table to ``rows`` by small changes, if their order allows; else False.

        Another klinikka usually adds, edits or deletes a few ideas: those rows change and the
        others, with the cursor, stay as they are (rebuilding 10,000 rows takes seconds).
        """
        shown = self._shown_rows
        if shown is None or list(shown) != [key.value for key in table.rows]:
            return False
        kept = [key for key in shown if key in rows]
        new_order = list(rows)
        if new_order[: len(kept)] != kept:
            return False
        for key in shown:
            if key not in rows:
                table.remove_row(key)
        columns = [column.key for column in table.ordered_columns]
        for key in kept:
            if shown[key] != rows[key]:
                for column, value in zip(columns, rows[key], strict=True):
                    table.update_cell(key, column, value)
        for key in new_order[len(kept) :]:
            table.add_row(*rows[key], key=key)
        return True
        shown = []
        if self.only_unassigned:
            shown.append(_("only unassigned ideas (ctrl+u shows all)"))
        if self.search:
            shown.append(_("search: {text} (ctrl+f changes)").format(text=self.search))
        self.query_one("#filter", Static).update(user_text(" · ".join(shown)))

    def _reload_themes(self) -> None:
        from klinikka.services.themes import list_themes

        table = self.query_one("#theme-table", DataTable)
        found = list_themes(self.engine, self.clinic_id)

        def fill() -> None:
            for theme in found:
                table.add_row(
                    user_text(theme.name, limit=60),
                    str(theme.idea_count),
                    user_text(theme.description, limit=80),
                    key=str(theme.id),
                )

        self._keep_cursor(table, fill)

    def _run(self, work: Callable[[], object], *, reload: bool = True) -> object | None:
        """Run a service call; a user error is shown and changes nothing."""
        try:
            result = work()
        except KlinikkaError as error:
            self.notify(plain(str(error)), severity="error", markup=False)
            return None
        self.klinikka.seen_own_change()
        if reload:
            self.reload()
        return result if result is not None else True

    def _selected_idea(self) -> int | None:
        key = self._selected_key(self.query_one("#idea-table", DataTable))
        return int(key) if key is not None else None

    def _selected_theme(self) -> int | None:
        key = self._selected_key(self.query_one("#theme-table", DataTable))
        return int(key) if key is not None else None

    # ------------------------------------------------------------------ phases

    def _show_phase(self) -> None:
        self.query_one("#switcher", ContentSwitcher).current = self.phase
        labels = []
        for key, phase in zip(("F2", "F3", "F4", "F5"), PHASES, strict=True):
            name = _(PHASE_NAMES[phase])
            label = f"{key} {name}"
            labels.append(f"[{label}]" if phase == self.phase else f" {label} ")
        self.query_one("#phases", Static).update(user_text("  ".join(labels)))
        focus = {"ideas": "#capture", "themes": "#new-theme"}.get(self.phase)
        if focus:
            self.query_one(focus, Input).focus()

    def action_phase(self, phase: str) -> None:
        self.phase = phase
        self._show_phase()

    def action_cursor(self, step: int) -> None:
        table_id = {"ideas": "#idea-table", "themes": "#theme-table"}.get(self.phase)
        if table_id:
            table = self.query_one(table_id, DataTable)
            if table.row_count:
                row = max(0, min(table.row_count - 1, table.cursor_row + step))
                table.move_cursor(row=row)

    def action_back(self) -> None:
        self.app.pop_screen()

    # ------------------------------------------------------------------ capture

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "capture":
            self._capture(event.input)
        elif event.input.id == "new-theme":
            self._new_theme(event.input)

    def _capture(self, field: Input) -> None:
        from klinikka.services.ideas import capture_line

        if not field.value.strip():
            return
        idea = self._run(
            lambda: capture_line(self.engine, self.clinic_id, field.value), reload=False
        )
        if idea is None:
            return  # the error is shown; the typed text stays to be corrected
        field.value = ""
        table = self.query_one("#idea-table", DataTable)
        if not self.search and not self.only_unassigned:
            assert isinstance(idea, IdeaView)
            row = IdeaRow(idea.id, idea.text, idea.author, idea.group_name, None, False, ())
            cells = self._idea_row(row)
            key = str(idea.id)
            if self._pending:  # still filling: the new idea comes last, after the others
                self._pending.append((key, cells))
                self._target_rows[key] = cells
            else:
                table.add_row(*cells, key=key)
                if self._shown_rows is not None:
                    self._shown_rows[key] = cells
                table.move_cursor(row=table.row_count - 1)
        self._reload_counts_only()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "idea-table":
            self._show_detail()

    def _show_detail(self) -> None:
        """The selected idea whole, with who said it and where it came from."""
        from klinikka.services.ideas import get_idea

        detail = self.query_one("#detail", Static)
        idea_id = self._selected_idea()
        if idea_id is None:
            detail.update("")
            return
        try:
            idea = get_idea(self.engine, idea_id)
        except KlinikkaError:
            detail.update("")
            return
        who = ", ".join(part for part in (idea.author, idea.group_name or "") if part)
        source = (
            _("typed live")
            if idea.source == "live"
            else _("imported from {file}").format(
                file=idea.source_file or idea.source_format or "?"
            )
        )
        lines = [Text(" ".join(strip_controls(idea.text).split()))]
        lines += [user_text(f"+ {child.text}") for child in idea.merged]
        lines.append(user_text(f"— {who} · {source}" if who else f"— {source}", style="italic"))
        detail.update(Text("\n").join(lines))

    def _reload_counts_only(self) -> None:
        from klinikka.services.ideas import count_ideas_by_group

        lines = [user_text(_("Ideas by group"), style="bold")]
        for _group_id, name, count in count_ideas_by_group(self.engine, self.clinic_id):
            if count or name:
                shown = name or _("No group")
                lines.append(user_text(f"{count:>4}  {shown}"))
        self.query_one("#counts", Static).update(Text("\n").join(lines))

    def _new_theme(self, field: Input) -> None:
        from klinikka.services.themes import create_theme

        if field.value.strip() and self._run(
            lambda: create_theme(self.engine, self.clinic_id, field.value)
        ):
            field.value = ""

    # ------------------------------------------------------------------ actions

    def action_undo(self) -> None:
        from klinikka.services.history import undo

        what = self._run(lambda: undo(self.engine, self.clinic_id))
        if what is True:
            self.notify(plain(_("Nothing to undo.")), markup=False)
        elif isinstance(what, str):
            self.notify(plain(_("Undone: {what}").format(what=what)), markup=False)

    def action_star(self) -> None:
        from klinikka.services.ideas import star_idea

        idea_id = self._selected_idea()
        if self.phase == "ideas" and idea_id is not None:
            self._run(lambda: star_idea(self.engine, idea_id))

    def action_edit(self) -> None:
        if self.phase == "ideas":
            self._edit_idea()
        elif self.phase == "themes":
            self._rename_theme()

    def _edit_idea(self) -> None:
        from klinikka.services.ideas import edit_idea, get_idea

        idea_id = self._selected_idea()
        if idea_id is None:
            return
        current = get_idea(self.engine, idea_id).text

        def save(text: str | None) -> None:
            if text:
                self._run(lambda: edit_idea(self.engine, idea_id, text=text))

        self.app.push_screen(AskText(_("The idea:"), current), save)

    def _rename_theme(self) -> None:
        from klinikka.services.themes import update_theme

        theme_id = self._selected_theme()
        if theme_id is None:
            return

        def save(name: str | None) -> None:
            if name:
                self._run(lambda: update_theme(self.engine, theme_id, name=name))

        self.app.push_screen(AskText(_("New name of the theme:")), save)

    def action_delete(self) -> None:
        from klinikka.services.ideas import delete_ideas
        from klinikka.services.themes import delete_theme

        if self.phase == "ideas":
            idea_id = self._selected_idea()
            if idea_id is not None:
                # Deleting an idea is undoable (ctrl+z), so it asks nothing.
                self._run(lambda: delete_ideas(self.engine, [idea_id]))
        elif self.phase == "themes":
            theme_id = self._selected_theme()
            if theme_id is None:
                return

            def delete(sure: bool | None) -> None:
                if sure:
                    self._run(lambda: delete_theme(self.engine, theme_id))

            self.app.push_screen(
                Confirm(_("Delete the theme? Its ideas become unassigned (ctrl+z undoes).")),
                delete,
            )

    def _filters(self) -> dict[str, Any]:
        """The search line as filters: words match the text; ``*`` means starred only,
        ``@name`` a stakeholder group and ``#name`` a theme (the start of a name is enough)."""
        from klinikka.services.participants import list_groups
        from klinikka.services.themes import list_themes
        from klinikka.text import name_key

        filters: dict[str, Any] = {"unassigned": self.only_unassigned}
        words = []
        for word in self.search.split():
            if word == "*":
                filters["starred"] = True
            elif word.startswith("@") and len(word) > 1:
                key = name_key(word[1:])
                groups = list_groups(self.engine, self.clinic_id)
                found = [g.id for g in groups if name_key(g.name).startswith(key)]
                filters["group_id"] = found[0] if found else -1
            elif word.startswith("#") and len(word) > 1:
                key = name_key(word[1:])
                themes = list_themes(self.engine, self.clinic_id)
                found = [t.id for t in themes if name_key(t.name).startswith(key)]
                filters["theme_id"] = found[0] if found else -1
            else:
                words.append(word)
        filters["text"] = " ".join(words) or None
        return filters

    def _chosen_ideas(self) -> list[int]:
        """The marked ideas, or else the selected one."""
        if self.marked:
            return sorted(self.marked)
        idea_id = self._selected_idea()
        return [idea_id] if idea_id is not None else []

    def action_mark(self) -> None:
        idea_id = self._selected_idea()
        if self.phase != "ideas" or idea_id is None:
            return
        self.marked ^= {idea_id}
        table = self.query_one("#idea-table", DataTable)
        row_key = str(idea_id)
        column = table.ordered_columns[0].key
        current = str(table.get_cell(row_key, column)).replace("●", "")
        table.update_cell(row_key, column, ("●" if idea_id in self.marked else "") + current)

    def action_mark_move(self, step: int) -> None:
        if self.phase == "ideas":
            self.action_mark()
        self.action_cursor(step)

    def action_merge(self) -> None:
        from klinikka.services.ideas import merge_ideas

        target = self._selected_idea()
        others = sorted(self.marked - {target}) if target is not None else []
        if self.phase != "ideas" or target is None or not others:
            self.notify(
                plain(_("Mark the duplicates with F6, select the idea to keep, then F7.")),
                markup=False,
            )
            return
        if self._run(lambda: merge_ideas(self.engine, target, others)):
            self.marked.clear()
            self.reload()

    def action_describe(self) -> None:
        from klinikka.services.themes import list_themes, update_theme

        theme_id = self._selected_theme()
        if self.phase != "themes" or theme_id is None:
            return
        current = next(t for t in list_themes(self.engine, self.clinic_id) if t.id == theme_id)

        def save(text: str | None) -> None:
            if text is not None:
                self._run(lambda: update_theme(self.engine, theme_id, description=text))

        self.app.push_screen(AskText(_("Description of the theme:"), current.description), save)

    def action_reorder(self, step: int) -> None:
        from klinikka.services.themes import list_themes, move_theme

        theme_id = self._selected_theme()
        if self.phase != "themes" or theme_id is None:
            return
        order = [t.id for t in list_themes(self.engine, self.clinic_id)]
        position = max(0, order.index(theme_id) + step)
        if self._run(lambda: move_theme(self.engine, theme_id, position)):
            table = self.query_one("#theme-table", DataTable)
            table.move_cursor(row=table.get_row_index(str(theme_id)))

    def action_move(self) -> None:
        from klinikka.services.ideas import move_ideas
        from klinikka.services.themes import list_themes

        chosen = self._chosen_ideas()
        if self.phase != "ideas" or not chosen:
            return
        options = [("none", _("No theme (unassigned)"))]
        options += [(str(t.id), t.name) for t in list_themes(self.engine, self.clinic_id)]

        def move(choice: str | None) -> None:
            if choice is not None:
                target = None if choice == "none" else int(choice)
                if self._run(lambda: move_ideas(self.engine, chosen, target)):
                    self.marked.clear()
                    self._reload_ideas()

        self.app.push_screen(Choose(_("Move the idea to:"), options), move)

    def action_unassigned(self) -> None:
        self.only_unassigned = not self.only_unassigned
        self.action_phase("ideas")
        self._reload_ideas()

    def action_search(self) -> None:
        def search(text: str | None) -> None:
            if text is not None:
                self.search = text.strip()
                self._reload_ideas()

        question = _("Search ideas (* starred, @group, #theme; empty shows all):")
        self.app.push_screen(AskText(question, self.search), search)

    def action_participant(self) -> None:
        from klinikka.tui.screens.participants import ParticipantsScreen

        def closed(_result: None) -> None:
            self.klinikka.seen_own_change()
            self.reload()

        self.app.push_screen(ParticipantsScreen(self.engine, self.clinic_id), closed)
