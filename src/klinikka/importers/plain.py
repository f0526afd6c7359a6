"""Plain text: one idea a line, or one idea a paragraph.

One a line::

    - Palveluohjaus yhteen numeroon
    - Järjestöjen palvelut näkyviin hyvinvointialueen sivuille

One a paragraph, when blank lines separate blocks of several lines::

    Kokemusasiantuntijat mukaan palvelujen suunnitteluun
    jo ennen kuin hankinnat kilpailutetaan.

    Digipalveluihin opastusta kirjastoissa.

Rules:
- The file is read by paragraphs when it has at least two blocks (separated by blank lines)
  and some block has more than one line that is not a list item; each block is then one idea,
  its lines kept, except a block whose every line is a list item, which gives one idea a line.
  Otherwise each line that is not blank is an idea.
- List markers are removed from the start of an idea: ``- ``, ``* ``, ``• ``, ``– ``, and
  ``1. ``/``1) `` when at least two ideas of the file start with a number like that (so a
  single "3. sektori …" keeps its ordinal).
- Nothing else is interpreted: a leading "Name:" stays part of the text.
- A line of only punctuation or symbols (a separator such as ``-----``) is skipped.
"""

from __future__ import annotations

import re

from klinikka.i18n import N_
from klinikka.importers.base import Parsed, Skip, add_idea, empty_file, excerpt

NO_WORDS = N_("no words, only punctuation or symbols")

_BULLET = re.compile(r"[-*•–—·▪‣◦](?:\s+|$)")
_NUMBER = re.compile(r"\d{1,3}[.)](?:\s+|$)")


def parse(text: str) -> Parsed:
    """The ideas in a plain text file."""
    if not text.strip():
        raise empty_file()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(lines, 1):
        if line.strip():
            blocks[-1].append((number, line.strip()))
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    by_paragraph = len(blocks) > 1 and any(
        len(block) > 1 and not _is_list(block) for block in blocks
    )
    ideas: list[list[tuple[int, str]]] = []
    for block in blocks:
        if by_paragraph and not (len(block) > 1 and _is_list(block)):
            ideas.append(block)
        else:
            ideas.extend([line] for line in block)
    numbered = sum(1 for idea in ideas if _NUMBER.match(idea[0][1])) >= 2
    parsed = Parsed(format="text")
    for idea in ideas:
        number, first = idea[0]
        first = _unmarked(first, _BULLET)
        if numbered:
            first = _unmarked(first, _NUMBER)
        idea_text = "\n".join([first, *(line for _, line in idea[1:])])
        if idea_text.strip() and not any(char.isalnum() for char in idea_text):
            parsed.skipped.append(Skip(number, NO_WORDS, excerpt(idea_text)))
            continue
        add_idea(parsed, idea_text, line=number)
    return parsed


def _is_list(block: list[tuple[int, str]]) -> bool:
    return all(_BULLET.match(line) or _NUMBER.match(line) for _, line in block)


def _unmarked(line: str, marker: re.Pattern[str]) -> str:
    match = marker.match(line)
    return line[match.end() :] if match else line
