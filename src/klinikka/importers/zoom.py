"""Zoom's saved meeting chat (``meeting_saved_chat.txt``), in both of Zoom's layouts.

The newer layout: a header line, then the message on the following (indented) lines::

    10:02:15 From Aino Laine to Everyone:
    \tPalveluohjaus yhteen numeroon.
    \tJa chat-palvelu illoiksi.
    10:03:40 From Mikko Korhonen to Everyone:
    \tReplying to "Palveluohjaus yhteen..."
    \t
    \tSamaa mieltä, myös järjestöjen palvelut mukaan.
    10:04:02 From Liisa Nieminen to Everyone:
    \tReacted to "Palveluohjaus yhteen..." with 👍
    10:05:10 From Pekka Salo to Aino Laine(Direct Message):
    \tVoitko jakaa linkin?

The older layout: one line a message (a message's further lines follow it as they are)::

    10:02:15\t From  Aino Laine  to  Everyone : Palveluohjaus yhteen numeroon.
    10:02:40\t From  Mikko Korhonen : Samaa mieltä.

Rules:
- A header starts at the beginning of a line with a time (``10:02:15``, or ``10:02``), space,
  ``From`` and a space. Every line up to the next header belongs to its message; the
  indentation of each line is removed and blank lines at either end are dropped.
- The older layout is a header with `` : `` (a colon between spaces) in it: the name ends at
  the first `` : `` and the message follows it, so a message may hold colons but a name may
  not hold `` : ``. Otherwise a header ends in ``:`` (the newer layout): everything between
  ``From`` and that last colon is the sender and the recipient, so a name may hold colons.
- The recipient follows the last `` to `` of the header. Everyone, Kaikki (Finnish Zoom) and
  Alla (Swedish) are public; any other recipient, or a ``(Direct Message)``/``(Privately)``
  mark, makes a private message. A file whose headers never name a recipient (Zoom's oldest
  layout) has no recipients at all, so a name such as "Anna to Kivi" stays whole there.
- Private messages are skipped unless ``include_private``; the skip shows who wrote to whom,
  not what.
- A reply keeps its own text: Zoom's ``Replying to "…"`` line (a quote of the first twenty
  or so characters of the message replied to, which is imported as its own idea) is dropped,
  whether the reply follows on the same line or the next ones.
- Reactions are skipped: ``Reacted to "…" with 👍``, ``Removed a 👍 reaction from "…"``,
  Zoom's ``add 👍``/``remove 👍``, and a message of only emoji or punctuation (or "+1").
- Times are the time of day on 1900-01-01 (the file has no date); an hour over 23 (a time
  counted from the start of a long recording) gives no time.
- Lines before the first header are skipped with a reason. A text with no header at all is
  not a Zoom chat: ImportFormatError.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from klinikka.errors import ImportFormatError
from klinikka.i18n import N_
from klinikka.importers.base import (
    OUTSIDE_MESSAGE,
    PRIVATE,
    REACTION,
    Parsed,
    Skip,
    add_idea,
    empty_file,
    excerpt,
    is_reaction,
    one_line,
)

HEADER = re.compile(r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?)[ \t]+From[ \t]+(?P<rest>.*)")
_PUBLIC = {"everyone", "kaikki", "alla"}
_PRIVATE_MARK = re.compile(
    r"\s*\((?:direct message|privately|private|yksityisviesti|yksityisesti|privat)\)\s*$",
    re.IGNORECASE,
)
_REACTION = re.compile(
    r"Reacted to \".*\" with \S.*|Removed a .+ reaction from \".*\"|(?:add|remove) \W+",
    re.DOTALL,
)
_REPLY = 'Replying to "'


@dataclass
class _Message:
    line: int
    time: datetime | None
    head: str
    lines: list[str] = field(default_factory=list)


def is_zoom_chat(text: str) -> bool:
    """Whether the text's first line that is not blank is a Zoom chat header."""
    for line in text.split("\n"):
        if line.strip():
            return _split(line) is not None
    return False


