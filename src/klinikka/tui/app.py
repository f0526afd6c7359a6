"""The App and its factory: the one way the CLI and the tests make the app."""

from __future__ import annotations

import gc
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label

from klinikka import i18n
from klinikka.config import UserSettings
from klinikka.i18n import N_, _, ngettext
from klinikka.paths import styles_dir
from klinikka.text import strip_controls
from klinikka.tui.bindings import translate_bindings, translate_textual_bindings
from klinikka.tui.countdown import Countdown, parse_duration
from klinikka.tui.guard import Guarded, GuardedCallbacks
from klinikka.tui.messages import DatabaseChanged, WriteDone
from klinikka.tui.text import plain
from klinikka.tui.widgets.line_input import LineInput

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import Engine

    from klinikka.db import Changes
    from klinikka.recovery import Keeper, LeftBehind
    from klinikka.writes import Line, Write, WriteQueue

# A key acting at once waits for the focused input to handle the keys before it this long at most.
HOLD_SECONDS = 2.0
# The keys held behind one that acted go on at the latest this long after it acted.
RELEASE_SECONDS = 0.25
# Keys that move the focus: typed ahead in a form, the keys after them go to the next field.
FOCUS_KEYS = {"tab": "focus_next", "shift+tab": "focus_previous"}


@dataclass(frozen=True)
class Settings:
    """What the app is started with."""

    database: str
    language: str = "en"
    title: str = "klinikka"
    # klinikka JSON files to import into the database when it opens (the demo's samples).
    imports: tuple[str, ...] = ()


# A database out of reach is said again at most this often (every read tried meets it).
UNREACHABLE_QUIET_SECONDS = 10.0
# Notifications shown at once, at the most (the oldest goes).
MAX_NOTIFICATIONS = 2

# The field a typed line of each kind is typed in (tui/screens/workspace.PHASE_INPUTS).
LINE_FIELDS = {"idea": "#capture", "theme": "#new-theme", "ballot": "#ballot", "note": "#note"}


@runtime_checkable
class TypedText(Protocol):
    """A screen with lines typed and not yet saved (quitting asks about them)."""

    def typed_text(self) -> str: ...


class Loading(Guarded, Screen[None]):
    """The first frame, while the database opens (no Header: it is replaced at once, and a
    Header's title watcher must not outlive its screen)."""

    def compose(self) -> ComposeResult:
        yield Label(_("Opening the database…"), id="loading")


