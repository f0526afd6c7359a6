"""Where klinikka keeps things: the default database and the files shipped with it."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "klinikka"
PACKAGE_DIR = Path(__file__).parent


def default_database() -> Path:
    """The database in the user's data directory (e.g. ~/.local/share/klinikka/klinikka.db)."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "klinikka.db"


def database_target(option: str | None) -> str:
    """The database to open: ``--db``, else KLINIKKA_DB, else the default file."""
    return option or os.environ.get("KLINIKKA_DB") or str(default_database())


def _shipped(name: str) -> Path:
    # Inside an installed wheel the folder sits in the package; in a checkout, beside src/.
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent.parent / name


def styles_dir() -> Path:
    return _shipped("styles")


def sample_data_dir() -> Path:
    return _shipped("sample_data")


def config_dir() -> Path:
    """The user's klinikka settings (e.g. ~/.config/klinikka/): who they are, keymaps."""
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def state_dir() -> Path:
    """What klinikka keeps between runs that is not data (e.g. ~/.local/state/klinikka/):
    error reports and lines typed but not yet saved."""
    from platformdirs import user_state_path

    return user_state_path(APP_NAME, appauthor=False)
