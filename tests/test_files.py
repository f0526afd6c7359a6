"""Exports are written whole or not at all, and never change what they write onto."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from klinikka.errors import ExportError
from klinikka.files import write_atomically


def test_a_new_file_is_written(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    write_atomically(target, b"Yhteenveto\n")
    assert target.read_text(encoding="utf-8") == "Yhteenveto\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.md"]


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "private.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_link_is_followed_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomically(link, b"new")
    assert link.is_symlink()
    assert real.read_bytes() == b"new"


def test_a_special_file_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomically(fifo, b"through the pipe")
        assert os.read(reader, 100) == b"through the pipe"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("where", ["missing/summary.md", "."])
def test_a_missing_folder_or_a_folder_is_a_clear_error(tmp_path: Path, where: str) -> None:
    with pytest.raises(ExportError):
        write_atomically(tmp_path / where, b"x")
    assert not (tmp_path / "missing").exists()