def parse(text: str, include_private: bool = False) -> Parsed:
    """The messages of a saved Zoom chat."""
    if not text.strip():
        raise empty_file()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parsed = Parsed(format="zoom")
    messages: list[_Message] = []
    for number, line in enumerate(text.split("\n"), 1):
        split = _split(line)
        if split is not None:
            clock, head, first = split
            messages.append(_Message(number, _clock(clock), " ".join(head.split()), [first]))
        elif messages:
            messages[-1].lines.append(line.strip())
        elif line.strip():
            parsed.skipped.append(Skip(number, OUTSIDE_MESSAGE, excerpt(line)))
    if not messages:
        raise ImportFormatError(
            N_("The file is not a Zoom chat: no line starts with a time and “From”.")
        )
    addressed = any(_names_recipient(message.head) for message in messages)
    for message in messages:
        author, recipient, private = _recipient(message.head, addressed)
        body = _body(message.lines)
        own = _without_quote(body)
        if private and not include_private:
            who = f"{author} → {recipient}" if recipient else author
            parsed.skipped.append(Skip(message.line, PRIVATE, who))
        elif _REACTION.fullmatch(body) or is_reaction(own):
            parsed.skipped.append(Skip(message.line, REACTION, excerpt(body)))
        else:
            add_idea(parsed, own, line=message.line, author=author, time=message.time)
    return parsed


def _split(line: str) -> tuple[str, str, str] | None:
    """A header's time, sender-and-recipient, and the start of its message (older layout)."""
    match = HEADER.fullmatch(line.rstrip())
    if match is None:
        return None
    rest = match["rest"]
    head, colon, first = rest.partition(" : ")
    if colon:
        return match["time"], head, first.strip()
    if rest.endswith(" :"):
        return match["time"], rest[:-2], ""
    if rest.endswith(":"):
        return match["time"], rest[:-1], ""
    return None


def _names_recipient(head: str) -> bool:
    """Whether a header names a recipient for sure: a public one, or a private mark."""
    if _PRIVATE_MARK.search(head):
        return True
    _, to, recipient = head.rpartition(" to ")
    return bool(to) and recipient.strip().casefold() in _PUBLIC


def _recipient(head: str, addressed: bool) -> tuple[str, str, bool]:
    """The sender, the recipient (empty if none) and whether the message was private."""
    marked = _PRIVATE_MARK.search(head)
    if marked:
        head = head[: marked.start()]
    author, to, recipient = head.rpartition(" to ")
    if not to or not addressed:
        return one_line(head), "", bool(marked)
    recipient = one_line(recipient)
    return one_line(author), recipient, bool(marked) or recipient.casefold() not in _PUBLIC


def _body(lines: list[str]) -> str:
    while lines and not lines[-1]:
        lines.pop()
    start = 0
    while start < len(lines) and not lines[start]:
        start += 1
    return "\n".join(lines[start:])


def _without_quote(body: str) -> str:
    """A reply's own text, without Zoom's quote of the message it replies to."""
    if not body.startswith(_REPLY):
        return body
    first, _, rest = body.partition("\n")
    quoted = first[len(_REPLY) :]
    # Zoom cuts a long quote with "...": what follows it on the line is the reply.
    cut = quoted.find('..." ')
    if cut >= 0:
        own = quoted[cut + 5 :]
    else:
        closing = quoted.rstrip().removesuffix(":").rstrip()
        if closing.endswith('"') and '" ' not in closing[:-1]:
            own = ""
        else:
            end = quoted.find('" ')
            own = quoted[end + 2 :] if end >= 0 else ""
    return "\n".join(part for part in (own.strip(), rest.strip()) if part)


def _clock(value: str) -> datetime | None:
    parts = [int(part) for part in value.split(":")]
    hour, minute, second = [*parts, 0][:3]
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime(1900, 1, 1, hour, minute, second)
