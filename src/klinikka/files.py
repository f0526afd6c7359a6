"""Writing files so that a failure never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from klinikka.errors import ExportError
from klinikka.i18n import N_


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it over ``path`` only on success."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(N_("The folder {folder} does not exist."), folder=str(folder))
    if path.is_dir():
        raise ExportError(N_("{path} is a folder."), path=str(path))
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
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
        # mkstemp makes the file private; give it the permissions a new file normally gets.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(
            N_("Cannot write {path}: {reason}"), path=str(path), reason=error.strerror or ""
        ) from error
