"""The facilitator's timer: a countdown for the current agenda item, kept by the app.

It lives in the app, not in a screen, so it runs on whatever is shown (the workspace's
phases, the present mode) and rings once at zero.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from klinikka.errors import ValidationError
from klinikka.i18n import N_
from klinikka.text import strip_controls

PRESET_MINUTES = (2, 5, 10, 15, 20)
# Minutes, or minutes:seconds, then (after a space) the agenda item's name.
_DURATION = re.compile(r"^\s*(\d{1,3})(?::(\d{2}))?(?:\s+(.*))?$", re.DOTALL)
MAX_SECONDS = 24 * 60 * 60


def parse_duration(text: str) -> tuple[int, str]:
    """``"7"``, ``"7:30"`` or ``"7 Ryhmätyö"``: seconds, and the agenda item's name."""
    match = _DURATION.match(text)
    seconds = 0
    if match:
        minutes, extra = int(match.group(1)), int(match.group(2) or 0)
        seconds = minutes * 60 + extra
        if extra >= 60:
            seconds = 0
    if not match or not 0 < seconds <= MAX_SECONDS:
        raise ValidationError(
            N_("Write the time as minutes or minutes:seconds, e.g. 7 or 7:30, then a name.")
        )
    return seconds, " ".join(strip_controls(match.group(3) or "").split())


def clock(seconds: float) -> str:
    """Seconds as the countdown shows them: 04:32, or 1:04:32 past an hour."""
    whole = max(0, int(seconds + 0.999))  # 0.2 s left still shows 00:01
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes:02}:{secs:02}"


@dataclass
class Countdown:
    label: str = ""
    seconds: int = 0
    running: bool = False
    rang: bool = False
    _left: float = 0.0
    _ends_at: float = 0.0

    @property
    def active(self) -> bool:
        """Set (running, paused or rung); an unset timer is not shown."""
        return self.seconds > 0

    def left(self) -> float:
        if self.running:
            return max(0.0, self._ends_at - time.monotonic())
        return self._left

    def start(self, seconds: int, label: str = "") -> None:
        self.seconds, self.label, self.rang = seconds, label, False
        self._left = float(seconds)
        self.resume()

    def pause(self) -> None:
        if self.running:
            self._left = self.left()
            self.running = False

    def resume(self) -> None:
        if not self.running and self._left > 0:
            self._ends_at = time.monotonic() + self._left
            self.running = True

    def reset(self) -> None:
        """Back to the full time, paused."""
        self.running, self.rang = False, False
        self._left = float(self.seconds)

    def stop(self) -> None:
        self.seconds, self.running, self.rang, self._left = 0, False, False, 0.0

    def due(self) -> bool:
        """True once, when the time has run out (the moment to ring)."""
        if self.running and self.left() <= 0:
            self.running, self.rang, self._left = False, True, 0.0
            return True
        return False
