"""The App and its factory: the one way the CLI and the tests make the app."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Label

from klinikka import i18n
from klinikka.i18n import N_, _
from klinikka.paths import styles_dir
from klinikka.tui.bindings import translate_bindings, translate_textual_bindings
from klinikka.tui.countdown import Countdown, parse_duration
from klinikka.tui.text import plain

if TYPE_CHECKING:
    from sqlalchemy import Engine

# How often the app asks SQLite whether another klinikka has committed (PRAGMA data_version).
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Settings:
    """What the app is started with."""

    database: str
    language: str = "en"
    title: str = "klinikka"
    # klinikka JSON files to import into the database when it opens (the demo's samples).
    imports: tuple[str, ...] = ()


class DataChanged:
    """Tells whether the database changed since the last look (another process committed).

    SQLite's ``PRAGMA data_version`` changes on a connection when any other connection
    commits; a connection of its own, kept open, is the cheapest way to notice. Our own
    commits change it too: ``seen_own`` takes note of one of them, unless the activity log
    shows that another klinikka wrote in the same moment (then the next look reports it).
    """

    def __init__(self, path: str | None) -> None:
        self._connection = sqlite3.connect(path, check_same_thread=False) if path else None
        self._seen = self._version()
        self._activity = self._newest_activity()

    def _version(self) -> int:
        if self._connection is None:
            return 0
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def _newest_activity(self) -> int:
        if self._connection is None:
            return 0
        row = self._connection.execute("SELECT MAX(id) FROM activity").fetchone()
        return int(row[0] or 0)

    def __call__(self) -> bool:
        version = self._version()
        changed, self._seen = version != self._seen, version
        if changed:
            self._activity = self._newest_activity()
        return changed

    def seen_own(self) -> None:
        """After our own action: no reload for it, unless something else came in with it."""
        newest = self._newest_activity()
        if newest - self._activity <= 1:
            self._seen = self._version()
        self._activity = newest

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


class Loading(Screen[None]):
    """The first frame, while the database opens (no Header: it is replaced at once, and a
    Header's title watcher must not outlive its screen)."""

    def compose(self) -> ComposeResult:
        yield Label(_("Opening the database…"), id="loading")


class KlinikkaApp(App[None]):
    CSS_PATH = str(styles_dir() / "klinikka.tcss")
    BINDINGS = [
        Binding("f1,question_mark", "help", N_("Help"), id="app.help"),
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True),
        Binding("ctrl+b", "timer", N_("Timer"), id="app.timer", priority=True),
    ]

    def __init__(self, settings: Settings) -> None:
        i18n.set_language(settings.language)
        super().__init__()
        translate_bindings(self)
        translate_textual_bindings()
        self.settings = settings
        self.title = settings.title
        self.engine: Engine | None = None
        self.data_changed: DataChanged | None = None
        self._gc_threshold: tuple[int, ...] | None = None
        self.countdown = Countdown()
        # Lines typed in a clinic and not saved when it was left: (clinic id, field) -> text.
        self.drafts: dict[tuple[int, str], str] = {}

    def on_mount(self) -> None:
        self.push_screen(Loading())
        self.open_database()
        self.set_interval(0.25, self._tick)

    # ------------------------------------------------------------------ the timer

    def _tick(self) -> None:
        if self.countdown.due():
            self.bell()
            label = self.countdown.label
            message = _("Time is up: {item}").format(item=label) if label else _("Time is up.")
            self.notify(plain(message), severity="warning", markup=False, timeout=10)
            for screen in self.screen_stack:  # a dialog may be on top of the countdown
                for display in screen.query("TimerDisplay"):
                    display.flash()  # type: ignore[attr-defined]
            self.show_timers()

    def show_timers(self) -> None:
        # By the widget's name: the timer's module is imported with the workspace, not here.
        for screen in self.screen_stack:
            for display in screen.query("TimerDisplay"):
                display.show_time()  # type: ignore[attr-defined]

    def action_timer(self) -> None:
        from klinikka.tui.widgets.timer import TimerDialog

        self.push_screen(TimerDialog())

    def start_custom_timer(self, typed: str | None) -> None:
        from klinikka.errors import KlinikkaError

        if not typed:
            return
        try:
            seconds, label = parse_duration(typed)
        except KlinikkaError as error:
            self.notify(plain(str(error)), severity="error", markup=False)
            return
        self.countdown.start(seconds, label)
        self.show_timers()

    @work(thread=True, exclusive=True)
    def open_database(self) -> None:
        # Opening imports the database layer and migrates: off the event loop, after a frame.
        from klinikka.db import database_url, open_database, sqlite_path
        from klinikka.errors import KlinikkaError

        try:
            engine = open_database(self.settings.database)
            self._import_samples(engine)
            # The screens' services, imported here rather than on the event loop.
            import klinikka.services.clinics
            import klinikka.services.ideas
            import klinikka.services.themes  # noqa: F401
        except KlinikkaError as error:
            self.call_from_thread(self.exit, return_code=1, message=str(error))
            return
        path = sqlite_path(database_url(self.settings.database))
        self.call_from_thread(self._opened, engine, str(path) if path else None)

    def _import_samples(self, engine: Engine) -> None:
        from pathlib import Path

        from klinikka.importers.klinikka_json import parse_document
        from klinikka.services.transfer import import_document

        for name in self.settings.imports:
            sample = Path(name)
            document = parse_document(sample.read_bytes())
            import_document(engine, document, file_name=sample.name)

    def _opened(self, engine: Engine, path: str | None) -> None:
        from klinikka.tui.screens.clinics import ClinicsScreen

        self.engine = engine
        self.data_changed = DataChanged(path)
        # What start-up made (Textual, SQLAlchemy, the models) lives as long as the app: out
        # of the collector's sight, and collections rarer, a full collection stops costing
        # tens of milliseconds in the middle of a keystroke (bench/bench_tui.py).
        self._gc_threshold = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(10_000, 10, 10)
        self.switch_screen(ClinicsScreen())
        self.set_interval(POLL_SECONDS, self._poll)

    def _poll(self) -> None:
        from klinikka.errors import NotFoundError

        if self.data_changed is not None and self.data_changed():
            refresh = getattr(self.screen, "reload", None)
            if callable(refresh):
                try:
                    refresh()
                except NotFoundError:
                    self.clinic_gone()
                    return
            # Screens underneath (a workspace under the present mode or a dialog) read the
            # change when they are shown again.
            for screen in self.screen_stack[:-1]:
                if callable(getattr(screen, "reload", None)):
                    screen.needs_reload = True  # type: ignore[attr-defined]

    def clinic_gone(self) -> None:
        """Another klinikka deleted the clinic shown: back to the list, saying why."""
        from klinikka.tui.screens.clinics import ClinicsScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, ClinicsScreen):
            self.pop_screen()
        if isinstance(self.screen, ClinicsScreen):
            self.screen.reload()
        message = _("The clinic was deleted in another klinikka.")
        self.notify(plain(message), severity="warning", markup=False)

    def seen_own_change(self) -> None:
        """After our own commit: take note, so the poll does not reload for it."""
        if self.data_changed is not None:
            self.data_changed.seen_own()

    async def action_quit(self) -> None:
        """Quit; a line typed and not saved is not thrown away without asking."""
        from klinikka.tui.screens.dialogs import Confirm

        typed = any(self.drafts.values()) or any(
            callable(getattr(screen, "typed_text", None)) and screen.typed_text()  # type: ignore[attr-defined]
            for screen in self.screen_stack
        )
        if not typed:
            self.exit()
            return

        def answer(sure: bool | None) -> None:
            if sure:
                self.exit()

        self.push_screen(Confirm(_("A line is typed but not saved. Quit anyway?")), answer)

    def action_help(self) -> None:
        from klinikka.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Textual's own system commands are English and mostly for developers: klinikka
        # offers help, quitting and every key the screen offers now (a phase hides the
        # others' keys).
        yield SystemCommand(_("Help"), _("Every key and the syntax of ideas"), self.action_help)
        yield SystemCommand(_("Quit"), _("Close klinikka; everything is saved"), self.action_quit)
        yield SystemCommand(
            _("Timer"), _("A countdown for the current agenda item"), self.action_timer
        )
        for active in screen.active_bindings.values():
            binding = active.binding
            if active.node is screen and binding.id and binding.description and active.enabled:
                yield SystemCommand(
                    binding.description,
                    _("Key: {key}").format(key=self.get_key_display(binding)),
                    lambda action=binding.action: self.run_action(action, screen),
                )

    def action_command_palette(self) -> None:
        from textual.command import CommandPalette

        from klinikka.tui.commands import KlinikkaPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(KlinikkaPalette())

    def on_unmount(self) -> None:
        if self._gc_threshold is not None:  # as it was (tests run many apps in one process)
            gc.unfreeze()
            gc.set_threshold(*self._gc_threshold)
        if self.data_changed is not None:
            self.data_changed.close()
        if self.engine is not None:
            self.engine.dispose()


def make_app(settings: Settings) -> KlinikkaApp:
    """The app, as the CLI and the tests start it."""
    return KlinikkaApp(settings)
