"""No traceback ends the app: an unforeseen error in a handler is reported, not fatal.

Textual ends the app at an exception in any message handler (and stops that widget's message
loop), in a callback (a dialog's answer, ``call_next``/``call_later``) and in a timer's
callback. Every klinikka screen and widget takes ``Guarded`` first in its bases: an error in
one of its handlers or callbacks is written to an error report (``klinikka.crash``) and shown
in one line, and the widget goes on; what was typed stays in its field. The app guards its
actions, messages and callbacks the same way (``KlinikkaApp``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any


def _report(owner: Any, error: Exception, context: str) -> bool:
    report = getattr(owner.app, "report_error", None)
    if not callable(report):
        return False
    report(error, context=context)
    return True


def guarded(owner: Any, callback: Callable[..., Any]) -> Callable[[], Any]:
    """``callback`` as a callable of no arguments whose unforeseen error is reported."""
    from textual._callback import invoke

    async def run() -> Any:
        try:
            return await invoke(callback)
        except Exception as error:
            name = getattr(callback, "__qualname__", None) or repr(callback)
            if not _report(owner, error, f"{type(owner).__name__} calling {name}"):
                raise
            return None

    run._param_count = 0  # type: ignore[attr-defined]  # Textual's invoke need not inspect it
    return run


class GuardedCallbacks:
    """Callbacks and timers whose errors are reported instead of ending the app."""

    def call_next(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().call_next(guarded(self, partial(callback, *args, **kwargs)))  # type: ignore[misc]

    def call_later(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        return super().call_later(guarded(self, partial(callback, *args, **kwargs)))  # type: ignore[misc, no-any-return]

    def call_after_refresh(self, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
        return super().call_after_refresh(  # type: ignore[misc, no-any-return]
            guarded(self, partial(callback, *args, **kwargs))
        )

    def set_timer(self, delay: float, callback: Any = None, **options: Any) -> Any:
        if callback is not None:
            callback = guarded(self, callback)
        return super().set_timer(delay, callback, **options)  # type: ignore[misc]

    def set_interval(self, interval: float, callback: Any = None, **options: Any) -> Any:
        if callback is not None:
            callback = guarded(self, callback)
        return super().set_interval(interval, callback, **options)  # type: ignore[misc]


class Guarded(GuardedCallbacks):
    async def _dispatch_message(self, message: Any) -> Any:
        try:
            return await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            if not _report(self, error, f"{type(self).__name__} handling {type(message).__name__}"):
                raise
            return None
