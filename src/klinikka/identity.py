"""Who is using klinikka: the name their actions are logged under, so undo stays theirs.

The name is kept in ``user.toml`` in the user's config directory the first time it is needed,
so it stays the same across restarts even if the operating system's user name changes later.
"""

from __future__ import annotations

import getpass
import json
import os
import tomllib
from pathlib import Path

from klinikka.errors import KlinikkaError
from klinikka.files import write_atomically
from klinikka.paths import config_dir
from klinikka.text import strip_controls

ENV_VAR = "KLINIKKA_USER"
MAX_PERSON = 200
FALLBACK = "klinikka"


def user_file() -> Path:
    """The file that keeps who this user is (e.g. ~/.config/klinikka/user.toml)."""
    return config_dir() / "user.toml"


def person() -> str:
    """Who this user is: KLINIKKA_USER, else the name kept in ``user.toml``, else the
    operating system's user name, which is then kept in that file (if it can be written)."""
    from_env = clean_name(os.environ.get(ENV_VAR, ""))
    if from_env:
        return from_env
    path = user_file()
    try:
        kept_text: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        kept_text = None
    except (OSError, ValueError):  # unreadable: used as it is, never replaced
        return clean_name(_os_user()) or FALLBACK
    if kept_text is not None:
        try:
            kept = tomllib.loads(kept_text).get("name")
        except ValueError:  # not TOML: the user's to fix, not ours to overwrite
            return clean_name(_os_user()) or FALLBACK
        if isinstance(kept, str) and clean_name(kept):
            return clean_name(kept)
    name = clean_name(_os_user()) or FALLBACK
    _keep(path, name, kept_text or "")
    return name


def clean_name(name: str) -> str:
    """A name as the log keeps it: one line, no control characters, at most MAX_PERSON long."""
    # Undecodable bytes in an environment variable arrive as lone surrogates: never kept.
    text = name.encode("utf-8", "replace").decode("utf-8")
    text = " ".join(strip_controls(text, keep_newlines=False).split())
    return text[:MAX_PERSON].strip()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # getuser raises OSError, KeyError or ImportError, by platform
        return FALLBACK


def _keep(path: Path, name: str, settings: str) -> None:
    """Write ``name`` into the file, before any other ``settings`` it has; a failure leaves
    the file as it was and is ignored (the same name is worked out again next time)."""
    # A JSON string is a TOML basic string; a top-level key goes before any [table].
    content = f"name = {json.dumps(name, ensure_ascii=False)}\n" + settings
    try:
        if tomllib.loads(content).get("name") != name:
            return  # the settings already have a name that is not a string or is blank
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, content.encode("utf-8"))
    except (OSError, ValueError, KlinikkaError):
        return
