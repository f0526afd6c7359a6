"""The Ideas phase: the list, live counts by group, the selected idea whole, the capture line.

The workspace's keys call the methods here; every change goes through the services.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from klinikka.errors import KlinikkaError
from klinikka.i18n import _, ngettext
from klinikka.models import IdeaView
from klinikka.services.ideas import IdeaRow
from klinikka.text import strip_controls
from klinikka.tui.messages import WriteDone
from klinikka.tui.screens.dialogs import AskText, Choose
from klinikka.tui.text import plain, user_text
from klinikka.tui.widgets.idea_list import IdeaList
from klinikka.tui.widgets.line_input import LineInput
from klinikka.tui.widgets.panel import PhasePanel

if TYPE_CHECKING:
    from sqlalchemy import Engine


# "Name: 2", "Maija / asukas: 1 3", "Pekka: 1=3 2=1": what only a ballot would look like.
BALLOT_LIKE = re.compile(r"^[^:]{1,100}:\s*[0-9][0-9\s=,;.n]*$")


class IdeasPanel(PhasePanel):
    def __init__(self, engine: Engine, clinic_id: int, *, id: str | None = None):
        super().__init__(engine, clinic_id, id=id)
        self.only_unassigned = False
        self.search = ""
        # A line held back as looking like a ballot (Enter again saves it as an idea).
        self.ballot_like: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield IdeaList(id="idea-list")
            yield Static(id="counts")
        yield Static(id="detail")
        yield Static(id="filter")
        yield LineInput(
            clears=True, placeholder=_("Name / group: the idea — Enter saves"), id="capture"
        )

    @property
    def idea_list(self) -> IdeaList:
        return self.query_one("#idea-list", IdeaList)

    @property
    def marked(self) -> set[int]:
        """Ideas marked (F6) to move or merge together."""
        return self.idea_list.marked

    def _tell(self, message: str) -> None:
        """A short confirmation of what was done (names in it are shown as text)."""
        self.notify(plain(message), markup=False, timeout=3)

    # ------------------------------------------------------------------ reading

    def reload(self) -> None:
        from klinikka.services.ideas import list_idea_rows

        self.idea_list.empty_text = (
            _("No ideas match the search.")
            if self.search or self.only_unassigned
            else _("No ideas yet: type the first one below and press Enter.")
        )
        self.idea_list.set_rows(list_idea_rows(self.engine, self.clinic_id, **self._filters()))
        self.show_detail()  # the selected idea may be the one that changed
        self.show_filter()
        self.show_counts()

    def show_filter(self) -> None:
        shown = []
        if self.only_unassigned:
            shown.append(_("only unassigned ideas (ctrl+u shows all)"))
        if self.search:
            shown.append(_("search: {text} (ctrl+f changes)").format(text=self.search))
        if self.marked:
            count = len(self.marked)
            shown.append(ngettext("{n} marked (F6)", "{n} marked (F6)", count).format(n=count))
        self.query_one("#filter", Static).update(user_text(" · ".join(shown)))

    def on_idea_list_highlighted(self, _event: IdeaList.Highlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        """The selected idea whole, with who said it, where it came from and its theme."""
        from klinikka.services.ideas import get_idea

        detail = self.query_one("#detail", Static)
        idea_id = self.idea_list.selected_id
        if idea_id is None:
            detail.update("")
            return
        if idea_id < 0:
            detail.update(user_text(_("Being saved…"), style="italic"))
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

    def show_counts(self) -> None:
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
            by_group = Counter(self.idea_list.rows.group_names)
            counts = [(g.name, by_group[g.name]) for g in list_groups(self.engine, self.clinic_id)]
            counts.append((None, by_group[None]))
        lines = [user_text(_("Ideas by group"), style="bold")]
        for name, count in counts:
            if count or name:
                shown = name or _("No group")
                lines.append(user_text(f"{count:>4}  {shown}"))
        self.query_one("#counts", Static).update(Text("\n").join(lines))

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

    # ------------------------------------------------------------------ actions

    def capture(self, line: str) -> None:
        """Save a typed idea: shown at once, marked, and confirmed when it is committed."""
        from klinikka.writes import line_write, typed_line

        if not line.strip():
            return
        if line != self.ballot_like and self._looks_like_a_ballot(line):
            # Not saved yet: back in the line, said why; F4 takes it to Vote, Enter again
            # saves it as an idea after all.
            self.ballot_like = line
            self.query_one("#capture", LineInput).value = line
            self.post_message(
                self.Refused(
                    line,
                    _("this looks like a ballot: F4 takes it to Vote, Enter saves it as an idea."),
                )
            )
            return
        self.ballot_like = None
        typed = typed_line("idea", line, clinic_id=self.clinic_id)
        temporary = self.idea_list.add_pending(" ".join(strip_controls(line).split()))
        self.save_line(line_write(typed, tag=temporary))

    def _looks_like_a_ballot(self, line: str) -> bool:
        """``Name: 2`` or ``Name: 1 3`` while a round is open: a ballot in the wrong phase."""
        from klinikka.models import RoundStatus
        from klinikka.services.ballot_lines import parse_ballot_line
        from klinikka.services.voting import list_rounds

        if not BALLOT_LIKE.match(line):
            return False  # (the rounds are read only for a line that could be one)
        open_rounds = [
            r for r in list_rounds(self.engine, self.clinic_id) if r.status is RoundStatus.OPEN
        ]
        for voting_round in open_rounds:
            try:
                parse_ballot_line(line, voting_round.method, len(voting_round.theme_ids))
            except KlinikkaError:
                continue
            return True
        return False

    def on_write_done(self, message: WriteDone) -> None:
        message.stop()
        outcome = message.outcome
        temporary = outcome.write.tag
        assert isinstance(temporary, int) and outcome.write.line is not None
        if outcome.error is not None:
            self.idea_list.drop(temporary)
            self.refused(str(outcome.write.line["text"]), outcome.error, "#capture")
            return
        idea = outcome.result
        if isinstance(idea, IdeaView):
            row = IdeaRow(
                idea.id, idea.text, idea.author, idea.group_name, idea.theme_name, False, ()
            )
            self.idea_list.confirm(temporary, row)
        else:  # saved by an earlier try: read the list again
            self.idea_list.drop(temporary)
            self.reload()
        self.show_counts()
        self.changed()

    def star(self) -> None:
        from klinikka.services.ideas import star_idea

        idea_id = self.idea_list.selected_idea
        if idea_id is not None:
            self.save(lambda: star_idea(self.engine, idea_id))

    def edit(self) -> None:
        """Edit the selected idea as its line: text, author and group (``Name / group:``)."""
        from klinikka.services.ideas import edit_idea_line, get_idea, idea_line

        idea_id = self.idea_list.selected_idea
        if idea_id is None:
            return
        current = strip_controls(idea_line(get_idea(self.engine, idea_id)), keep_newlines=False)
        question = _("The idea, and who said it (Name / group: idea):")

        def ask(value: str, asked: str) -> None:
            def save(line: str | None) -> None:
                if not line or line == current:
                    return

                def refused(error: BaseException) -> None:
                    # Asked again with what was typed, and why it was not saved.
                    if isinstance(error, KlinikkaError):
                        ask(line, f"{error}\n{question}")

                self.save(lambda: edit_idea_line(self.engine, idea_id, line), failed=refused)

            self.app.push_screen(AskText(asked, value), save)

        ask(current, question)

    def delete(self) -> None:
        from klinikka.services.ideas import delete_ideas

        idea_id = self.idea_list.selected_idea
        # Deleting an idea is undoable (ctrl+z), so it asks nothing.
        if idea_id is not None:
            self.save(
                lambda: delete_ideas(self.engine, [idea_id]),
                lambda _result: self._tell(_("Deleted the idea (ctrl+z brings it back).")),
            )

    def chosen(self) -> list[int]:
        """The marked ideas, or else the selected one."""
        if self.marked:
            return sorted(self.marked)
        idea_id = self.idea_list.selected_idea
        return [idea_id] if idea_id is not None else []

    def mark(self) -> None:
        if self.idea_list.selected_idea is not None:
            self.idea_list.toggle_mark()
            self.show_filter()

    def merge(self) -> None:
        from klinikka.services.ideas import merge_ideas

        target = self.idea_list.selected_idea
        others = sorted(self.marked - {target}) if target is not None else []
        if target is None or not others:
            self._tell(_("Mark the duplicates with F6, select the idea to keep, then F7."))
            return

        def merged(_result: object) -> None:
            self.idea_list.clear_marks()
            self.show_filter()
            told = ngettext(
                "Merged {n} idea into the selected one.",
                "Merged {n} ideas into the selected one.",
                len(others),
            )
            self._tell(told.format(n=len(others)))

        self.save(lambda: merge_ideas(self.engine, target, others), merged)

    def move(self) -> None:
        from klinikka.services.ideas import move_ideas
        from klinikka.services.themes import list_themes

        chosen = self.chosen()
        if not chosen:
            return
        options = [("none", _("No theme (unassigned)"))]
        themes = list_themes(self.engine, self.clinic_id)
        options += [(str(t.id), t.name) for t in themes]
        # It starts on the theme the ideas are in now (when they share one), else on the
        # first theme: Enter alone never takes an idea out of its theme by accident.
        now_in = {self.idea_list.theme_of(idea_id) for idea_id in chosen}
        start = next(
            (str(t.id) for t in themes if len(now_in) == 1 and t.name in now_in),
            str(themes[0].id) if themes else "none",
        )

        def move(choice: str | None) -> None:
            if choice is None:
                return
            target = None if choice == "none" else int(choice)

            def moved(_result: object) -> None:
                self.idea_list.clear_marks()
                self.show_filter()
                told = ngettext(
                    "Moved {n} idea to “{theme}”.", "Moved {n} ideas to “{theme}”.", len(chosen)
                )
                self._tell(told.format(n=len(chosen), theme=dict(options)[choice]))

            self.save(lambda: move_ideas(self.engine, chosen, target), moved)

        question = ngettext("Move the idea to:", "Move the {n} marked ideas to:", len(chosen))
        self.app.push_screen(
            Choose(question.format(n=len(chosen)), options, start=start, numbered=True), move
        )

    def toggle_unassigned(self) -> None:
        self.only_unassigned = not self.only_unassigned
        self.reload()

    def ask_search(self) -> None:
        def search(text: str | None) -> None:
            if text is not None:
                self.search = text.strip()
                self.reload()

        question = _("Search ideas (* starred, @group, #theme; empty shows all):")
        self.app.push_screen(AskText(question, self.search), search)
