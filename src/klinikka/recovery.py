"""Lines typed but not yet saved, kept in a file so that the next start can offer to save them.

Each database has its own file in the state folder's ``unsaved/``. A line is an opaque small
dict (``kind``, ``uid``, ``text`` and whatever else its kind needs) that JSON can hold. Safe to
call from any thread: nothing is kept between calls but the files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from klinikka.crash import redact
from klinikka.paths import state_dir

UNSAVED_FOLDER = "unsaved"
FORMAT_VERSION = 1
_REQUIRED = ("kind", "uid", "text")

Line = dict[str, Any]


def _database_key(database: str) -> str:
    """One spelling for one database: a path resolved (as ``db.database_url`` expands ~), a
    URL without its password (a hash of it would let the password be guessed offline)."""
    if "://" in database:
        return redact(database)
    return str(Path(database).expanduser().resolve())


def recovery_file(database: str) -> Path:
    """The file that keeps ``database``'s unsaved lines (a path or a URL)."""
    digest = hashlib.sha256(_database_key(database).encode("utf-8", "surrogatepass"))
    return state_dir() / UNSAVED_FOLDER / f"{digest.hexdigest()[:16]}.json"


def save(database: str, lines: list[Line]) -> None:
    """Keep ``lines`` (in order) for ``database``, replacing what was kept; none removes the
    file. Written atomically. Raises OSError when it cannot be written, so the user can be
    told that these lines are not safe yet."""
    path = recovery_file(database)
    if not lines:
        path.unlink(missing_ok=True)
        return
    document = {
        "format": FORMAT_VERSION,
        "database": _database_key(database),
        "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "lines": lines,
    }
    try:
        data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: written as an escape, read back the same
        data = json.dumps(document, ensure_ascii=True, indent=1).encode("ascii")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkstemp's own name for each call: two threads saving at once never share a temporary.
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def load(database: str) -> list[Line]:
    """The lines kept for ``database``, in order; [] if none. A file that cannot be read as
    kept lines is renamed aside (``….damaged-<time>``), never deleted. Never raises."""
    try:
        path = recovery_file(database)
        data = path.read_bytes()
    except Exception:  # missing, unreadable, or no state folder to be had
        return []
    lines = _parse(data)
    if lines is None:
        _set_aside(path)
        return []
    return lines


def clear(database: str) -> None:
    """Forget ``database``'s kept lines. Never raises."""
    with contextlib.suppress(Exception):
        recovery_file(database).unlink(missing_ok=True)


def _parse(data: bytes) -> list[Line] | None:
    """The lines of a recovery file, or None if it is not one this version can read."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("format") != FORMAT_VERSION:
        return None
    lines = document.get("lines")
    if not isinstance(lines, list):
        return None
    for line in lines:
        if not isinstance(line, dict) or not all(
            isinstance(line.get(key), str) for key in _REQUIRED
        ):
            return None
    return lines


def _set_aside(path: Path) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    with contextlib.suppress(OSError):
        path.rename(path.with_name(f"{path.name}.damaged-{stamp}"))


def _sync_folder(folder: Path) -> None:
    # The rename itself survives a power cut only once the folder is synced (POSIX).
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
