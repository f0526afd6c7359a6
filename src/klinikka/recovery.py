"""Lines typed but not yet saved, kept in a file so that the next start can offer to save them.

A line is an opaque small dict (``kind``, ``uid``, ``text`` and whatever else its kind needs)
that JSON can hold. Each running klinikka keeps its own lines in a file of its own (a
``Keeper``), in the state folder's ``unsaved/``, named after the database and the process: two
klinikkas on one database never overwrite each other's lines. A keeper holds a lock on its
file's ``.lock`` companion while it runs, so ``left_behind`` offers only the lines of klinikkas
that have ended (or crashed), merged in the order they were kept. Nothing here is deleted but
by ``discard`` or by a keeper saving its own empty list. Safe to call from any thread.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

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


def _digest(database: str) -> str:
    digest = hashlib.sha256(_database_key(database).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


def recovery_file(database: str) -> Path:
    """The file of ``database``'s lines that no running klinikka holds (a path or a URL):
    where ``save`` puts them, and where an earlier version kept its lines."""
    return state_dir() / UNSAVED_FOLDER / f"{_digest(database)}.json"


class Keeper:
    """This klinikka's own file of unsaved lines for one database, locked while it runs."""

    def __init__(self, database: str) -> None:
        self.database = database
        token = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.path = state_dir() / UNSAVED_FOLDER / f"{_digest(database)}.{token}.json"
        self._lock_path = self.path.with_suffix(".lock")
        self._lock: IO[bytes] | None = None
        self._guard = threading.Lock()

    def save(self, lines: list[Line]) -> None:
        """Keep ``lines`` (in order), replacing what this keeper kept; none removes the file.
        Raises OSError when it cannot be written, so the user can be told."""
        with self._guard:
            if lines and self._lock is None:
                self._lock = _hold(self._lock_path)
            _write(self.path, self.database, lines)

    def close(self) -> None:
        """Stop holding the file: what it keeps is now left behind for the next start."""
        with self._guard:
            if self._lock is None:
                return
            if not self.path.exists():
                self._lock_path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                self._lock.close()
            self._lock = None


@dataclass(frozen=True)
class LeftBehind:
    """The unsaved lines of klinikkas that have ended, in order, and the files they are in."""

    lines: list[Line]
    files: tuple[Path, ...]


def left_behind(database: str) -> LeftBehind:
    """The lines that ended klinikkas could not save into ``database``, merged in the order
    they were kept (each line once, by uid); none if there are none. A file that cannot be
    read as kept lines is renamed aside (``….damaged-<time>``), never deleted. Never raises."""
    try:
        folder = state_dir() / UNSAVED_FOLDER
        digest = _digest(database)
        candidates = sorted(folder.glob(f"{digest}.json")) + sorted(folder.glob(f"{digest}.*.json"))
    except Exception:  # no state folder to be had
        return LeftBehind([], ())
    found: list[tuple[str, Path, list[Line]]] = []
    for path in candidates:
        if _held(path.with_suffix(".lock")):
            continue  # a klinikka running now: its lines are in its own queue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        parsed = _parse(data)
        if parsed is None:
            _set_aside(path)
            continue
        saved_at, lines = parsed
        found.append((saved_at, path, lines))
    found.sort(key=lambda item: item[0])
    merged: list[Line] = []
    seen: set[str] = set()
    for _saved_at, _path, lines in found:
        for line in lines:
            if line["uid"] not in seen:
                seen.add(line["uid"])
                merged.append(line)
    return LeftBehind(merged, tuple(path for _saved_at, path, _lines in found))


def discard(files: tuple[Path, ...]) -> None:
    """Remove files of lines left behind (saved now, or thrown away by the user). Never
    raises."""
    for path in files:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        lock = path.with_suffix(".lock")
        if not _held(lock):
            with contextlib.suppress(OSError):
                lock.unlink(missing_ok=True)


def save(database: str, lines: list[Line]) -> None:
    """Keep ``lines`` for ``database`` in the file no running klinikka holds (as a klinikka
    that ended leaves them), replacing what it had; none removes it. Raises OSError."""
    _write(recovery_file(database), database, lines)


def load(database: str) -> list[Line]:
    """All the lines left behind for ``database`` (see ``left_behind``)."""
    return left_behind(database).lines


def _write(path: Path, database: str, lines: list[Line]) -> None:
    """Write ``lines`` to ``path`` atomically; none removes it."""
    if not lines:
        path.unlink(missing_ok=True)
        return
    document = {
        "format": FORMAT_VERSION,
        "database": _database_key(database),
        "saved_at": datetime.now(UTC).isoformat(timespec="microseconds"),
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


def clear(database: str) -> None:
    """Forget every line left behind for ``database``. Never raises."""
    with contextlib.suppress(Exception):
        discard(left_behind(database).files)


def _parse(data: bytes) -> tuple[str, list[Line]] | None:
    """When a recovery file was saved, and its lines; None if this version cannot read it."""
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
    saved_at = document.get("saved_at")
    return (saved_at if isinstance(saved_at, str) else ""), lines


def _hold(path: Path) -> IO[bytes] | None:
    """Open and lock ``path`` for as long as the returned file stays open (None where the
    system has no such locks: then every file counts as left behind)."""
    try:
        import fcntl
    except ImportError:  # Windows
        return None
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    stream = open(path, "ab")  # noqa: SIM115 - held open on purpose
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        stream.close()
        raise
    return stream


def _held(path: Path) -> bool:
    """Whether a running klinikka holds the lock ``path``."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        stream = open(path, "rb")  # noqa: SIM115
    except OSError:
        return False
    try:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        stream.close()  # closing releases a lock this look took
    return False


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
