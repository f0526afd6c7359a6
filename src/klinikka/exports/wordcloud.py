"""Word cloud: the clinic's ideas as one inline SVG element, for the HTML summary.

Words are counted over the ideas with the stop words of Finnish, Swedish and English left out
(clinics mix languages), inflected forms grouped by their Snowball stem, and laid out on a
spiral from the centre without overlapping. Nothing is random or measured from a font: the same
ideas give the same bytes. The stemmer and the stop-word lists are imported when first used,
so that importing klinikka stays fast.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from html import escape
from typing import Any

from klinikka.text import strip_controls

STEMMERS = {"fi": "finnish", "sv": "swedish", "en": "english"}

# Filler of ideas ("we should also…") that the stop-word lists do not have.
_EXTRA_STOP_WORDS = frozenset(
    {
        "esim",
        "jne",
        "mielestä",
        "mielestäni",
        "pitää",
        "pitäisi",
        "saadaan",
        "tarvitaan",
        "tms",
        "toivoisin",
        "toivon",
        "voisimme",
        "voisin",
        "voitaisiin",
        "yms",
        "behöver",
        "borde",
    }
)
# The lists also hold words that name what a care clinic is about ("home care", "older
# people", "sex education"); those stay in the cloud.
_NOT_STOP_WORDS = frozenset(
    {
        "computer",
        "group",
        "groups",
        "help",
        "home",
        "information",
        "member",
        "members",
        "old",
        "older",
        "oldest",
        "problem",
        "problems",
        "research",
        "sex",
        "system",
        "test",
        "web",
        "website",
        "work",
        "young",
        "younger",
        "youngest",
    }
)

MIN_FONT_SIZE = 12
MAX_FONT_SIZE = 48
# A word said once, when no word is said more than five times (20 × √5 ≈ 45 px); in a larger
# clinic the most frequent word gets the largest size and a word said once less than this.
ONCE_FONT_SIZE = 20
# Where a line of text reaches above and below its baseline, in ems: generous, so that accents,
# descenders and fallback fonts stay inside the box that is checked.
ASCENT = 0.92
DESCENT = 0.26
# Space kept between words, and between a word and the edge, in px.
GAP = 2.0
# The spiral: px between its turns (vertically; twice that across a 2:1 canvas) and along it.
SPIRAL_TURN = 6
SPIRAL_STEP = 4
SPIRAL_RUN = 16
FONT_FAMILY = "'Segoe UI', Roboto, Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
# Dark on white (contrast 5.4–16) and four different greys when printed in black and white.
COLOURS = ("#14213d", "#b5461a", "#00695c", "#7b2d5f")

_LETTER = r"[^\W\d_]"
_NOT_XML = re.compile("[\ufffe\uffff]")


def word_counts(
    texts: Iterable[str], language: str, *, exclude: Iterable[str] = ()
) -> list[tuple[str, int]]:
    """How often each word occurs in ``texts``, most frequent first (then alphabetically).

    Words are lowercased (casefold) letters, hyphenated compounds kept whole. Stop words of
    Finnish, Swedish and English, words of one or two letters and the words of ``exclude``
    (people's names: compared case-insensitively, and also by stem so that inflected names go
    too) are left out. Inflected forms are grouped by the stem of ``language``'s Snowball
    stemmer (fi, sv or en); a group is shown as its most frequent form and counts all of them.
    """
    stemmer = _stemmer(language)
    # Controls are stripped idea by idea, so that an unfinished escape sequence cannot swallow
    # the ideas after it; the rest is faster done once.
    text = _fold("\n".join(strip_controls(text) for text in texts))
    forms = Counter(_word_pattern(_marks(text)).findall(text))
    excluded = {word for name in exclude for word in _name_words(name)}
    excluded_stems = set(stemmer.stemWords(sorted(excluded)))
    stop_words = _stop_words()

    kept = [
        form
        for form in forms
        if form not in stop_words and form not in excluded and _letter_count(form) >= 3
    ]
    totals: dict[str, int] = {}
    shown: dict[str, tuple[int, str]] = {}  # stem: the count and the form it is shown as
    for form, stem in zip(kept, stemmer.stemWords(kept), strict=True):
        if stem in excluded_stems:
            continue
        count = forms[form]
        totals[stem] = totals.get(stem, 0) + count
        best = shown.get(stem)
        if best is None or count > best[0] or (count == best[0] and form < best[1]):
            shown[stem] = (count, form)
    return sorted(
        ((shown[stem][1], total) for stem, total in totals.items()),
        key=lambda item: (-item[1], item[0]),
    )


def word_cloud_svg(
    texts: Iterable[str],
    language: str,
    *,
    exclude: Iterable[str] = (),
    title: str,
    max_words: int = 60,
    width: int = 720,
    height: int = 360,
) -> str:
    """The ``max_words`` most frequent words of ``texts`` as an ``<svg>`` element to inline.

    Font size grows with the square root of a word's count, 12 to 48 px; the most frequent
    word is placed in the middle and the others on a spiral around it, none overlapping another
    or the edge. A word that finds no room is left out. ``title`` names the picture for screen
    readers. Returns ``""`` when no word can be drawn (no ideas, or only stop words), so the
    caller can leave the picture out. Words are counted as in :func:`word_counts`.
    """
    counts = word_counts(texts, language, exclude=exclude)[: max(max_words, 0)]
    sizes = _font_sizes([count for _, count in counts])
    placed: list[tuple[str, int, int, int]] = []
    boxes: list[tuple[float, float, float, float]] = []
    # (width, size, n): the first n points of the spiral had no room for a word that wide and
    # that tall, so none for a larger one either, as words are only ever added.
    searched: list[tuple[float, int, int]] = []
    spiral = _spiral(width, height)
    for (word, _), size in zip(counts, sizes, strict=True):
        text_width = _text_width(word, size)
        start = max(
            (n for w, s, n in searched if text_width >= w and size >= s),
            default=0,
        )
        found = _find_spot(text_width, size, width, height, spiral, start, boxes)
        if found is None:
            searched.append((text_width, size, SPIRAL_RUN * len(spiral)))
            continue
        x, y, index = found
        searched.append((text_width, size, index))
        placed.append((word, x, y, size))
    if not placed:
        return ""

    title_text = _NOT_XML.sub("", strip_controls(title, keep_newlines=False)).strip()
    digest = hashlib.sha256(repr((title_text, placed, width, height)).encode()).hexdigest()
    title_id = f"wordcloud-{digest[:12]}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img"'
        f' aria-labelledby="{title_id}" font-family="{FONT_FAMILY}">',
        f'<title id="{title_id}">{escape(title_text)}</title>',
    ]
    out += [
        f'<text x="{x}" y="{y}" font-size="{size}" fill="{COLOURS[rank % len(COLOURS)]}"'
        f' text-anchor="middle">{escape(word)}</text>'
        for rank, (word, x, y, size) in enumerate(placed)
    ]
    out.append("</svg>")
    return "\n".join(out)


def _text_width(word: str, size: float) -> float:
    """An upper estimate of the width of ``word`` at ``size`` px in a common sans-serif font."""
    return size * sum(_advance(char) for char in word)


@cache
def _advance(char: str) -> float:
    """A character's width in ems, rounded up from Arial, Liberation Sans and DejaVu Sans."""
    if unicodedata.category(char) in ("Mn", "Me"):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if char in "ijlı'":
        return 0.32
    if char in "frt-":
        return 0.45
    if char in "mwæœ":
        return 1.0
    if char.isupper():
        return 0.8
    return 0.64


