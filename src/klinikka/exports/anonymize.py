"""The anonymised variant: a clinic with no person's name or organisation anywhere.

Where a name is a field of its own (participants, idea authors, voters, the facilitator …) it
is blanked or numbered, and the activity log, whose sentences name people, is left out. Where
a name is written inside free text — the clinic's title and goal, group names, theme names
and descriptions, idea texts, notes, round titles and decision notes — it is replaced with a
placeholder. The names are those of ``names_in``; this is how one is found in a text:

- A person's name of several words, and an organisation, matches as a whole phrase in any
  case ("maija VIRTANEN" is "Maija Virtanen"); a run of whitespace inside the name matches any
  run of whitespace, a line break too.
- A person's name of one word matches only capitalised: a capital first letter, the rest in
  any case ("Anna", "ANNA"), so that the Finnish verb "anna" stays.
- Each word of three letters or more of a person's name of several words also matches on its
  own, capitalised ("Maija", "Virtanen"); a word in lower case in a name that has capitals
  ("van", "af") is a particle and does not match on its own.
- Punctuation around a name or a word is not part of it: "Pekka." is also found as "Pekka",
  "Virtanen, Maija" gives the word "Virtanen".
- Whole words only: a match must not continue into a letter, digit or underscore on either
  side ("Annankatu" is not "Anna"). A name that begins or ends with another character
  ("(Tiimi)", "Pekka 🙂") needs no such boundary on that side.
- Finnish endings: a name whose last word has three letters or more and ends in a letter also
  matches followed by up to four lowercase Latin letters ("Maijan", "Annalle", "Kelassa").
  Forms that change the stem are not caught ("Pekka" → "Pekalle", "Virtanen" → "Virtaselle");
  a word that begins with a name can be taken for it when capitalised ("Tuulinen" for the
  name "Tuuli", at the start of a sentence).
- Longest first: "Maija Virtanen" becomes one placeholder, not two. A name that could form
  again from a placeholder's edge (one ending in "[") is looked for again, but a name inside
  a placeholder is left alone.

Not names: a string with no letter and no emoji ("-", "?", "12": typed for "no organisation"
or to number paper ballots; taking those out would take every dash or number out of the
texts), and the label of an external poll ("Teams": a ballot of an aggregate round, or one
with a number of respondents).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from klinikka.config import SMALLEST_GROUP
from klinikka.document import _ONE_LINE_LIMIT, _TEXT_LIMIT, DocClinic, DocRound
from klinikka.enums import VotingMethod
from klinikka.tally import groups_to_fold
from klinikka.text import name_key

# The lowercase Latin letters a Finnish ending is made of (a–z, å, ä, ö, é, š, ž …).
_ENDING_LETTER = "[" + "".join(c for c in map(chr, range(0x250)) if c.isalpha() and c.islower())
_ENDING = _ENDING_LETTER + "]{0,4}"
_WORD_CHAR = re.compile(r"\w")
# A word shorter than this is too common to match alone or to take an ending ("Jo" + "ka").
_MIN_LETTERS = 3
# A name that forms again from a placeholder's edge needs another pass; a chain of them one
# more each ("Ab Ab Ab …" for a name "Ab ["): enough for any name a person would type.
_MAX_PASSES = 20


def names_in(clinic: DocClinic) -> list[str]:
    """Every name the clinic holds, longest first, each once, spaces tidied.

    Participants' names and organisations, idea authors and the original authors of imported
    ideas, the voters of person ballots, the facilitator and the note-taker; not the label of
    an external poll, nor a string without a letter or an emoji (see the module's docstring).
    """
    persons, organisations = _names(clinic)
    return sorted(dict.fromkeys([*persons, *organisations]), key=len, reverse=True)


def _small_groups(voting_round: DocRound, smallest: int) -> set[int | None]:
    """The groups of the round whose ballots must not show their group."""
    counts: dict[int | None, int] = {}
    for ballot in voting_round.ballots:
        people = ballot.respondents if ballot.respondents is not None else 1
        counts[ballot.group] = counts.get(ballot.group, 0) + people
    return groups_to_fold(counts, smallest)


def anonymize_clinic(
    clinic: DocClinic,
    *,
    placeholder: str = "[…]",
    more_persons: Iterable[str] = (),
    more_organisations: Iterable[str] = (),
    smallest_group: int = SMALLEST_GROUP,
) -> DocClinic:
    """The clinic without names and organisations: participants keep only their group.

    A ballot keeps its group only when the round has ``smallest_group`` ballots of that
    group or more (``tally.groups_to_fold``: no one's vote can be read from a small group).
    Voters become "1", "2", … in the order they voted; the activity log, whose sentences name
    people, is left out; so are file names an idea was imported from. A name written in a
    text becomes ``placeholder`` (see the module's docstring for how names are found).
    ``more_persons`` and ``more_organisations`` are names the clinic no longer holds (a deleted
    participant, an idea's author once the idea was deleted) that its texts may still name.
    """
    placeholder = " ".join(placeholder.split())
    if not placeholder:
        raise ValueError("the placeholder must not be empty")
    persons, organisations = _names(clinic)
    persons = _distinct_names([*persons, *_name_like(more_persons)])
    organisations = _distinct_names([*organisations, *_name_like(more_organisations)])
    scrub = _scrubber(persons, organisations, placeholder)

    def line(text: str) -> str:
        return _fit(scrub(text), _ONE_LINE_LIMIT)

    def prose(text: str) -> str:
        return _fit(scrub(text), _TEXT_LIMIT)

    group_names = _distinct([line(group.name) for group in clinic.groups])
    groups = [
        group.model_copy(update={"name": name})
        for group, name in zip(clinic.groups, group_names, strict=True)
    ]
    theme_names = _distinct([line(theme.name) for theme in clinic.themes])
    themes = [
        theme.model_copy(update={"name": name, "description": prose(theme.description)})
        for theme, name in zip(clinic.themes, theme_names, strict=True)
    ]
    participants = [
        person.model_copy(update={"name": str(index), "organisation": ""})
        for index, person in enumerate(clinic.participants, start=1)
    ]
    ideas = [
        idea.model_copy(
            update={
                "text": prose(idea.text),
                "author": "",
                "participant": None,
                "provenance": idea.provenance.model_copy(
                    update={"original_author": None, "file": None}
                ),
            }
        )
        for idea in clinic.ideas
    ]
    rounds = [
        voting_round.model_copy(
            update={
                "title": line(voting_round.title),
                "decision": None
                if voting_round.decision is None
                else voting_round.decision.model_copy(
                    update={"note": prose(voting_round.decision.note)}
                ),
                "ballots": [
                    ballot.model_copy(
                        update={
                            "voter": str(index),
                            "participant": None,
                            "group": None if ballot.group in folded else ballot.group,
                        }
                    )
                    for index, ballot in enumerate(voting_round.ballots, start=1)
                ],
            }
        )
        for voting_round in clinic.rounds
        for folded in [_small_groups(voting_round, smallest_group)]
    ]
    notes = [note.model_copy(update={"text": prose(note.text)}) for note in clinic.notes]
    return clinic.model_copy(
        update={
            "title": line(clinic.title),
            "goal": prose(clinic.goal),
            "facilitator": "",
            "note_taker": "",
            "groups": groups,
            "participants": participants,
            "themes": themes,
            "ideas": ideas,
            "rounds": rounds,
            "notes": notes,
            "activity": [],
        }
    )


def _names(clinic: DocClinic) -> tuple[list[str], list[str]]:
    """The clinic's persons' names and its organisations, each once, in the order found."""
    persons = [person.name for person in clinic.participants]
    persons += [idea.author for idea in clinic.ideas]
    persons += [idea.provenance.original_author or "" for idea in clinic.ideas]
    persons += [
        ballot.voter
        for voting_round in clinic.rounds
        if voting_round.method is not VotingMethod.AGGREGATE
        for ballot in voting_round.ballots
        if ballot.respondents is None
    ]
    persons += [clinic.facilitator, clinic.note_taker]
    organisations = [person.organisation for person in clinic.participants]
    return _name_like(persons), _name_like(organisations)


def _distinct_names(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _name_like(texts: Iterable[str]) -> list[str]:
    spaced = dict.fromkeys(" ".join(text.split()) for text in texts)
    return [text for text in spaced if any(_is_name_character(c) for c in text)]


def _is_name_character(character: str) -> bool:
    category = unicodedata.category(character)
    return category.startswith("L") or category == "So"


def _scrubber(
    persons: list[str], organisations: list[str], placeholder: str
) -> Callable[[str], str]:
    """A function that replaces every name in a text with ``placeholder``."""
    forms = [_phrase(form) for name in organisations for form in _with_bare(name)]
    for name in persons:
        for form in _with_bare(name):
            words = form.split()
            if len(words) == 1:
                forms.append(_capitalised(form))
                continue
            forms.append(_phrase(form))
            forms += [_capitalised(word) for word in _own_words(words, form)]
    if not forms:
        return lambda text: text
    pattern = re.compile(_alternatives(forms))
    in_placeholder = re.compile(re.escape(placeholder))

    def scrub(text: str) -> str:
        for _ in range(_MAX_PASSES):
            scrubbed = _replace_names(text, pattern, in_placeholder, placeholder)
            if scrubbed == text:
                break
            text = scrubbed
        return text

    return scrub


def _alternatives(forms: list[_Form]) -> str:
    """One regex for all the forms, longest first among those that begin alike.

    Python's regex tries the branches of an alternation one by one and takes the first that
    matches: longest first makes "Maija Virtanen" one placeholder. Branches grouped by their
    first letter behind a look-ahead keep a clinic of hundreds of names fast (a flat
    alternation of 1,600 branches took half a minute over 3,000 ideas).
    """
    groups: dict[str, dict[str, _Form]] = {}
    for form in forms:
        lower = form.text[0].lower()
        groups.setdefault(lower if len(lower) == 1 else form.text[0], {})[form.regex] = form
    at_word_start: list[str] = []
    anywhere: list[str] = []
    for group in groups.values():
        members = sorted(group.values(), key=lambda form: -len(form.text))
        heads = "".join(sorted({re.escape(c) for form in members for c in form.heads}))
        alternation = "|".join(form.regex for form in members)
        branch = f"(?=(?i:[{heads}]))(?:{alternation})"
        (at_word_start if _WORD_CHAR.match(members[0].text[0]) else anywhere).append(branch)
    # A name that begins with a letter begins a word: one test skips the inside of words.
    if at_word_start:
        anywhere.insert(0, r"(?<!\w)(?:" + "|".join(at_word_start) + ")")
    return "|".join(anywhere)


def _replace_names(
    text: str, names: re.Pattern[str], placeholders: re.Pattern[str], placeholder: str
) -> str:
    """One pass over the text: each name outside a placeholder replaced with one."""
    kept = [match.span() for match in placeholders.finditer(text)]

    def replace(match: re.Match[str]) -> str:
        start, end = match.span()
        inside = any(a <= start and end <= b for a, b in kept)
        return match.group() if inside else placeholder

    return names.sub(replace, text)


class _Form(NamedTuple):
    """How one name, or one word of a name, is looked for."""

    text: str
    regex: str
    heads: str  # the characters a match can begin with (in any case)


def _phrase(name: str) -> _Form:
    """The name as a whole phrase in any case, any whitespace between its words."""
    body = "(?i:" + r"\s+".join(map(re.escape, name.split())) + ")"
    return _Form(name, _whole(name, body), name[0])


def _capitalised(word: str) -> _Form:
    """The word with a capital first letter, the rest in any case."""
    first, rest = word[0], word[1:]
    capitals = {c for c in (first.upper(), first.title()) if len(c) == 1}
    if not first.islower() or not capitals:
        capitals.add(first)
    head = "[" + "".join(map(re.escape, sorted(capitals))) + "]"
    body = head + (f"(?i:{re.escape(rest)})" if rest else "")
    return _Form(word, _whole(word, body), "".join(capitals))


def _whole(text: str, body: str) -> str:
    """``body``, the regex for ``text``, ending a word, with a Finnish ending if it takes one
    (``_alternatives`` sees that a match begins a word)."""
    takes_ending = text[-1].isalpha() and _letters(text.split()[-1]) >= _MIN_LETTERS
    ending = _ENDING if takes_ending else ""
    end = r"(?!\w)" if _WORD_CHAR.match(text[-1]) else ""
    return f"(?:{body}{ending}{end})"


def _own_words(words: list[str], name: str) -> Iterator[str]:
    """The words of a person's name that match on their own: not short ones, not particles."""
    has_capitals = any(c.isupper() for c in name)
    for word in words:
        word = _strip_punctuation(word)
        if _letters(word) < _MIN_LETTERS or (word[0].islower() and has_capitals):
            continue
        yield word


def _with_bare(name: str) -> list[str]:
    """The name as typed and without the punctuation around it ("Pekka." and "Pekka")."""
    bare = " ".join(_strip_punctuation(name).split())
    return [name, bare] if bare and bare != name else [name]


def _strip_punctuation(word: str) -> str:
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start]).startswith("P"):
        start += 1
    while end > start and unicodedata.category(word[end - 1]).startswith("P"):
        end -= 1
    return word[start:end]


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _fit(text: str, limit: int) -> str:
    """The text within the document's ``limit``, should placeholders have made it longer:
    cut after its last whole word that fits, and "…" added."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if not (text[limit - 1].isspace() or head[-1].isspace()):
        words = head.rsplit(maxsplit=1)
        head = words[0] if len(words) > 1 else head
    return head.rstrip() + "…"


def _distinct(names: list[str]) -> list[str]:
    """The names, a later one that became the same as an earlier one numbered "(2)", "(3)" …

    A summary where two themes are both "[…]" could not tell which won, and a document
    with two groups or themes of one name cannot be imported again.
    """
    taken: set[str] = set()
    distinct: list[str] = []
    for name in names:
        candidate, number = name, 1
        while name_key(candidate) in taken:
            number += 1
            suffix = f" ({number})"
            candidate = _fit(name, _ONE_LINE_LIMIT - len(suffix)) + suffix
        taken.add(name_key(candidate))
        distinct.append(candidate)
    return distinct
