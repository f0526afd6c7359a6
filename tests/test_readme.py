"""The README's set-up commands are what CI runs, and what they name exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_the_readme_opens_with_the_run_and_test_commands() -> None:
    run, test = readme_commands()[:2]
    assert "klinikka" in run and "pytest" in test


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    test = readme_commands()[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if "pytest" in line] == [test]


def test_the_readme_runs_the_demo_on_the_sample_clinics() -> None:
    run = readme_commands()[0]
    assert run.endswith("klinikka demo")
    assert len(list((ROOT / "sample_data").glob("*.json"))) >= 2
