"""The user's settings, and what the app remembers between runs.

``settings.toml`` in the config directory is the user's to write; klinikka only reads it::

    # ~/.config/klinikka/settings.toml
    [privacy]
    # Results by stakeholder group, in present mode and in anonymised exports, show groups
    # of at least this many ballots; smaller ones are folded into "other groups".
    smallest_group = 3

A file that cannot be read, or a value that makes no sense, is said in one line and the
default is used: it never stops the app. What the app itself remembers (the colour theme
chosen in the command palette) is kept in the state directory, apart from the user's file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from klinikka.i18n import _
from klinikka.paths import config_dir, state_dir

SETTINGS_FILE = "settings.toml"
THEME_FILE = "theme"
# Results by group are shown for groups of at least this many ballots (survey practice: no
# one's vote can be read from a group of one or two); smaller ones are folded together.
SMALLEST_GROUP = 3


@dataclass(frozen=True)
class UserSettings:
    smallest_group: int = SMALLEST_GROUP


def settings_file() -> Path:
    return config_dir() / SETTINGS_FILE


def read_settings(path: Path | None = None) -> tuple[UserSettings, str]:
    """The user's settings (the defaults if there is no file), and what was wrong with the
    file ('' if nothing)."""
    import tomllib

    path = path or settings_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return UserSettings(), ""
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        reason = " ".join(str(getattr(error, "strerror", None) or error).split())
        return UserSettings(), _("Cannot read {path}: {reason}. The defaults are used.").format(
            path=path, reason=reason
        )
    privacy = data.get("privacy", {})
    smallest = privacy.get("smallest_group", SMALLEST_GROUP) if isinstance(privacy, dict) else None
    if not isinstance(smallest, int) or isinstance(smallest, bool) or not 1 <= smallest <= 1000:
        message = _("{path}: smallest_group must be a whole number from 1 to 1000; {n} is used.")
        return UserSettings(), message.format(path=path, n=SMALLEST_GROUP)
    return UserSettings(smallest_group=smallest), ""


def theme_file() -> Path:
    return state_dir() / THEME_FILE


def remembered_theme() -> str | None:
    """The colour theme the user chose last, if they chose one."""
    try:
        name = theme_file().read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name or None


def remember_theme(name: str) -> None:
    """Keep the chosen theme for the next start; a state folder that cannot be written only
    means it is not remembered (a name cut short is an unknown theme: the default)."""
    path = theme_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name + "\n", encoding="utf-8")
    except OSError:
        pass
