"""The catalogs speak the glossary (docs/glossary.md): no forbidden variant of a term in any
translation, and every count through plural forms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "klinikka" / "locale"
GLOSSARY = ROOT / "docs" / "glossary.md"


def forbidden() -> dict[str, list[str]]:
    """language -> the glossary's Never entries ("fi: kooste*; sv: titel, titeln")."""
    found: dict[str, list[str]] = {"fi": [], "sv": []}
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not re.match(r"(fi|sv):", cells[4]):
            continue
        for part in cells[4].split(";"):
            language, _, words = part.partition(":")
            found[language.strip()] += [word.strip() for word in words.split(",") if word.strip()]
    return found


def pattern(entry: str) -> re.Pattern[str]:
    stem, star = (entry[:-1], True) if entry.endswith("*") else (entry, False)
    return re.compile(r"(?<!\w)" + re.escape(stem) + (r"\w*" if star else r"(?!\w)"), re.I)


def translations(language: str) -> list[tuple[str, str]]:
    """(msgid, each translated form) of the language's catalog."""
    with (LOCALE / language / "LC_MESSAGES" / "klinikka.po").open("rb") as file:
        catalog = read_po(file)
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        pairs += [(msgid, form) for form in forms]
    return pairs


def test_the_glossary_lists_the_variants_the_issue_named() -> None:
    listed = forbidden()
    assert {"kooste*", "tasapel*", "peruu"} <= set(listed["fi"])
    assert {"väljar*", "oavgjor*", "upphovsperson*", "ett val"} <= set(listed["sv"])


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_no_translation_uses_a_forbidden_variant(language: str) -> None:
    wrong = [
        (entry, msgid, text)
        for entry in forbidden()[language]
        for msgid, text in translations(language)
        if pattern(entry).search(text)
    ]
    assert wrong == []


def test_a_forbidden_variant_is_caught_inflected_and_not_inside_other_words() -> None:
    assert pattern("tasapel*").search("Tällä kierroksella ei ole ratkaistavaa tasapeliä.")
    assert pattern("peruu").search("(ctrl+z peruu)")
    assert not pattern("peruu").search("Peruuta")
    assert not pattern("titel").search("Omgångens rubrik")


# A number before a noun that changes with it: "{n} dots", "{cap} tarraa".
COUNTED = re.compile(
    r"\{\w+\} (dots|points|ideas|minutes|characters|themes|rounds|voters|ballots|participants)\b"
)


def test_every_count_goes_through_plural_forms() -> None:
    with (LOCALE / "klinikka.pot").open("rb") as file:
        template = read_po(file)
    singular_only = [
        message.id
        for message in template
        if isinstance(message.id, str) and COUNTED.search(message.id)
    ]
    assert singular_only == []
