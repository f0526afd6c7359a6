"""No traceback ends the app: an unforeseen error in a handler is reported, not fatal.

Textual ends the app at an exception in any message handler (and stops that widget's message
loop). Every klinikka screen and widget takes ``Guarded`` first in its bases: an error in one
of its handlers is written to an error report (``klinikka.crash``) and shown in one line, and
the widget goes on; what was typed stays in its field. The app guards its actions the same way
(``KlinikkaApp._dispatch_action``).
"""

from __future__ import annotations

from typing import Any


class Guarded:
    async def _dispatch_message(self, message: Any) -> Any:
        try:
            return await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            report = getattr(self.app, "report_error", None)  # type: ignore[attr-defined]
            if not callable(report):
                raise
            report(error, context=f"{type(self).__name__} handling {type(message).__name__}")
            return None
