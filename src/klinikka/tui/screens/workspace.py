"""A clinic's workspace: the phases Ideas, Themes, Vote and Summary, switched with F2–F5.

The capture input keeps the focus in every phase that has one, so typing never waits for a
click; arrows move the selection in the table above it, and the actions are on keys that
typing does not need (F-keys and ctrl).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Footer, Input, Static

from klinikka.errors import KlinikkaError
from klinikka.i18n import N_, _, ngettext
from klinikka.models import IdeaView
from klinikka.services.ideas import IdeaRow
from klinikka.text import strip_controls
from klinikka.tui.bindings import FooterOrder, translate_bindings
from klinikka.tui.screens.dialogs import AskText, Choose, Confirm
from klinikka.tui.text import plain, user_text
from klinikka.tui.widgets.idea_list import IdeaList
from klinikka.tui.widgets.summary_panel import SummaryPanel
from klinikka.tui.widgets.timer import TimerDisplay
from klinikka.tui.widgets.vote_panel import VotePanel

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from klinikka.tui.app import KlinikkaApp

PHASES = ("ideas", "themes", "vote", "summary")
PHASE_NAMES = {
    "ideas": N_("Ideas"),
    "themes": N_("Themes"),
    "vote": N_("Vote"),
    "summary": N_("Summary"),
}


class WorkspaceScreen(FooterOrder, Screen[None]):
    # In the order the footer shows them (the most needed first: 80 columns end the list);
    # the phase keys are on the phase line, so the footer leaves them out.
    BINDINGS = [
        Binding("f2", "phase('ideas')", N_("Ideas"), show=False, id="phase.ideas", priority=True),
        Binding(
            "f3", "phase('themes')", N_("Themes"), show=False, id="phase.themes", priority=True
        ),
        Binding("f4", "phase('vote')", N_("Vote"), show=False, id="phase.vote", priority=True),
        Binding(
            "f5", "phase('summary')", N_("Summary"), show=False, id="phase.summary", priority=True
        ),
        Binding("up", "cursor(-1)", N_("Previous"), show=False, id="cursor.up", priority=True),
        Binding("down", "cursor(1)", N_("Next"), show=False, id="cursor.down", priority=True),
        Binding("ctrl+z", "undo", N_("Undo"), id="workspace.undo", priority=True),
        Binding("ctrl+r", "new_round", N_("New round"), id="vote.new", priority=True),
        Binding("ctrl+o", "open_close", N_("Open/close"), id="vote.open_close", priority=True),
        Binding("ctrl+g", "by_group", N_("By group"), id="vote.by_group", priority=True),
        Binding("ctrl+w", "runoff", N_("Runoff"), id="vote.runoff", priority=True),
        Binding("ctrl+k", "decide", N_("Decide the tie"), id="vote.decide", priority=True),
        Binding("pageup", "other_round(-1)", N_("Earlier round"), id="vote.earlier", priority=True),
        Binding("pagedown", "other_round(1)", N_("Later round"), id="vote.later", priority=True),
        Binding("ctrl+t", "note_kind", N_("Decision/next step"), id="summary.kind", priority=True),
        Binding("ctrl+x", "export", N_("Export"), id="summary.export", priority=True),
        Binding("ctrl+t", "move", N_("To theme"), id="idea.move", priority=True),
        Binding("ctrl+f", "search", N_("Search"), id="idea.search", priority=True),
        Binding("ctrl+s", "star", N_("Star"), id="idea.star", priority=True),
        Binding("ctrl+e", "edit", N_("Edit"), id="workspace.edit", priority=True),
        Binding("ctrl+d", "delete", N_("Delete"), id="workspace.delete", priority=True),
        Binding("f8", "describe", N_("Describe theme"), id="theme.describe", priority=True),
        Binding("alt+up", "reorder(-1)", N_("Theme up"), id="theme.up", priority=True),
        Binding("alt+down", "reorder(1)", N_("Theme down"), id="theme.down", priority=True),
        Binding("ctrl+u", "unassigned", N_("Unassigned"), id="idea.unassigned", priority=True),
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
        Binding("ctrl+n", "participant", N_("Participants"), id="participants.open", priority=True),
        Binding("f9", "present", N_("Present"), id="workspace.present", priority=True),
        Binding("escape", "back", N_("Clinics"), id="workspace.back"),
    ]
    # Keys that only mean something in one phase: out of the footer (and inert) elsewhere.
    PHASE_ACTIONS = {
        "ideas": {"star", "move", "search", "mark", "mark_move", "merge"},
        "themes": {"describe", "reorder"},
        "vote": {"new_round", "open_close", "by_group", "runoff", "decide", "other_round"},
        "summary": {"note_kind", "export"},
    }

    def __init__(self, clinic_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.clinic_id = clinic_id
        self.phase = "ideas"
        self.only_unassigned = False
        self.search = ""
        # Phases whose contents are read again when next shown (only the shown one is read
        # at each change: the themes table, the tally and the preview each cost a query).
        self._stale = {"themes", "vote", "summary"}

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
        with Horizontal(id="phase-line"):
            yield Static(id="phases")
            yield TimerDisplay(id="timer")
        with ContentSwitcher(initial="ideas", id="switcher"):
            with Vertical(id="ideas"):
                with Horizontal():
                    yield IdeaList(id="idea-list")
                    yield Static(id="counts")
                yield Static(id="detail")
                yield Static(id="filter")
                yield Input(placeholder=_("Name / group: the idea — Enter saves"), id="capture")
            with Vertical(id="themes"):
                yield DataTable(cursor_type="row", id="theme-table")
                yield Input(placeholder=_("A new theme's name — Enter creates"), id="new-theme")
            yield VotePanel(self.engine, self.clinic_id, self._run, id="vote")
            yield SummaryPanel(self.engine, self.clinic_id, self._run, id="summary")
        yield Footer()

    DRAFT_FIELDS = ("#capture", "#new-theme", "#ballot", "#note")

    def on_mount(self) -> None:
        self.reload()
        self._show_phase()
        # A line typed and not yet saved when the clinic was left comes back.
        for field_id in self.DRAFT_FIELDS:
            draft = self.klinikka.drafts.pop((self.clinic_id, field_id), "")
            if draft:
                self.query_one(field_id, Input).value = draft

    def typed_text(self) -> str:
        """What is typed and not yet saved, in any of the phases' lines."""
        return "".join(self.query_one(field_id, Input).value for field_id in self.DRAFT_FIELDS)

    # ------------------------------------------------------------------ data

    def reload(self) -> None:
        """Read everything again (another klinikka changed it); selection and typing stay."""
        from klinikka.services.clinics import get_clinic_title

        title = get_clinic_title(self.engine, self.clinic_id)
        self.query_one("#clinic-title", Static).update(user_text(title))
        self._reload_ideas()
        self._stale = {"themes", "vote", "summary"}
        self._reload_phase()

    @staticmethod
    def _selected_key(table: DataTable[object]) -> str | None:
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    @property
    def idea_list(self) -> IdeaList:
        return self.query_one("#idea-list", IdeaList)

    @property
    def marked(self) -> set[int]:
        """Ideas marked (F6) to move or merge together."""
        return self.idea_list.marked

    def _reload_ideas(self) -> None:
        from klinikka.services.ideas import list_idea_rows

        self.idea_list.empty_text = (
            _("No ideas match the search.")
            if self.search or self.only_unassigned
            else _("No ideas yet: type the first one below and press Enter.")
        )
        self.idea_list.set_rows(list_idea_rows(self.engine, self.clinic_id, **self._filters()))
        self._show_detail()  # the selected idea may be the one that changed
        self._show_filter()
        self._reload_counts_only()

    def _show_filter(self) -> None:
        shown = []
        if self.only_unassigned:
            shown.append(_("only unassigned ideas (ctrl+u shows all)"))
        if self.search:
            shown.append(_("search: {text} (ctrl+f changes)").format(text=self.search))
        if self.marked:
            count = len(self.marked)
            shown.append(ngettext("{n} marked (F6)", "{n} marked (F6)", count).format(n=count))
        self.query_one("#filter", Static).update(user_text(" · ".join(shown)))

    def _reload_themes(self) -> None:
        """The themes, in columns as wide as the terminal allows (a few rows: rebuilt whole)."""
        from klinikka.services.themes import list_themes

        self._stale.discard("themes")
        table = self.query_one("#theme-table", DataTable)
        found = list_themes(self.engine, self.clinic_id)
        selected = self._selected_key(table)
        # Each column has a cell of padding on both sides, and a scrollbar may take two.
        room = max(40, self.size.width - 2 - 3 * 2 - 5)
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
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))

    def on_resize(self, _event: events.Resize) -> None:
        if self.phase == "themes":
            self._reload_themes()
        else:
            self._stale.add("themes")

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

    def _tell(self, message: str) -> None:
        """A short confirmation of what was done (names in it are shown as text)."""
        self.notify(plain(message), markup=False, timeout=3)

    def _selected_idea(self) -> int | None:
        return self.idea_list.selected_id

    def _selected_theme(self) -> int | None:
        key = self._selected_key(self.query_one("#theme-table", DataTable))
        return int(key) if key is not None else None

    # ------------------------------------------------------------------ phases

    def _show_phase(self) -> None:
        self.query_one("#switcher", ContentSwitcher).current = self.phase
        self._reload_phase()
        labels = []
        for key, phase in zip(("F2", "F3", "F4", "F5"), PHASES, strict=True):
            name = _(PHASE_NAMES[phase])
            label = f"{key} {name}"
            labels.append(f"[{label}]" if phase == self.phase else f" {label} ")
        self.query_one("#phases", Static).update(user_text("  ".join(labels)))
        focus = {
            "ideas": "#capture",
            "themes": "#new-theme",
            "vote": "#ballot",
            "summary": "#note",
        }.get(self.phase)
        if focus:
            self.query_one(focus, Input).focus()

    def action_phase(self, phase: str) -> None:
        self.phase = phase
        self._show_phase()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        for phase, actions in self.PHASE_ACTIONS.items():
            if action in actions:
                return self.phase == phase
        return True

    def _reload_phase(self) -> None:
        """Read the shown phase again if something changed since it was last read."""
        if self.phase not in self._stale:
            return
        if self.phase == "themes":
            self._reload_themes()
        elif self.phase == "vote":
            self._stale.discard("vote")
            self.query_one(VotePanel).reload()
        elif self.phase == "summary":
            self._stale.discard("summary")
            self.query_one(SummaryPanel).reload()

    def action_cursor(self, step: int) -> None:
        if self.phase == "ideas":
            self.idea_list.move_cursor(step)
        elif self.phase == "summary":
            self.query_one(SummaryPanel).move_cursor(step)
        elif self.phase == "themes":
            table = self.query_one("#theme-table", DataTable)
            if table.row_count:
                row = max(0, min(table.row_count - 1, table.cursor_row + step))
                table.move_cursor(row=row)

    def action_back(self) -> None:
        for field_id in self.DRAFT_FIELDS:
            value = self.query_one(field_id, Input).value
            if value:
                self.klinikka.drafts[(self.clinic_id, field_id)] = value
        self.app.pop_screen()

    # ------------------------------------------------------------------ capture

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "capture":
            self._capture(event.input)
        elif event.input.id == "new-theme":
            self._new_theme(event.input)
        elif event.input.id == "ballot":
            self.query_one(VotePanel).cast(event.input)
        elif event.input.id == "note":
            self.query_one(SummaryPanel).write(event.input)

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
        if not self.search and not self.only_unassigned:
            assert isinstance(idea, IdeaView)
            row = IdeaRow(idea.id, idea.text, idea.author, idea.group_name, None, False, ())
            self.idea_list.append(row)
        self._reload_counts_only()

    def on_idea_list_highlighted(self, _event: IdeaList.Highlighted) -> None:
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
        lines += [
            user_text(f"+ {child.text}" + (f" — {child.author}" if child.author else ""))
            for child in idea.merged
        ]
        about = [part for part in (who, source) if part]
        if idea.theme_name:
            about.append(_("theme: {name}").format(name=idea.theme_name))
        lines.append(user_text("— " + " · ".join(about), style="italic"))
        detail.update(Text("\n").join(lines))

    def _reload_counts_only(self) -> None:
        from klinikka.services.ideas import count_ideas_by_group
        from klinikka.services.participants import list_groups

        if self.search or self.only_unassigned:
            counts = [
                (name, count)
                for _group, name, count in count_ideas_by_group(self.engine, self.clinic_id)
            ]
        else:
            # The list holds every idea: counting it spares a second pass over the ideas.
            # Group names are unique within a clinic, so they count as well as ids.
            by_group = Counter(row.group_name for row in self.idea_list.rows)
            counts = [(g.name, by_group[g.name]) for g in list_groups(self.engine, self.clinic_id)]
            counts.append((None, by_group[None]))
        lines = [user_text(_("Ideas by group"), style="bold")]
        for name, count in counts:
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
        elif self.phase == "vote":
            self.query_one(VotePanel).edit_round()
        elif self.phase == "summary":
            self.query_one(SummaryPanel).edit()

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

        if self.phase == "vote":
            self.query_one(VotePanel).delete_round()
        elif self.phase == "summary":
            self.query_one(SummaryPanel).delete()
        elif self.phase == "ideas":
            idea_id = self._selected_idea()
            # Deleting an idea is undoable (ctrl+z), so it asks nothing.
            if idea_id is not None and self._run(lambda: delete_ideas(self.engine, [idea_id])):
                self._tell(_("Deleted the idea (ctrl+z brings it back)."))
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
        ``@name`` a stakeholder group and ``#name`` a theme (the start of a name is enough,
        and a name of several words may be written whole: ``#tillgång till vård``)."""
        from klinikka.services.participants import list_groups
        from klinikka.services.themes import list_themes
        from klinikka.text import name_key

        filters: dict[str, Any] = {"unassigned": self.only_unassigned}
        words, typed = [], self.search.split()
        n = 0
        while n < len(typed):
            word = typed[n]
            kind = {"@": "group_id", "#": "theme_id"}.get(word[:1])
            if word == "*":
                filters["starred"] = True
            elif kind and len(word) > 1:
                named = (
                    list_groups(self.engine, self.clinic_id)
                    if kind == "group_id"
                    else list_themes(self.engine, self.clinic_id)
                )
                keys = [(name_key(item.name), item.id) for item in named]
                # The longest run of words from here that starts a name.
                for end in range(len(typed), n, -1):
                    key = name_key(" ".join(typed[n:end])[1:])
                    found = [item_id for name, item_id in keys if name.startswith(key)]
                    if found or end == n + 1:
                        filters[kind] = found[0] if found else -1
                        n = end - 1
                        break
            else:
                words.append(word)
            n += 1
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
        self.idea_list.toggle_mark()
        self._show_filter()

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
            self.idea_list.clear_marks()
            self._show_filter()
            self._tell(
                ngettext(
                    "Merged {n} idea into the selected one.",
                    "Merged {n} ideas into the selected one.",
                    len(others),
                ).format(n=len(others))
            )

    def action_describe(self) -> None:
        from klinikka.services.themes import list_themes, update_theme

        theme_id = self._selected_theme()
        if self.phase != "themes" or theme_id is None:
            return
        current = next(t for t in list_themes(self.engine, self.clinic_id) if t.id == theme_id)

        def save(text: str | None) -> None:
            if text is not None:
                self._run(lambda: update_theme(self.engine, theme_id, description=text))

        question = _("Description of the theme “{name}”:").format(name=current.name)
        self.app.push_screen(AskText(question, current.description), save)

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
                    self.idea_list.clear_marks()
                    self._show_filter()
                    where = dict(options)[choice]
                    moved = ngettext(
                        "Moved {n} idea to “{theme}”.", "Moved {n} ideas to “{theme}”.", len(chosen)
                    )
                    self._tell(moved.format(n=len(chosen), theme=where))

        question = ngettext("Move the idea to:", "Move the {n} marked ideas to:", len(chosen))
        self.app.push_screen(Choose(question.format(n=len(chosen)), options), move)

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

    # ------------------------------------------------------------------ vote and summary

    def action_new_round(self) -> None:
        self.query_one(VotePanel).new_round()

    def action_open_close(self) -> None:
        self.query_one(VotePanel).toggle_open()

    def action_by_group(self) -> None:
        self.query_one(VotePanel).toggle_by_group()

    def action_runoff(self) -> None:
        self.query_one(VotePanel).runoff()

    def action_decide(self) -> None:
        self.query_one(VotePanel).decide()

    def action_other_round(self, step: int) -> None:
        self.query_one(VotePanel).step_round(step)

    def action_note_kind(self) -> None:
        self.query_one(SummaryPanel).next_kind()

    def action_export(self) -> None:
        from klinikka.tui.screens.export_dialog import ExportDialog

        def written(path: Path | None) -> None:
            if path is not None:
                self.notify(plain(_("Wrote {path}.").format(path=path)), markup=False)

        self.app.push_screen(ExportDialog(self.engine, self.clinic_id), written)

    def action_present(self) -> None:
        from klinikka.tui.screens.present import PresentScreen

        self.app.push_screen(
            PresentScreen(self.engine, self.clinic_id, self.query_one(VotePanel).round_id)
        )
