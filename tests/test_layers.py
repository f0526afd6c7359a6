"""The layers of STYLE.md: nothing below the TUI imports textual, and the modules that must work
without the database import no sqlalchemy (checked in a clean process)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import klinikka


def modules_below_the_tui() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(klinikka.__path__, "klinikka."):
        if info.name.startswith(("klinikka.tui", "klinikka.migrations")) or info.name.endswith(
            "__main__"
        ):
            continue
        names.append(info.name)
    return sorted(names)


def test_every_layer_is_listed() -> None:
    names = modules_below_the_tui()
    for expected in (
        "klinikka.models",
        "klinikka.db",
        "klinikka.tally",
        "klinikka.cli",
        "klinikka.services.voting",
        "klinikka.exports.markdown",
        "klinikka.importers.klinikka_json",
        "klinikka.crash",
        "klinikka.recovery",
    ):
        assert expected in names


@pytest.mark.parametrize("module", modules_below_the_tui())
def test_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}\nprint('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def pure_layers() -> list[str]:
    """STYLE.md's pure layers: they compute on what they are given, and import no database."""
    return [
        name
        for name in modules_below_the_tui()
        if name in {"klinikka.tally", "klinikka.document", "klinikka.enums"}
        or name.startswith("klinikka.exports.")
    ]


# Error reports and the recovery file must work when the database layer is what failed; the
# settings and the reading of dates are read at start-up and by the command line: kept light;
# and the pure layers (tally, document, exports), as harlequin's import-hygiene test holds.
WITHOUT_THE_DATABASE = [
    "klinikka.crash",
    "klinikka.recovery",
    "klinikka.config",
    "klinikka.when",
    *pure_layers(),
]


def test_the_pure_layers_are_all_listed() -> None:
    assert {"klinikka.tally", "klinikka.document", "klinikka.exports.csv_export"} <= set(
        pure_layers()
    )
    assert "klinikka.exports.report" in pure_layers()


@pytest.mark.parametrize("module", WITHOUT_THE_DATABASE)
def test_module_does_not_import_sqlalchemy(module: str) -> None:
    forbidden = ("textual", "sqlalchemy", "sqlmodel")
    code = f"import sys, {module}\nprint(sorted(set({forbidden!r}) & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
