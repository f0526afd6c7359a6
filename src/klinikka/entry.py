"""The console script's entry point: answers ``--version`` and ``--help`` without click.

Importing click alone takes about four times as long as starting Python (measured in
bench/bench_foundation.py), so the two commands people run most to "see what this is" are
answered from here: the version from the package, the help from the text click rendered at
80 columns when the catalogs were compiled (scripts/update_catalogs.py; tests/test_cli.py
checks it still equals click's own rendering). Everything else goes to ``klinikka.cli``.
"""

from __future__ import annotations

import os
import sys

from klinikka import __version__

HELP_WIDTH = 80


def help_path(language: str) -> str:
    from klinikka.i18n import LOCALE_DIR

    return os.path.join(LOCALE_DIR, language, "help.txt")


def _columns() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError):
        # Not a terminal: click wraps to COLUMNS, else to 80.
        return int(os.environ.get("COLUMNS", HELP_WIDTH) or HELP_WIDTH)


def _stored_help() -> str | None:
    """The top-level help in the user's language, if it fits the terminal as click would."""
    if _columns() < HELP_WIDTH:
        return None
    from klinikka.i18n import resolve_language

    try:
        with open(help_path(resolve_language()), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        sys.stdout.write(f"klinikka {__version__}\n")
        return
    if args in (["--help"], ["-h"]):
        text = _stored_help()
        if text is not None:
            sys.stdout.write(text)
            return
    from klinikka.cli import main as cli_main

    cli_main(args)
