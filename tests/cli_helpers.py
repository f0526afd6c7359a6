"""Running klinikka's command line in the test's process, as the console script would."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest

from klinikka.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(capfd: pytest.CaptureFixture[str], args: Sequence[str]) -> Run:
    """Run ``klinikka ARGS``; its exit code and what it printed."""
    capfd.readouterr()
    try:
        main(list(args))
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    captured = capfd.readouterr()
    return Run(code, captured.out, captured.err)