class KlinikkaApp(GuardedCallbacks, App[None]):
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
        self.data_changed: Changes | None = None
        self._gc_threshold: tuple[int, ...] | None = None
        self.countdown = Countdown()
        # Lines typed in a clinic and not saved when it was left: (clinic id, field) -> text.
        self.drafts: dict[tuple[int, str], str] = {}
        # Lines refused after their clinic was left, or kept when it was, for Enter on the
        # empty field when it is opened again: (clinic id, field) -> lines, oldest first.
        self.returned: dict[tuple[int, str], list[str]] = {}
        # Every change goes through this queue, in order, off the event loop.
        self.writes: WriteQueue | None = None
        self._reported: set[str] = set()
        self._unreachable_said_at = -UNREACHABLE_QUIET_SECONDS
        # Lines of an earlier run being saved now (their screen is the app), and their files.
        self._recovering = 0
        self._recovered_files: tuple[Path, ...] = ()
        self._keeper: Keeper | None = None
        # Notifications that came while a question or present mode was on top, shown after.
        self._held_notifications: list[tuple[str, dict[str, object]]] = []
        # Keys and pastes that came while a key acting at once waits for the keys before it.
        self._held: list[events.Event] | None = None
        self._hold: object | None = None
        self.user_settings = UserSettings()
        self._use_remembered_theme()

    # ------------------------------------------------------------------ keys in order

    async def on_event(self, event: events.Event) -> None:
        """Keys act in the order they were typed.

        Textual runs a key's priority binding (ctrl+z, F2, ...) as soon as the app sees the
        key, while the keys before it may still wait in the focused input's queue: an undo
        pressed straight after Enter undid the line before, text typed straight after F2 went
        into the previous phase's input. Tab is like them: its binding runs when the key has
        bubbled up from the input, after the keys typed behind it went into the same field.
        Such a key is sent through the focused input's queue first and acts when the input has
        handled the keys before it; the keys after it are held until it has acted (and the
        focus it moved has settled), then go on in order.
        """
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if self._held is not None:
                self._held.append(event)
                return
            focused = self.focused
            if (
                isinstance(event, events.Key)
                and isinstance(focused, Input)
                and (event.key in FOCUS_KEYS or self._has_priority_binding(event.key))
            ):
                self._held = []
                self._hold = hold = object()
                if focused.call_later(self.call_later, self._act_in_order, event, hold):
                    # Should the input go before it handles the key (its screen closed), the
                    # key acts anyway, a moment later.
                    self.set_timer(HOLD_SECONDS, partial(self._act_in_order, event, hold))
                    return
                self._held, self._hold = None, None
            elif (
                isinstance(event, events.Key)
                and (focused is None or isinstance(focused, DataTable))
                and self._has_binding(event.key)
            ):
                # A list's key that opens something (n: a new clinic, Enter: the clinic): the
                # keys typed behind it belong to what it opens, not to the list.
                target = focused or self.screen
                self._held = []
                self._hold = hold = object()
                if target.call_later(self.call_later, self._act_in_order, event, hold, True):
                    self.set_timer(HOLD_SECONDS, partial(self._act_in_order, event, hold, True))
                    return
                self._held, self._hold = None, None
        await super().on_event(event)

    def _has_priority_binding(self, key: str) -> bool:
        for _namespace, bindings in self.screen._binding_chain:
            if any(binding.priority for binding in bindings.key_to_bindings.get(key, ())):
                return True
        return False

    def _has_binding(self, key: str) -> bool:
        """A binding of the focused widget, its screen or the app takes ``key``."""
        return any(key in bindings.key_to_bindings for _, bindings in self.screen._binding_chain)

    async def _act_in_order(self, event: events.Event, hold: object, bound: bool = False) -> None:
        if self._hold is not hold:
            return  # it has acted already
        self._hold = None
        try:
            moves = FOCUS_KEYS.get(event.key) if isinstance(event, events.Key) else None
            if moves is not None:  # at once, not when the key has bubbled up from the input
                getattr(self.screen, moves)()
            elif not (bound and isinstance(event, events.Key) and await self._bound_now(event)):
                await super().on_event(event)
        finally:
            # After what the action queued (a focus moved, a screen pushed) and the screen on
            # top has been drawn (a screen just pushed sets its focus when it mounts). A screen
            # that closes meanwhile never draws again: the timer releases the keys then, or
            # every key after would wait for ever (the app would seem frozen).
            release = self._releaser()
            self.call_later(lambda: self.screen.call_after_refresh(release))
            self.set_timer(RELEASE_SECONDS, release)

    async def _bound_now(self, event: events.Key) -> bool:
        """Run ``event``'s binding at once, as it would run once the key has bubbled up."""
        return await self._check_bindings(event.key, priority=True) or await self._check_bindings(
            event.key
        )

    def _releaser(self) -> Callable[[], Awaitable[None]]:
        """Releases the held keys once, however many times it is called."""
        done = False

        async def release() -> None:
            nonlocal done
            if not done:
                done = True
                await self._release_held()

        return release

    async def _release_held(self) -> None:
        held, self._held = self._held or [], None
        for event in held:
            await self.on_event(event)  # held again behind the next key that acts at once

    def on_mount(self) -> None:
        self.push_screen(Loading())
        self._use_keymap()
        self._use_settings()
        self.open_database()

    def _use_settings(self) -> None:
        """The user's settings (``settings.toml``, see config.py)."""
        from klinikka.config import read_settings

        self.user_settings, problem = read_settings()
        if problem:
            self.notify(plain(problem), severity="warning", markup=False, timeout=15)

    # ------------------------------------------------------------------ colours

    def _use_remembered_theme(self) -> None:
        from klinikka.config import remembered_theme
        from klinikka.tui.themes import LIGHT_THEME

        self.register_theme(LIGHT_THEME)
        name = remembered_theme()
        if name is not None and name in self.available_themes:
            self.theme = name

    def use_theme(self, name: str) -> None:
        """Show klinikka in the theme ``name`` (tui/themes.py), now and on the next start."""
        from klinikka.config import remember_theme

        self.theme = name
        remember_theme(name)

    def _use_keymap(self) -> None:
        """The user's own keys (``keys.toml``, see tui/keymap.py)."""
        from klinikka.tui.keymap import read_keymap

        keymap, problem = read_keymap()
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(plain(problem), severity="warning", markup=False, timeout=15)
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
        from klinikka.db import open_database, watch_changes
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
        from klinikka import recovery

        try:
            watch = watch_changes(engine, self._own_commits, self._writing)
        except Exception as error:  # the server went away just after it was opened
            from klinikka.crash import one_line

            engine.dispose()
            self.call_from_thread(self.exit, return_code=1, message=one_line(error))
            return
        left = recovery.left_behind(self.settings.database)
        self.call_from_thread(self._opened, engine, watch, left)

    def _import_samples(self, engine: Engine) -> None:
        from pathlib import Path

        from klinikka.importers.klinikka_json import parse_document
        from klinikka.services.transfer import import_document

        for name in self.settings.imports:
            sample = Path(name)
            document = parse_document(sample.read_bytes())
            import_document(engine, document, file_name=sample.name)

    def _opened(self, engine: Engine, watch: Changes, left: LeftBehind) -> None:
        from klinikka.recovery import Keeper
        from klinikka.tui.screens.clinics import ClinicsScreen
        from klinikka.writes import WriteQueue

        self.engine = engine
        self._keeper = Keeper(self.settings.database)
        self.writes = WriteQueue(
            engine,
            lambda outcome: self.post_message(WriteDone(outcome)),
            keep=self._keeper.save,
        )
        self.writes.start()
        self.data_changed = watch
        # What start-up made (Textual, SQLAlchemy, the models) lives as long as the app: out
        # of the collector's sight, and collections rarer, a full collection stops costing
        # tens of milliseconds in the middle of a keystroke (bench/bench_tui.py).
        self._gc_threshold = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(10_000, 10, 10)
        self.switch_screen(ClinicsScreen())
        self.set_interval(watch.interval, self._poll)
        self._offer_recovered(left)

    def _own_commits(self) -> int:
        return self.writes.committed if self.writes else 0

    def _writing(self) -> bool:
        return self.writes.busy() if self.writes else False

    def notify(self, message: str, **options: object) -> None:  # type: ignore[override]
        """Notifications are few and never cover what matters: at most two at a time, at
        the top (the typing line and its messages are at the bottom), and none over a
        question or present mode (they wait until it is gone)."""
        if self._quiet():
            self._held_notifications.append((message, options))
            return
        super().notify(message, **options)  # type: ignore[arg-type]

    def _refresh_notifications(self) -> None:
        # Each notification added: the oldest go beyond two, an error only when nothing
        # else can.
        shown = list(self._notifications)
        extra = len(shown) - MAX_NOTIFICATIONS
        for old in sorted(shown, key=lambda note: note.severity == "error")[: max(0, extra)]:
            self._unnotify(old, refresh=False)
        super()._refresh_notifications()

    def _quiet(self) -> bool:
        """Whether the screen on top must not be covered: a question, or present mode."""
        from textual.screen import ModalScreen

        from klinikka.tui.screens.present import PresentScreen

        try:
            screen = self.screen
        except Exception:  # no screen yet
            return False
        return isinstance(screen, PresentScreen) or (
            isinstance(screen, ModalScreen) and getattr(screen, "QUESTION", False)
        )

    def _show_held_notifications(self) -> None:
        if self._held_notifications and not self._quiet():
            held, self._held_notifications = self._held_notifications, []
            for message, options in held[-MAX_NOTIFICATIONS:]:
                self.notify(message, **options)

    def _poll(self) -> None:
        self._show_held_notifications()
        if self.data_changed is not None and self.data_changed():
            clinics = self.data_changed.clinics
            self.screen.post_message(DatabaseChanged(clinics))
            # Screens underneath (a workspace under the present mode or a dialog) read the
            # change when they are shown again.
            for screen in self.screen_stack[:-1]:
                screen.post_message(DatabaseChanged(clinics))

    def clinic_gone(self) -> None:
        """Another klinikka deleted the clinic shown: back to the list, saying why."""
        from klinikka.tui.screens.clinics import ClinicsScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, ClinicsScreen):
            self.pop_screen()
        if isinstance(self.screen, ClinicsScreen):
            self.screen.reload()
        message = _("The clinic was deleted in another klinikka.")
        self.notify(plain(message), severity="warning", markup=False)

    # ------------------------------------------------------------------ writing

    def write(self, write: Write) -> None:
        """Queue a change; its outcome comes back to ``write.owner`` as a WriteDone."""
        assert self.writes is not None
        self.writes.put(write)

    def on_write_done(self, message: WriteDone) -> None:
        owner = message.outcome.write.owner
        if owner is not self and isinstance(owner, MessagePump) and owner.is_attached:
            owner.post_message(WriteDone(message.outcome))
            return
        error = message.outcome.error
        line = message.outcome.write.line
        if error is not None:  # its screen is gone: say it here, with the line
            self.tell_error(error, line=None if line is None else str(line.get("text", "")))
            if line is not None:
                self._keep_returned(line)
        elif owner is not self:
            # Saved after its screen was left (a line still queued, a form closed while
            # saving): the screens read it, as they would another klinikka's change.
            for screen in self.screen_stack:
                screen.post_message(DatabaseChanged())
        if owner is self and line is not None and self._recovering:
            self._recovering -= 1
            if not self._recovering:  # the lines of an earlier run are in: show them
                from klinikka.recovery import discard

                discard(self._recovered_files)
                self._recovered_files = ()
                for screen in self.screen_stack:
                    screen.post_message(DatabaseChanged())

    def _keep_returned(self, line: Line) -> None:
        """A line refused after its clinic was left waits there for Enter on the empty field."""
        field, clinic_id = LINE_FIELDS.get(str(line.get("kind"))), line.get("clinic_id")
        if field is not None and isinstance(clinic_id, int):
            self.returned.setdefault((clinic_id, field), []).append(str(line.get("text", "")))

    def tell_error(self, error: BaseException, *, line: str | None = None) -> None:
        """A refused or failed write, in one line (an unforeseen error is also reported);
        ``line``, the typed line it was, is named so that it is not lost unseen."""
        from klinikka.errors import KlinikkaError

        if isinstance(error, KlinikkaError):
            message = str(error)
            if line is not None:
                message = _("Not saved: “{line}” — {reason}").format(line=line, reason=message)
            self.notify(plain(message), severity="error", markup=False, timeout=30)
        else:
            self.report_error(error, context="a write")

    def report_error(self, error: BaseException, *, context: str = "") -> None:
        """An unforeseen error: written to an error report, shown in one line; the app goes on."""
        from klinikka.crash import one_line, report
        from klinikka.writes import is_transient

        line = one_line(error)
        if is_transient(error):
            # The database busy or out of reach (a server restarting, the network gone):
            # no fault of klinikka's, and nothing is lost; the typed lines wait in the queue.
            message = _(
                "The database did not answer: {error}. Nothing typed is lost; try again in a "
                "moment."
            ).format(error=line)
            now = time.monotonic()
            if now - self._unreachable_said_at > UNREACHABLE_QUIET_SECONDS:
                self._unreachable_said_at = now
                self.notify(plain(message), severity="warning", markup=False, timeout=10)
            return
        where = report(error, context=context)
        if where is not None:
            message = _("Something went wrong: {error}. Details are in {path}.").format(
                error=line, path=where
            )
        else:
            message = _("Something went wrong: {error}.").format(error=line)
        if message not in self._reported:  # the same error again, every frame, says it once
            self._reported.add(message)
            self.notify(plain(message), severity="error", markup=False, timeout=10)

    async def _dispatch_action(self, namespace: object, action_name: str, params: object) -> bool:
        try:
            return await super()._dispatch_action(namespace, action_name, params)  # type: ignore[arg-type]
        except Exception as error:
            self.report_error(error, context=f"action {action_name}")
            return True

    async def _dispatch_message(self, message: Message) -> None:
        try:
            await super()._dispatch_message(message)
        except Exception as error:
            self.report_error(error, context=f"app handling {type(message).__name__}")

    def _handle_exception(self, error: Exception) -> None:
        # The last resort (an error while drawing, say): reported and the typed lines kept
        # before Textual ends the app, which then says one line instead of a traceback.
        from klinikka.crash import one_line, report

        try:
            self._keep_unsaved()
            where = report(error, context="fatal")
        except Exception:  # nothing here may hide the error itself
            where = None
        if self.is_headless or self._exception is not None:
            super()._handle_exception(error)  # tests see the error as it is
            return
        self._return_code = 1
        self._exception = error
        self._exception_event.set()
        try:
            message = self.stopped_message(one_line(error), where)
        except Exception:
            message = _("klinikka stopped: {error}.").format(error=one_line(error))
        from rich.text import Text

        # Text, not a string: Textual prints a string as markup, and the message quotes
        # an error's and the user's own words.
        self.exit(return_code=1, message=Text(message))

    def stopped_message(self, error: str, where: object) -> str:
        """What the terminal shows when the app had to stop: why, where the details are, and
        the text typed in the fields and not saved (queued lines are in the recovery file),
        so that it can be copied from the terminal."""
        message = _("klinikka stopped: {error}.").format(error=strip_controls(error))
        if where is not None:
            message += " " + _("Details are in {path}.").format(path=where)
        typed = [text for text in self.drafts.values() if text]
        for lines in self.returned.values():
            typed.extend(lines)
        for screen in self.screen_stack:
            for field in screen.query(LineInput):
                if field.clears:  # a typing line (a form's fields hold what was loaded)
                    typed.extend(text for text in (field.value, *field.returned) if text)
        if typed:
            lines = "\n".join(f"  {' '.join(strip_controls(text).split())}" for text in typed)
            message += "\n" + _("Typed and not saved:") + "\n" + lines
        return message

    def _keep_unsaved(self) -> None:
        """Typed lines still queued go to this klinikka's recovery file, left for the next
        start."""
        if self.writes is not None:
            self.writes.stop(timeout=0.5)
        if self._keeper is not None:
            self._keeper.close()

    def _offer_recovered(self, left: LeftBehind) -> None:
        """Lines an earlier run could not save are offered to be saved now, kept for later,
        or (asked twice) thrown away."""
        from klinikka.recovery import discard
        from klinikka.tui.screens.dialogs import Choose, Confirm
        from klinikka.writes import line_write

        lines = left.lines
        if not lines:
            return
        count = len(lines)

        def answer(choice: str | None) -> None:
            if choice == "save":
                self._recovering += count
                self._recovered_files += left.files
                for line in lines:
                    self.write(line_write(line, owner=self))
                message = ngettext(
                    "Saving {n} line typed earlier.", "Saving {n} lines typed earlier.", count
                )
                self.notify(plain(message.format(n=count)), markup=False)
            elif choice == "discard":
                self.push_screen(Confirm(sure), partial(thrown_away, left))

        def thrown_away(left: LeftBehind, sure: bool | None) -> None:
            if sure:
                discard(left.files)
            else:  # not thrown away after all: asked again
                self._offer_recovered(left)

        question = ngettext(
            "{n} line typed earlier was not saved (the database was away).",
            "{n} lines typed earlier were not saved (the database was away).",
            count,
        ).format(n=count)
        sure = ngettext(
            "Throw away {n} line typed earlier for good?",
            "Throw away {n} lines typed earlier for good?",
            count,
        ).format(n=count)
        first = ", ".join(f"“{line.get('text', '')}”" for line in lines[:3])
        if count > 3:
            first += ", …"
        options = [
            ("save", _("Save them now")),
            ("later", _("Keep them for the next start")),
            ("discard", _("Throw them away")),
        ]
        self.push_screen(Choose(f"{question}\n{first}", options), answer)

    async def action_quit(self) -> None:
        """Quit; a line typed and not saved is not thrown away without asking."""
        import asyncio

        from klinikka.tui.screens.dialogs import Confirm

        if self.writes is not None and self.writes.state().pending:
            # A moment for the queue to finish (off the loop: the screen stays alive).
            await asyncio.to_thread(self.writes.wait_idle, 1.0)
        unsaved = self.writes.state().pending if self.writes is not None else 0
        typed = (
            any(self.drafts.values())
            or any(self.returned.values())
            or any(
                isinstance(screen, TypedText) and screen.typed_text()
                for screen in self.screen_stack
            )
        )
        if not typed and not unsaved:
            self.exit()
            return

        def answer(sure: bool | None) -> None:
            if sure:
                self.exit()

        if unsaved:
            question = ngettext(
                "{n} change is not saved yet: the database is busy. Quit anyway? Typed lines"
                " are kept and offered to be saved when klinikka starts again.",
                "{n} changes are not saved yet: the database is busy. Quit anyway? Typed lines"
                " are kept and offered to be saved when klinikka starts again.",
                unsaved,
            ).format(n=unsaved)
        else:
            question = _("A line is typed but not saved. Quit anyway?")
        self.push_screen(Confirm(question), answer)

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
        from klinikka.tui.themes import DARK, LIGHT

        if self.theme == LIGHT:
            yield SystemCommand(
                _("Dark theme"), _("Light text on dark; remembered"), partial(self.use_theme, DARK)
            )
        else:
            yield SystemCommand(
                _("Light high-contrast theme"),
                _("Dark text on white, for projectors and shared screens; remembered"),
                partial(self.use_theme, LIGHT),
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
        self._keep_unsaved()
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
