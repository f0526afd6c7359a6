"""A clinic's workspace: the phases Ideas, Themes, Vote and Summary, switched with F2–F5.

Each phase is a panel (``tui/widgets/*_panel.py``) that reads and changes its part of the
clinic; the workspace holds the keys, sends each to the panel of the phase shown, and reads
the phases again when something changed. The input of each phase keeps the focus, so typing
never waits for a click; the actions are on keys typing does not need (F-keys and ctrl).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input, Static

from klinikka.i18n import N_, _, ngettext
from klinikka.tui.bindings import FooterOrder, translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.messages import Reloads, WriteDone
from klinikka.tui.text import plain, user_text
from klinikka.tui.widgets.idea_list import IdeaList
from klinikka.tui.widgets.ideas_panel import IdeasPanel
from klinikka.tui.widgets.line_input import LineInput
from klinikka.tui.widgets.panel import Done, PhasePanel, Saving
from klinikka.tui.widgets.summary_panel import SummaryPanel
from klinikka.tui.widgets.themes_panel import ThemesPanel
from klinikka.tui.widgets.timer import TimerDisplay
from klinikka.tui.widgets.vote_panel import VotePanel
from klinikka.tui.widgets.write_status import WriteStatus
from klinikka.writes import Write

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
# The line each phase types into, which keeps the focus there.
# The workspace's actions on keys every terminal input edits with (ctrl+e, ctrl+d, ctrl+u,
# ctrl+w, ctrl+k, ctrl+x), and the line's own action on that key: while the line has text the
# key edits it, as everywhere; on an empty line (nothing to edit) it acts on the selection.
LINE_FIRST = {
    "edit": "end",
    "delete": "delete_right",
    "unassigned": "delete_left_all",
    "runoff": "delete_left_word",
    "decide": "delete_right_all",
    "export": "cut",
}

PHASE_INPUTS = {"ideas": "#capture", "themes": "#new-theme", "vote": "#ballot", "summary": "#note"}


class WorkspaceScreen(Guarded, Reloads, FooterOrder, Screen[None]):
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
        # Not in the footer, which has no room for it at 80 columns; F1 lists it.
        Binding("ctrl+y", "redo", N_("Redo"), id="workspace.redo", show=False, priority=True),
        Binding("ctrl+r", "new_round", N_("New round"), id="vote.new", priority=True),
        Binding("ctrl+o", "open_close", N_("Open/close"), id="vote.open_close", priority=True),
        Binding("ctrl+g", "by_group", N_("By group"), id="vote.by_group", priority=True),
        Binding("ctrl+w", "runoff", N_("Runoff"), id="vote.runoff", priority=True),
        Binding("ctrl+k", "decide", N_("Decide the tie"), id="vote.decide", priority=True),
        # The round's header says "PgUp/PgDn: other rounds" when there are others.
        Binding(
            "pageup",
            "other_round(-1)",
            N_("Earlier round"),
            show=False,
            id="vote.earlier",
            priority=True,
        ),
        Binding(
            "pagedown",
            "other_round(1)",
            N_("Later round"),
            show=False,
            id="vote.later",
            priority=True,
        ),
        Binding("ctrl+t", "note_kind", N_("Decision/next step"), id="summary.kind", priority=True),
        Binding("ctrl+x", "export", N_("Export"), id="summary.export", priority=True),
        Binding(
            "pageup",
            "scroll_preview(-1)",
            N_("Scroll up"),
            show=False,
            id="summary.page_up",
            priority=True,
        ),
        Binding(
            "pagedown",
            "scroll_preview(1)",
            N_("Scroll down"),
            show=False,
            id="summary.page_down",
            priority=True,
        ),
        # Home and End move in the line while it has text; on an empty line they scroll.
        Binding(
            "home",
            "preview_end(-1)",
            N_("Top of the summary"),
            show=False,
            id="summary.top",
            priority=True,
        ),
        Binding(
            "end",
            "preview_end(1)",
            N_("End of the summary"),
            show=False,
            id="summary.bottom",
            priority=True,
        ),
        Binding("ctrl+t", "move", N_("To theme"), id="idea.move", priority=True),
        Binding("f6", "mark", N_("Mark"), id="idea.mark", priority=True),
        Binding("f7", "merge", N_("Merge marked"), id="idea.merge", priority=True),
        Binding("ctrl+f", "search", N_("Search"), id="idea.search", priority=True),
        Binding("ctrl+s", "star", N_("Star"), id="idea.star", priority=True),
        Binding("ctrl+e", "edit", N_("Edit"), id="workspace.edit", priority=True),
        Binding("ctrl+d", "delete", N_("Delete"), id="workspace.delete", priority=True),
        Binding("f8", "describe", N_("Describe theme"), id="theme.describe", priority=True),
        Binding("alt+up", "reorder(-1)", N_("Theme up"), id="theme.up", priority=True),
        Binding("alt+down", "reorder(1)", N_("Theme down"), id="theme.down", priority=True),
        Binding("ctrl+u", "unassigned", N_("Unassigned"), id="idea.unassigned", priority=True),
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
        Binding("ctrl+l", "import_ideas", N_("Import"), id="idea.import", priority=True),
        Binding("ctrl+n", "participant", N_("Participants"), id="participants.open", priority=True),
        Binding("f9", "present", N_("Present"), id="workspace.present", priority=True),
        Binding("escape", "back", N_("Clinics"), id="workspace.back"),
    ]
    # Keys that only mean something in one phase: out of the footer (and inert) elsewhere.
    PHASE_ACTIONS = {
        "ideas": {"star", "move", "search", "mark", "mark_move", "merge", "import_ideas"},
        "themes": {"describe", "reorder"},
        "vote": {"new_round", "open_close", "by_group", "runoff", "decide", "other_round"},
        "summary": {"note_kind", "export", "scroll_preview", "preview_end"},
    }

    def __init__(self, clinic_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.clinic_id = clinic_id
        self.phase = "ideas"
        # Phases whose contents are read again when next shown (only the shown one is read
        # at each change: the themes table, the tally and the preview each cost a query).
        self._stale = set(PHASES)

    @property
    def klinikka(self) -> KlinikkaApp:
        return self.app  # type: ignore[return-value]

    @property
    def engine(self) -> Engine:
        engine = self.klinikka.engine
        assert engine is not None
        return engine

    @property
    def ideas(self) -> IdeasPanel:
        return self.query_one(IdeasPanel)

    @property
    def idea_list(self) -> IdeaList:
        return self.ideas.idea_list

    def compose(self) -> ComposeResult:
        yield Static(user_text(self.app.title), classes="app-title")
        yield Static(id="clinic-title", classes="title")
        with Horizontal(id="phase-line"):
            yield Static(id="phases")
            yield TimerDisplay(id="timer")
        with ContentSwitcher(initial="ideas", id="switcher"):
            yield IdeasPanel(self.engine, self.clinic_id, id="ideas")
            yield ThemesPanel(self.engine, self.clinic_id, id="themes")
            yield VotePanel(self.engine, self.clinic_id, id="vote")
            yield SummaryPanel(self.engine, self.clinic_id, id="summary")
        yield WriteStatus(id="write-status")
        yield Footer()

    def on_mount(self) -> None:
        # The phase's input keeps the focus (the lists move by the screen's keys): a table or
        # a scrolled view that took it (Tab, a click) swallowed what was typed next.
        for widget in self.query("#switcher DataTable, #switcher VerticalScroll"):
            widget.can_focus = False
        self.reload()
        self._show_phase()
        # A line typed and not yet saved when the clinic was left comes back, and so do the
        # refused lines kept for Enter on the empty field (also those refused since).
        for field_id in PHASE_INPUTS.values():
            draft = self.klinikka.drafts.pop((self.clinic_id, field_id), "")
            field = self.query_one(field_id, LineInput)
            if draft:
                field.value = draft
            field.returned.extend(self.klinikka.returned.pop((self.clinic_id, field_id), []))

    def on_key(self, event: events.Key) -> None:
        """A character that reached the screen (no input had the focus) goes into the phase's
        input; where that takes nothing now (a round that is not open), it is refused aloud."""
        if not event.is_printable or not event.character:
            return
        event.stop()
        field = self.query_one(PHASE_INPUTS[self.phase], LineInput)
        if field.disabled:
            if self.query_one(VotePanel).round is None:
                why = _("There is no voting round yet to type ballots in: ctrl+r sets one up.")
            else:
                why = _("Ballots are typed only while the round is open: ctrl+o opens it.")
            self.query_one(WriteStatus).tell(why)
            return
        field.focus()
        field.insert_text_at_cursor(event.character)

    def typed_text(self) -> str:
        """What is typed and not yet saved, in any of the phases' lines (refused lines kept
        for Enter included)."""
        fields = [self.query_one(field_id, LineInput) for field_id in PHASE_INPUTS.values()]
        return "".join(field.value + "".join(field.returned) for field in fields)

    # ------------------------------------------------------------------ data

    def reload(self) -> None:
        """Read everything again (another klinikka changed it); selection and typing stay."""
        from klinikka.services.clinics import get_clinic_title

        title = get_clinic_title(self.engine, self.clinic_id)
        self.query_one("#clinic-title", Static).update(user_text(title))
        # Only the phase shown is read now (ten thousand ideas need not be read again for
        # a note); the others when they are next shown.
        self._stale = set(PHASES)
        self._reload_phase()

    def _reload_phase(self) -> None:
        """Read the shown phase again if something changed since it was last read."""
        if self.phase in self._stale:
            self._stale.discard(self.phase)
            self.query_one(f"#{self.phase}", PhasePanel).reload()

    def on_resize(self, _event: events.Resize) -> None:
        # The themes table's columns follow the width; the others lay themselves out.
        self._stale.add("themes")
        self._reload_phase()

    def on_phase_panel_refused(self, event: PhasePanel.Refused) -> None:
        event.stop()
        self.query_one(WriteStatus).refused(event.line, event.reason, event.back)

    def save(self, work: Callable[[], object], done: Done | None = None) -> None:
        """A change of the workspace's own (undo, redo), through the write queue."""
        self.klinikka.write(Write(lambda _engine: work(), owner=self, tag=Saving(done, True)))

    def on_write_done(self, message: WriteDone) -> None:
        outcome = message.outcome
        saving = outcome.write.tag
        if outcome.error is not None:
            self.klinikka.tell_error(outcome.error)
            if isinstance(saving, Saving) and saving.failed is not None:
                saving.failed(outcome.error)
            return
        if isinstance(saving, Saving):
            if saving.reload:
                self._reload_or_leave()
            # A write found done already (a retry after an unknown outcome) has no result
            # to tell of: "nothing to undo" would be wrong.
            if saving.done is not None and not outcome.already_done:
                saving.done(outcome.result)

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
        self.query_one(PHASE_INPUTS[self.phase], Input).focus()

    def action_phase(self, phase: str) -> None:
        capture = self.query_one("#capture", LineInput)
        ballot = self.query_one("#ballot", LineInput)
        held = self.ideas.ballot_like
        if phase == "vote" and held and capture.value == held and not ballot.value:
            # The ballot typed in Ideas goes with the note-taker to Vote, unsaved.
            capture.value, ballot.value = "", held
            ballot.cursor_position = len(held)
            self.ideas.ballot_like = None
        self.phase = phase
        self._show_phase()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unassigned":  # while grouping; elsewhere ctrl+u is the line's own
            return self.phase in {"ideas", "themes"}
        if action == "preview_end":  # Home/End are the line's own while it has text
            return self.phase == "summary" and not self.query_one("#note", Input).value
        for phase, actions in self.PHASE_ACTIONS.items():
            if action in actions:
                return self.phase == phase
        return True

    def action_back(self) -> None:
        for field_id in PHASE_INPUTS.values():
            field = self.query_one(field_id, LineInput)
            if field.value:
                self.klinikka.drafts[(self.clinic_id, field_id)] = field.value
            if field.returned:
                self.klinikka.returned.setdefault((self.clinic_id, field_id), []).extend(
                    field.returned
                )
        self.app.pop_screen()

    def on_phase_panel_changed(self, event: PhasePanel.Changed) -> None:
        event.stop()
        self._stale |= set(PHASES) - {self.phase}

    def take_line(self, field: Input, value: str) -> None:
        """A line typed and Enter pressed (LineInput calls this in the Enter's handling)."""
        self.query_one(WriteStatus).clear_refusal()
        # The line as it was when Enter was pressed (LineInput has emptied the field since).
        if field.id == "capture":
            self.ideas.capture(value)
        elif field.id == "new-theme":
            self.query_one(ThemesPanel).create(value)
        elif field.id == "ballot":
            self.query_one(VotePanel).cast(value)
        elif field.id == "note":
            self.query_one(SummaryPanel).write(value)

    # ------------------------------------------------------------------ every phase

    def action_cursor(self, step: int) -> None:
        if self.phase == "ideas":
            self.idea_list.move_cursor(step)
        else:
            self.query_one(f"#{self.phase}", PhasePanel).move_cursor(step)

    def action_undo(self) -> None:
        from klinikka.services.history import undo

        def undone(what: object) -> None:
            if what is None:
                self.notify(plain(_("Nothing to undo.")), markup=False)
            else:
                self.notify(plain(_("Undone: {what}").format(what=what)), markup=False)

        self.save(lambda: undo(self.engine, self.clinic_id), undone)

    def action_redo(self) -> None:
        from klinikka.services.history import redo

        def redone(what: object) -> None:
            if what is None:
                self.notify(plain(_("Nothing to redo.")), markup=False)
            else:
                self.notify(plain(_("Redone: {what}").format(what=what)), markup=False)

        self.save(lambda: redo(self.engine, self.clinic_id), redone)

    def _line_edits(self, action: str) -> bool:
        """For a key the line edits with: while the line has text, edit it and say so."""
        field = self.query_one(PHASE_INPUTS[self.phase], LineInput)
        if not field.value or not field.has_focus:
            return False
        getattr(field, f"action_{LINE_FIRST[action]}")()
        return True

    def action_edit(self) -> None:
        if self._line_edits("edit"):
            return
        {
            "ideas": self.ideas.edit,
            "themes": self.query_one(ThemesPanel).rename,
            "vote": self.query_one(VotePanel).edit_round,
            "summary": self.query_one(SummaryPanel).edit,
        }[self.phase]()

    def action_delete(self) -> None:
        if self._line_edits("delete"):
            return
        {
            "ideas": self.ideas.delete,
            "themes": self.query_one(ThemesPanel).delete,
            "vote": self.query_one(VotePanel).delete,
            "summary": self.query_one(SummaryPanel).delete,
        }[self.phase]()

    def action_unassigned(self) -> None:
        if self._line_edits("unassigned"):
            return
        self.action_phase("ideas")
        self.ideas.toggle_unassigned()

    def action_participant(self) -> None:
        from klinikka.tui.screens.participants import ParticipantsScreen

        def closed(_result: None) -> None:
            self.reload()  # its changes came through the queue: they are ours

        self.app.push_screen(ParticipantsScreen(self.engine, self.clinic_id), closed)

    def action_present(self) -> None:
        from klinikka.tui.screens.present import PresentScreen

        self.app.push_screen(
            PresentScreen(self.engine, self.clinic_id, self.query_one(VotePanel).round_id)
        )

    # ------------------------------------------------------------------ ideas and themes

    def action_star(self) -> None:
        self.ideas.star()

    def action_search(self) -> None:
        self.ideas.ask_search()

    def action_mark(self) -> None:
        self.ideas.mark()

    def action_mark_move(self, step: int) -> None:
        self.ideas.mark()
        self.idea_list.move_cursor(step)

    def action_merge(self) -> None:
        self.ideas.merge()

    def action_move(self) -> None:
        self.ideas.move()

    def action_describe(self) -> None:
        self.query_one(ThemesPanel).describe()

    def action_reorder(self, step: int) -> None:
        self.query_one(ThemesPanel).reorder(step)

    # ------------------------------------------------------------------ vote and summary

    def action_new_round(self) -> None:
        self.query_one(VotePanel).new_round()

    def action_open_close(self) -> None:
        self.query_one(VotePanel).toggle_open()

    def action_by_group(self) -> None:
        self.query_one(VotePanel).toggle_by_group()

    def action_runoff(self) -> None:
        if not self._line_edits("runoff"):
            self.query_one(VotePanel).runoff()

    def action_decide(self) -> None:
        if not self._line_edits("decide"):
            self.query_one(VotePanel).decide()

    def action_other_round(self, step: int) -> None:
        self.query_one(VotePanel).step_round(step)

    def action_scroll_preview(self, step: int) -> None:
        preview = self.query_one("#preview-scroll")
        if step < 0:
            preview.scroll_page_up(animate=False)
        else:
            preview.scroll_page_down(animate=False)

    def action_preview_end(self, step: int) -> None:
        preview = self.query_one("#preview-scroll")
        if step < 0:
            preview.scroll_home(animate=False)
        else:
            preview.scroll_end(animate=False)

    def action_note_kind(self) -> None:
        self.query_one(SummaryPanel).next_kind()

    def action_import_ideas(self) -> None:
        from klinikka.tui.screens.import_dialog import ImportDialog

        def imported(count: int | None) -> None:
            if count is None:
                return
            self.reload()
            message = ngettext("{count} idea imported.", "{count} ideas imported.", count)
            self.notify(message.format(count=count))

        self.app.push_screen(ImportDialog(self.engine, self.clinic_id), imported)

    def action_export(self) -> None:
        from klinikka.tui.screens.export_dialog import ExportDialog

        if self._line_edits("export"):
            return

        def written(paths: list[Path] | None) -> None:
            for path in paths or []:
                self.notify(plain(_("Wrote {path}.").format(path=path)), markup=False)

        self.app.push_screen(ExportDialog(self.engine, self.clinic_id), written)
