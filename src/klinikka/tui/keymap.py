"""The user's own keys: ``keys.toml`` in the config directory maps binding ids to keys.

    # ~/.config/klinikka/keys.toml
    [keys]
    "idea.unassigned" = "f10"
    "workspace.edit" = "f12,ctrl+e"

Every binding of klinikka has an id (F1 lists the keys; docs/keys.md lists the ids). Textual
applies the map (``App.set_keymap``). A file that cannot be read is reported in one line and
the usual keys are used: it never stops the app.
"""

from __future__ import annotations

from pathlib import Path

from klinikka.i18n import _
from klinikka.paths import config_dir

KEYMAP_FILE = "keys.toml"


def keymap_file() -> Path:
    return config_dir() / KEYMAP_FILE


def read_keymap(path: Path | None = None) -> tuple[dict[str, str], str]:
    """The binding id -> keys map of the user's file ({} if there is none), and what was
    wrong with it ('' if nothing)."""
    import tomllib

    path = path or keymap_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}, ""
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        reason = " ".join(str(getattr(error, "strerror", None) or error).split())
        return {}, _("Cannot read {path}: {reason}. The usual keys are used.").format(
            path=path, reason=reason
        )
    keys = data.get("keys", {})
    if not isinstance(keys, dict):
        return {}, _("{path}: [keys] must be a table of binding ids and keys.").format(path=path)
    mapping = {
        str(binding): value.strip()
        for binding, value in keys.items()
        if isinstance(value, str) and value.strip()
    }
    wrong = sorted(str(binding) for binding in keys if str(binding) not in mapping)
    if wrong:
        return mapping, _("{path}: no keys given for {ids}.").format(
            path=path, ids=", ".join(wrong)
        )
    return mapping, ""
