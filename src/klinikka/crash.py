"""Error reports: an unforeseen error written to a file, and said in one line in the app.

A report has the traceback without local variables (Textual's own handler shows them, and
they hold what was being typed and the database's password), and every secret that looks like
one is redacted. Only the newest few reports are kept.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import secrets
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from klinikka.paths import state_dir
from klinikka.text import strip_controls

ERRORS_FOLDER = "errors"
KEEP_REPORTS = 20
ONE_LINE_LIMIT = 160

_PREFIX = "klinikka-error-"
_SUFFIX = ".txt"
_MASK = "***"

# scheme://user:password@host: the password runs to the last "@" before a space or a quote,
# as an unquoted "@" or "/" in a password is common; a port with a path and an "@" after it is
# masked too, which costs less than a password shown.
_URL_PASSWORD = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@'\"]*:)[^\s'\"]*@")
# password=…, PGPASSWORD=…, "password": "…", ?access_token=…, client_secret=…
_KEY_VALUE = re.compile(
    r"(?P<head>\b[\w-]*(?:password|passwd|pwd|token|secret)[\w-]*['\"]?\s*[=:]\s*)"
    r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s&;,'\")\]}]+)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """``text`` with URL passwords and ``password=``/``token=``-like values replaced by ***."""
    text = _URL_PASSWORD.sub(lambda match: f"{match['head']}{_MASK}@", text)

    def mask(match: re.Match[str]) -> str:
        value = match["value"]
        quote = value[0] if value[0] in "'\"" else ""
        return f"{match['head']}{quote}{_MASK}{quote}"

    return _KEY_VALUE.sub(mask, text)


def report(error: BaseException, *, context: str = "") -> Path | None:
    """Write an error report to the state folder's ``errors/``; the file, or None if it could
    not be written. Never raises: a failing report must not hide the error it reports."""
    try:
        text = _report_text(error, context)
        return _write_report(text)
    except Exception:
        return None


def one_line(error: BaseException) -> str:
    """The error in one line for the screen: its class and the first line of its message,
    without control characters or secrets, at most ``ONE_LINE_LIMIT`` characters."""
    name = type(error).__name__
    try:
        message = str(error)
    except Exception:
        message = ""
    message = strip_controls(message, keep_newlines=True)
    first = next((line for line in message.split("\n") if line.strip()), "")
    first = redact(" ".join(first.split()))
    line = f"{name}: {first}" if first else name
    if len(line) > ONE_LINE_LIMIT:
        line = line[: ONE_LINE_LIMIT - 1].rstrip() + "…"
    return line


def _report_text(error: BaseException, context: str) -> str:
    from klinikka import __version__

    now = datetime.now(UTC).isoformat(timespec="seconds")
    lines = [
        "klinikka error report",
        f"time: {now}",
        f"klinikka: {__version__}",
        f"python: {platform.python_implementation()} {sys.version.split()[0]}",
        f"platform: {platform.platform()}",
        f"context: {context}",
        "",
        "".join(traceback.format_exception(error)).rstrip("\n"),
        "",
    ]
    # The text may carry typed text or a terminal's escape sequences: a report shown with
    # `cat` must not drive the terminal. Redacted last, so what is written is what is checked.
    return redact(strip_controls("\n".join(lines), keep_newlines=True))


def _write_report(text: str) -> Path:
    folder = state_dir() / ERRORS_FOLDER
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target = folder / f"{_PREFIX}{stamp}-{secrets.token_hex(3)}{_SUFFIX}"
    # Written beside and renamed, so a reader never sees half a report; mkstemp makes it 0600.
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="replace") as stream:
            stream.write(text)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _prune(folder)
    return target


def _prune(folder: Path) -> None:
    """Delete all but the newest ``KEEP_REPORTS`` reports (names sort by their time)."""
    try:
        reports = sorted(
            entry.name
            for entry in os.scandir(folder)
            if entry.name.startswith(_PREFIX) and entry.name.endswith(_SUFFIX)
        )
    except OSError:
        return
    for name in reports[:-KEEP_REPORTS]:
        with contextlib.suppress(OSError):
            (folder / name).unlink(missing_ok=True)
