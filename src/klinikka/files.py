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
    write_all_atomically([(path, data)])


def write_all_atomically(files: list[tuple[Path, bytes]]) -> None:
    """Write several files (a CSV export's two) as ``write_atomically`` writes one.

    Every file is written in full beside its target before any is renamed over its target;
    if one cannot be written, none is changed.
    """
    staged: list[tuple[Path, Path, Path]] = []  # (as asked, temporary, target)
    direct: list[tuple[Path, bytes]] = []
    try:
        for path, data in files:
            target = Path(os.path.realpath(path))
            if target.is_dir():
                raise ExportError(N_("{path} is a folder."), path=str(path))
            if target.exists() and not target.is_file():
                direct.append((path, data))
                continue
            staged.append((path, _stage(path, target, data), target))
    except BaseException:
        for _path, temporary, _target in staged:
            temporary.unlink(missing_ok=True)
        raise
    for path, temporary, target in staged:
        try:
            os.replace(temporary, target)
        except OSError as error:
            for _path, left, _target in staged:
                left.unlink(missing_ok=True)
            raise ExportError(
                N_("Cannot write {path}: {reason}"), path=str(path), reason=error.strerror or ""
            ) from error
    for path, data in direct:
        _write_directly(path, data)


def _stage(path: Path, target: Path, data: bytes) -> Path:
    """``data`` written and synced to a temporary file beside ``target``, with its mode."""
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
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise ExportError(
            N_("Cannot write to {folder}: {reason}"),
            folder=str(folder),
            reason=error.strerror or "",
        ) from error
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise ExportError(
            N_("Cannot write {path}: {reason}"), path=str(path), reason=error.strerror or ""
        ) from error
    return temporary


def _write_directly(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise ExportError(
            N_("Cannot write {path}: {reason}"), path=str(path), reason=error.strerror or ""
        ) from error