def _stemmer(language: str) -> Any:
    if language not in STEMMERS:
        raise ValueError(f"no word cloud for language {language!r}: use one of {list(STEMMERS)}")
    import snowballstemmer  # type: ignore[import-untyped]

    return snowballstemmer.stemmer(STEMMERS[language])


@cache
def _stop_words() -> frozenset[str]:
    from stop_words import get_stop_words  # type: ignore[import-untyped]

    words = {
        unicodedata.normalize("NFC", word.casefold())
        for language in STEMMERS.values()
        for word in get_stop_words(language)
    }
    return frozenset((words | _EXTRA_STOP_WORDS) - _NOT_STOP_WORDS)


def _marks(text: str) -> str:
    """The combining marks in ``text``: ``re`` has no ``\\p{M}`` to find them by."""
    return "".join(sorted(char for char in set(text) if unicodedata.category(char)[0] == "M"))


def _word_pattern(marks: str) -> re.Pattern[str]:
    """Letters, each with the combining marks after it; hyphens between such runs."""
    part = f"{_LETTER}[{re.escape(marks)}]*" if marks else _LETTER
    return re.compile(f"(?:{part})+(?:-(?:{part})+)*")


def _fold(text: str) -> str:
    """Text as words are compared: casefolded, NFC, one kind of hyphen and no soft ones."""
    text = unicodedata.normalize("NFC", text.casefold())
    return text.replace("\u2010", "-").replace("\u2011", "-").replace("\u00ad", "")


def _letter_count(word: str) -> int:
    """How many letters ``word`` has (a letter's marks are part of it), or 0 if it has numbers.

    The word pattern's letters are ``\\w`` less digits, and so also take in numbers such as
    "½" and "Ⅻ".
    """
    letters = word.replace("-", "")
    if letters.isalpha():
        return len(letters)
    kinds = [unicodedata.category(char)[0] for char in letters]
    return 0 if "N" in kinds else kinds.count("L")


