"""User text as data in the terminal: never markup, never an escape sequence."""

from __future__ import annotations

from rich.text import Text

from klinikka.text import strip_controls

# A cell shows this much of a long idea; the selected idea is shown whole below the table.
CELL_LIMIT = 60


def user_text(value: str | None, *, limit: int | None = None, style: str = "") -> Text:
    """``value`` as literal Rich text: controls stripped, one line, optionally shortened."""
    clean = " ".join(strip_controls(value or "").split())
    if limit is not None and len(clean) > limit:
        clean = clean[: limit - 1] + "…"
    return Text(clean, style=style, no_wrap=True, overflow="ellipsis")


def plain(value: str) -> str:
    """A message for ``notify(..., markup=False)``: one line, no control characters."""
    return " ".join(strip_controls(value).split())
