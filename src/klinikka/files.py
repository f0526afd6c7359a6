"""Writing files so that a failure never leaves half a file behind."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from klinikka.errors import ExportError
from klinikka.i18n import N_


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that it is either all there or not changed at all.

    A regular file is written beside its target and renamed over it only on success; it keeps
    the permissions of the file it replaces (a summary with names stays as private as it was).
    A link is followed to its target. Anything that is not a regular file (a terminal, a pipe,
    /dev/null) is written to directly, as it cannot be replaced.
    """
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise ExportError(N_("{path} is a folder."), path=str(path))
    if target.exists() and not target.is_file():
        _write_directly(path, data)
        return
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(N_("The folder {folder} does not exist."), folder=str(path.parent))
    if target.exists():
        mode = stat.S_IMODE(target.stat().st_mode)
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise ExportError(
            N_("Cannot write to {folder}: {reason}"),
            folder=str(folder),
            reason=error.strerror or "",
        ) from error
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(
            N_("Cannot write {path}: {reason}"), path=str(path), reason=error.strerror or ""
        ) from error


def _write_directly(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise ExportError(
            N_("Cannot write {path}: {reason}"), path=str(path), reason=error.strerror or ""
        ) from error