def _name_words(name: str) -> set[str]:
    """A name's words, and each part of a hyphenated one ("Anna-Liisa" is "Anna" too).

    A Finnish surname in -nen inflects on another stem (Virtanen, Virtasen, Virtaselle), which
    the stemmer does not join: its genitive is added, whose stem the other forms share.
    """
    name = _fold(strip_controls(name))
    found = set(_word_pattern(_marks(name)).findall(name))
    found |= {part for word in found for part in word.split("-")}
    return found | {word[:-3] + "sen" for word in found if word.endswith("nen")}


def _font_sizes(counts: list[int]) -> list[int]:
    """Sizes that make a word's area grow as its count does (size as the square root).

    Scaling to the counts of a small clinic would make a word said twice four times the area
    of one said once; so the scale stops at ``ONCE_FONT_SIZE`` for a word said once.
    """
    if not counts:
        return []
    scale = min(ONCE_FONT_SIZE, MAX_FONT_SIZE / math.sqrt(max(counts)))
    return [max(MIN_FONT_SIZE, round(scale * math.sqrt(count))) for count in counts]


# A run of points on the spiral: the box around them, the index of the first, the points.
_Run = tuple[int, int, int, int, int, tuple[tuple[int, int], ...]]


@cache
def _spiral(width: int, height: int) -> tuple[_Run, ...]:
    """Points of an Archimedean spiral from the centre, stretched to the canvas's shape.

    Only points that can be inside the canvas are kept (a word's anchor is below the middle of
    its box by at most a third of the largest font size). They come in runs of
    ``SPIRAL_RUN`` neighbours, so that a run inside a placed word can be passed in one step.
    """
    stretch = width / height if height > 0 else 1.0
    reach = math.hypot(height / 2, width / 2 / stretch) + 1
    turn = SPIRAL_TURN / (2 * math.pi)
    points: list[tuple[int, int]] = [(0, 0)]
    angle = 0.0
    while turn * angle <= reach:
        radius = turn * angle
        point = (round(radius * math.cos(angle) * stretch), round(radius * math.sin(angle)))
        if point != points[-1]:
            points.append(point)
        angle += min(0.5, SPIRAL_STEP / max(radius * max(stretch, 1.0), 1.0))
    points = [
        (dx, dy)
        for dx, dy in points
        if abs(dx) <= width / 2 and abs(dy) <= height / 2 + MAX_FONT_SIZE / 3
    ]
    runs = []
    for first in range(0, len(points), SPIRAL_RUN):
        run = tuple(points[first : first + SPIRAL_RUN])
        xs, ys = [x for x, _ in run], [y for _, y in run]
        runs.append((min(xs), min(ys), max(xs), max(ys), first, run))
    return tuple(runs)


def _find_spot(
    text_width: float,
    size: int,
    width: int,
    height: int,
    spiral: tuple[_Run, ...],
    start: int,
    boxes: list[tuple[float, float, float, float]],
) -> tuple[int, int, int] | None:
    """Where the word fits first on the spiral from point ``start`` on: x, baseline, index.

    The word is anchored at the middle of its baseline. Each placed box, grown by the word's
    own box and the gap, is an area the anchor must stay out of; so is the canvas's edge. The
    word's box is added to ``boxes``.
    """
    half = text_width / 2
    above, below = ASCENT * size, DESCENT * size
    # The spiral's centre is the middle of the word's box, not of its baseline. Where the
    # anchor may go is worked out relative to it, as the spiral's points are.
    centre_x, centre_y = width // 2, round(height / 2 + (above - below) / 2)
    left, right = GAP + half - centre_x, width - GAP - half - centre_x
    top, bottom = GAP + above - centre_y, height - GAP - below - centre_y
    if left > right or top > bottom:
        return None
    blocked = [
        (
            x0 - half - GAP - centre_x,
            y0 - below - GAP - centre_y,
            x1 + half + GAP - centre_x,
            y1 + above + GAP - centre_y,
        )
        for x0, y0, x1, y1 in boxes
    ]
    # The area hit last is the likeliest to be hit next, as the next point is near.
    hit = (0.0, 0.0, 0.0, 0.0)
    for run_x0, run_y0, run_x1, run_y1, first, points in spiral[start // SPIRAL_RUN :]:
        if run_x1 < left or run_x0 > right or run_y1 < top or run_y0 > bottom:
            continue
        if hit[0] < run_x0 and run_x1 < hit[2] and hit[1] < run_y0 and run_y1 < hit[3]:
            continue
        for area in blocked:
            if area[0] < run_x0 and run_x1 < area[2] and area[1] < run_y0 and run_y1 < area[3]:
                hit = area
                break
        else:
            for offset, (x, y) in enumerate(points):
                if x < left or x > right or y < top or y > bottom:
                    continue
                if hit[0] < x < hit[2] and hit[1] < y < hit[3]:
                    continue
                for area in blocked:
                    if area[0] < x < area[2] and area[1] < y < area[3]:
                        hit = area
                        break
                else:
                    x, y = centre_x + x, centre_y + y
                    boxes.append((x - half, y - above, x + half, y + below))
                    return x, y, first + offset
    return None
