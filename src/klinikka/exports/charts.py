"""Bar charts as inline SVG: a voting round's results, and each stakeholder group's.

Plain SVG with no script, font file or link, so the HTML summary stays one self-contained
file that prints as it shows. User text is escaped; a name too long for the label column is
cut with an ellipsis (the full name is in the bar's tooltip and in the table beside it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from html import escape

from klinikka.exports.content import ScoreRow
from klinikka.text import strip_controls

WIDTH = 640
COMPACT_WIDTH = 320  # a stakeholder group's chart: two fit side by side on A4
VALUE = 110  # room for "1 234 · 40,0 %" after the longest bar
ROW = 40  # the theme's name on one line, its bar under it
BAR = 14
FONT = 13
SMALL_FONT = 12
TOP = 4
# Okabe and Ito's colour-blind-safe palette: blue bars, the winner's vermillion, each at least
# 3:1 against white (WCAG 1.4.11). The winner is also told apart without colour: its label
# says ★ and every label its rank.
FILL = "#0072B2"
WINNER_FILL = "#D55E00"
INK = "#1f2933"
WINNER_MARK = "★"


def _text(value: str) -> str:
    return escape(" ".join(strip_controls(value).split()), quote=True)


def _cells(value: str) -> float:
    """The width of ``value`` in units of an average character (wide characters count 2)."""
    return sum(2.0 if unicodedata.east_asian_width(c) in "WF" else 1.0 for c in value)


def _cut(value: str, room: float) -> str:
    """``value`` cut to fit ``room`` average characters, with an ellipsis if cut."""
    value = " ".join(strip_controls(value).split())
    if _cells(value) <= room:
        return value
    kept, used = [], 0.0
    for char in value:
        size = _cells(char)
        if used + size > room - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept).rstrip() + "…"


def _label(row: ScoreRow, room: float) -> str:
    """The rank, the name (cut to fit) and the winner's ★: "1. Ennaltaehkäisy ★"."""
    rank = f"{row.rank}. "
    star = f" {WINNER_MARK}" if row.winner else ""
    return rank + _cut(row.name, room - _cells(rank) - _cells(star)) + star


def bar_chart(rows: Sequence[ScoreRow], title: str, *, compact: bool = False) -> str:
    """Horizontal bars, one a theme, with its rank and name above its bar; the longest bar is
    the highest score, and the winner's is vermillion, its name bold and marked ★.

    ``compact`` is the narrower chart of one stakeholder group (two fit side by side).
    """
    width = COMPACT_WIDTH if compact else WIDTH
    font = SMALL_FONT if compact else FONT
    height = TOP * 2 + ROW * max(1, len(rows))
    area = width - VALUE
    top_score = max((row.score for row in rows), default=0)
    # An average character of the font is about 0.55 em wide.
    room = width / (font * 0.55)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" class="chart" fill="{INK}" '
        'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif">',
        f"<title>{_text(title)}</title>",
    ]
    for index, row in enumerate(rows):
        y = TOP + index * ROW
        length = round(area * row.score / top_score, 1) if top_score else 0
        name_line = y + font + 2
        bar_top = name_line + 5
        kind, fill = ("bar winner", WINNER_FILL) if row.winner else ("bar", FILL)
        weight = ' font-weight="bold"' if row.winner else ""
        parts += [
            "<g>",
            f"<title>{_text(row.name)}: {_text(row.score_text)} ({_text(row.share_text)})</title>",
            f'<text x="0" y="{name_line}" font-size="{font}"{weight}>'
            f"{_text(_label(row, room))}</text>",
            f'<rect class="{kind}" x="0" y="{bar_top}" width="{length}" height="{BAR}" rx="2" '
            f'fill="{fill}"/>',
            f'<text x="{length + 6}" y="{bar_top + BAR - 3}" font-size="{font}"{weight}>'
            f"{_text(row.score_text)} · {_text(row.share_text)}</text>",
            "</g>",
        ]
    parts.append("</svg>")
    return "".join(parts)
