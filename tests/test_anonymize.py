"""The anonymised variant: no person's name or organisation anywhere, free text included."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from klinikka.db import open_database
from klinikka.document import FORMAT_VERSION, DocClinic, Document
from klinikka.exports.anonymize import anonymize_clinic, names_in
from klinikka.exports.json_export import render_json
from klinikka.importers.klinikka_json import parse_document
from klinikka.models import NoteKind
from klinikka.services import clinics, ideas, notes, participants, themes, voting
from klinikka.services.transfer import export_document, import_document

PLACEHOLDER = "[nimi poistettu]"


def named_clinic(engine: Engine) -> DocClinic:
    """A clinic whose people and organisations are written into its texts too."""
    clinic = clinics.create_clinic(
        engine,
        "Maijan klinikka",
        goal="Mukana Anna Korhonen ja Kelan väki.\nSari Salo fasilitoi.",
        facilitator="Sari Salo",
        note_taker="Kirsi Lehto",
        language="fi",
    )
    group = participants.add_group(engine, clinic.id, "Kelan asiakkaat")
    participants.add_participant(
        engine, clinic.id, "Maija Virtanen", organisation="Kela", group_id=group.id
    )
    participants.add_participant(engine, clinic.id, "Anna Korhonen", organisation="Järjestö ry")
    participants.add_participant(engine, clinic.id, "A. (Tiimi) [x]", organisation="Oy Äxä Ab")
    participants.add_participant(engine, clinic.id, "Pekka 🦊 Ojala", organisation="-")
    named = themes.create_theme(
        engine, clinic.id, "Maija Virtanen", "Järjestö ry:n ja Kelan yhteinen"
    )
    visits = themes.create_theme(
        engine,
        clinic.id,
        "Kotikäynnit",
        "Kysely: anna palautetta Annankadun toimipisteessä.",
    )
    ideas.capture_idea(engine, clinic.id, "Maija Virtanen ehdotti kotikäyntejä", theme_id=visits.id)
    ideas.capture_idea(engine, clinic.id, "Kysyttiin A. (Tiimi) [x]:ltä", author="Juha Mäki")
    ideas.capture_idea(engine, clinic.id, "MAIJA   virtanen\nja Annalle kiitos", author="Ville")
    ideas.capture_idea(engine, clinic.id, "Pekka 🦊 Ojalan malli, Oy Äxä Ab:n tuki")
    ideas.capture_idea(engine, clinic.id, "Usko ehdotti: usko ja toivo - ei muuta", author="Usko")
    ideas.capture_idea(engine, clinic.id, "Eetu kysyi lisää", author="Eetu.")
    notes.add_note(engine, clinic.id, NoteKind.DECISION, "Sovittiin Villen ja Kirsin kanssa")
    notes.add_note(engine, clinic.id, NoteKind.NOTE, "Teams-kyselyn tulos: tasapeli")
    vote = voting.create_round(engine, clinic.id, "single", title="Annan kierros")
    voting.open_round(engine, vote.id)
    voting.cast_ballot(engine, vote.id, "Kalle", [visits.id])
    voting.cast_ballot(engine, vote.id, "Maija Virtanen", [named.id])
    voting.close_round(engine, vote.id)
    poll = voting.create_round(engine, clinic.id, "aggregate", title="Teams")
    voting.open_round(engine, poll.id)
    voting.enter_counts(engine, poll.id, {named.id: 5, visits.id: 5}, source="Teams", respondents=9)
    voting.enter_counts(engine, poll.id, {named.id: 1, visits.id: 1}, source="Zoom")
    voting.close_round(engine, poll.id)
    voting.record_decision(engine, poll.id, visits.id, "Kallen ja Juha Mäen ehdotus")
    return export_document(engine, [clinic.id]).clinics[0]


@pytest.fixture
def original(engine: Engine) -> DocClinic:
    return named_clinic(engine)


@pytest.fixture
def anonymised(original: DocClinic) -> DocClinic:
    return anonymize_clinic(original, placeholder=PLACEHOLDER)


def test_names_in_lists_every_person_and_organisation_once(original: DocClinic) -> None:
    assert set(names_in(original)) == {
        "Maija Virtanen",
        "Anna Korhonen",
        "A. (Tiimi) [x]",
        "Pekka 🦊 Ojala",
        "Juha Mäki",
        "Ville",
        "Usko",
        "Eetu.",
        "Kalle",
        "Sari Salo",
        "Kirsi Lehto",
        "Kela",
        "Järjestö ry",
        "Oy Äxä Ab",
    }
    found = names_in(original)
    assert len(found) == len(set(found))
    assert [len(name) for name in found] == sorted((len(name) for name in found), reverse=True)


def test_no_name_is_left_anywhere(original: DocClinic, anonymised: DocClinic) -> None:
    dump = anonymised.model_dump_json()
    for name in names_in(original):
        if " " in name:
            assert name.casefold() not in dump.casefold(), name
        else:  # one word is a name only capitalised: "usko" (faith) is not Usko
            assert name not in dump, name
    for word in ("Maija", "Virtanen", "Tiimi", "Ojala", "Kirsi", "Korho", "Eetu"):
        assert word.casefold() not in dump.casefold(), word


def test_names_in_texts_become_the_placeholder(anonymised: DocClinic) -> None:
    p = PLACEHOLDER
    assert anonymised.title == f"{p} klinikka"
    assert anonymised.goal == f"Mukana {p} ja {p} väki.\n{p} fasilitoi."
    assert [idea.text for idea in anonymised.ideas] == [
        f"{p} ehdotti kotikäyntejä",
        f"Kysyttiin {p}:ltä",
        f"{p}\nja {p} kiitos",
        f"{p} malli, {p}:n tuki",
        f"{p} ehdotti: usko ja toivo - ei muuta",
        f"{p} kysyi lisää",
    ]
    assert [theme.name for theme in anonymised.themes] == [p, "Kotikäynnit"]
    assert anonymised.themes[0].description == f"{p}:n ja {p} yhteinen"
    assert f"{p} asiakkaat" in [group.name for group in anonymised.groups]
    assert anonymised.notes[0].text == f"Sovittiin {p} ja {p} kanssa"
    assert [r.title for r in anonymised.rounds] == [f"{p} kierros", "Teams"]
    decision = anonymised.rounds[1].decision
    assert decision is not None
    # "Mäen" changes the stem of "Mäki": the documented limit of the ending rule.
    assert decision.note == f"{p} ja {p} Mäen ehdotus"


def test_ordinary_words_stay(anonymised: DocClinic) -> None:
    # "anna" (give) is not Anna, "Annankadun" is longer than Anna and four letters.
    assert anonymised.themes[1].description == (
        "Kysely: anna palautetta Annankadun toimipisteessä."
    )
    # "usko" (faith) is not the voter Usko; an organisation typed as "-" is no name.
    assert anonymised.ideas[4].text.endswith(": usko ja toivo - ei muuta")
    assert anonymised.notes[1].text == "Teams-kyselyn tulos: tasapeli"


def test_a_name_inside_a_longer_word_stays(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Kattojärjestö ry:n ja Järjestö ry:n", language="fi")
    participants.add_participant(engine, clinic.id, "Sari Salo", organisation="Järjestö ry")
    original = export_document(engine, [clinic.id]).clinics[0]
    assert anonymize_clinic(original).title == "Kattojärjestö ry:n ja […]:n"


def test_a_poll_label_is_not_a_name(original: DocClinic, anonymised: DocClinic) -> None:
    assert not {"Teams", "Zoom"} & set(names_in(original))
    assert anonymised.rounds[1].title == "Teams"
    # A ballot with a number of respondents is a poll's, whatever its round says.
    poll = original.rounds[1]
    assert poll.ballots[0].respondents == 9
    relabelled = original.model_copy(
        update={
            "rounds": [poll.model_copy(update={"method": "single", "ballots": poll.ballots[:1]})]
        }
    )
    assert "Teams" not in names_in(relabelled)


def test_a_name_that_is_a_word_of_the_placeholder_does_not_nest(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Poistettu ja Pekka", language="fi")
    participants.add_participant(engine, clinic.id, "Pekka Ojala", organisation="Poistettu")
    original = export_document(engine, [clinic.id]).clinics[0]
    anonymised = anonymize_clinic(original, placeholder=PLACEHOLDER)
    assert anonymised.title == f"{PLACEHOLDER} ja {PLACEHOLDER}"


def test_a_name_that_forms_again_beside_a_placeholder_is_replaced_too(engine: Engine) -> None:
    # "Ab [nimi" is found only once "Maija" has become "[nimi poistettu]" beside it.
    clinic = clinics.create_clinic(engine, "Ab Ab Ab Maija", language="fi")
    participants.add_participant(engine, clinic.id, "Ab [nimi")
    participants.add_participant(engine, clinic.id, "Maija Virtanen")
    original = export_document(engine, [clinic.id]).clinics[0]
    title = anonymize_clinic(original, placeholder=PLACEHOLDER).title
    assert "Ab" not in title
    assert title.startswith(PLACEHOLDER)


def test_a_name_is_found_however_it_was_typed(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", language="fi")
    participants.add_participant(engine, clinic.id, "ville virta")
    participants.add_participant(engine, clinic.id, "Eva van Dijk")
    ideas.capture_idea(engine, clinic.id, "Ville kertoi, virta vie")
    ideas.capture_idea(engine, clinic.id, "Vanhat palvelut ja Dijkin malli")
    ideas.capture_idea(engine, clinic.id, "Jo kysyi. Joka päivä", author="Jo")
    original = export_document(engine, [clinic.id]).clinics[0]
    anonymised = anonymize_clinic(original)
    # A name typed in lower case is still written capitalised in a sentence; "van" is a
    # particle, not a name of its own, so "Vanhat" (old) stays; a name of two letters takes
    # no ending, so "Joka" (every) is not "Jo".
    assert [idea.text for idea in anonymised.ideas] == [
        "[…] kertoi, virta vie",
        "Vanhat palvelut ja […] malli",
        "[…] kysyi. Joka päivä",
    ]


def test_the_rest_is_blanked_and_still_linked(original: DocClinic, anonymised: DocClinic) -> None:
    assert [p.name for p in anonymised.participants] == ["1", "2", "3", "4", "5"]
    assert {p.organisation for p in anonymised.participants} == {""}
    assert {idea.author for idea in anonymised.ideas} == {""}
    assert [b.voter for b in anonymised.rounds[0].ballots] == ["1", "2"]
    assert (anonymised.facilitator, anonymised.note_taker, anonymised.activity) == ("", "", [])
    assert [i.theme for i in anonymised.ideas] == [i.theme for i in original.ideas]
    assert [[e.theme for b in r.ballots for e in b.entries] for r in anonymised.rounds] == [
        [e.theme for b in r.ballots for e in b.entries] for r in original.rounds
    ]
    assert [g.id for g in anonymised.groups] == [g.id for g in original.groups]


def test_the_default_placeholder_keeps_existing_callers_working(original: DocClinic) -> None:
    assert anonymize_clinic(original).ideas[0].text == "[…] ehdotti kotikäyntejä"
    with pytest.raises(ValueError, match="placeholder"):
        anonymize_clinic(original, placeholder="  ")


def test_the_anonymised_document_imports_again(tmp_path: Path, engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Maija ja Pekka", language="fi")
    participants.add_participant(engine, clinic.id, "Maija Virtanen")
    participants.add_participant(engine, clinic.id, "Pekka Ojala")
    participants.add_group(engine, clinic.id, "Maijan ryhmä")
    participants.add_group(engine, clinic.id, "Ojalan ryhmä")
    for name in ("Maija", "Pekka", "Ojala"):
        themes.create_theme(engine, clinic.id, name)
    long_title = "Virtanen " * 22
    voting.create_round(engine, clinic.id, "single", title=long_title.strip())
    document = export_document(engine, [clinic.id])
    anonymised = anonymize_clinic(document.clinics[0], placeholder=PLACEHOLDER)

    # Three themes named after people stay three themes a reader can tell apart.
    assert [t.name for t in anonymised.themes] == [
        PLACEHOLDER,
        f"{PLACEHOLDER} (2)",
        f"{PLACEHOLDER} (3)",
    ]
    groups = [g.name for g in anonymised.groups]
    assert f"{PLACEHOLDER} ryhmä" in groups and f"{PLACEHOLDER} ryhmä (2)" in groups
    assert len(anonymised.rounds[0].title) <= 200
    again = Document(version=FORMAT_VERSION, exported_at=document.exported_at, clinics=[anonymised])
    other = open_database(tmp_path / "other.db")
    report = import_document(
        other, parse_document(render_json(again).encode()), file_name="anon.json"
    )
    other.dispose()
    assert len(report.clinics_added) == 1


# For the property: words of letters, digits, punctuation and symbols (emoji), no spaces.
_capital = st.characters(categories=["Lu"])
_rest = st.text(st.characters(categories=["L", "N", "P", "S"]), max_size=8)
_word = st.builds(lambda first, rest: first + rest, _capital, _rest)
# A name's first word begins with a capital; the words after it may be anything ("[x]").
_name = st.builds(
    lambda first, more: " ".join([first, *more]),
    _word,
    st.lists(_rest.filter(bool), max_size=2),
)
_prose = st.text(st.characters(categories=["L", "N", "P", "Zs"]), max_size=30)
_NOW = datetime(2026, 11, 3, 9, 0)


def _whole_occurrences(name: str, text: str, *, any_case: bool) -> list[int]:
    """Where ``name`` stands in ``text`` as a whole: not continuing into a letter or digit."""
    flags = re.IGNORECASE if any_case else 0
    starts = [m.start() for m in re.finditer(f"(?=({re.escape(name)}))", text, flags)]

    def word_char(c: str) -> bool:
        return c.isalnum() or c == "_"

    found = []
    for start in starts:
        end = start + len(name)
        before = start > 0 and word_char(text[start - 1]) and word_char(name[0])
        after = end < len(text) and word_char(text[end]) and word_char(name[-1])
        if not (before or after):
            found.append(start)
    return found


@settings(max_examples=300, deadline=None)
@example(
    name="A. (Tiimi) [x] 🦊",
    organisation="(Kela)",
    author="Ülle",
    pieces=[("Ülle:", "ja (kela)"), ("", "")],
    placeholder="[…]",
)
@given(
    name=_name,
    organisation=_name | st.text(max_size=12),
    author=_word,
    pieces=st.lists(st.tuples(_prose, _prose), min_size=1, max_size=4),
    placeholder=st.sampled_from(["[…]", "***", "—"]),
)
def test_no_embedded_name_survives(
    name: str,
    organisation: str,
    author: str,
    pieces: list[tuple[str, str]],
    placeholder: str,
) -> None:
    texts = [
        f"{before} {who} {after}"
        for (before, after), who in zip(pieces, [name, organisation, author, name], strict=False)
    ]
    clinic = DocClinic.model_validate(
        {
            "id": 1,
            "uid": "clinic",
            "title": f"{name} ja {author}",
            "goal": "\n".join(texts),
            "created_at": _NOW,
            "updated_at": _NOW,
            "groups": [{"id": 1, "name": f"Ryhmä {organisation}"}],
            "participants": [{"id": 1, "name": name, "organisation": organisation}],
            "themes": [{"id": 1, "name": name, "description": texts[0]}],
            "ideas": [
                {
                    "id": index,
                    "uid": f"idea-{index}",
                    "text": text,
                    "author": author,
                    "created_at": _NOW,
                    "updated_at": _NOW,
                }
                for index, text in enumerate(texts, start=1)
            ],
            "notes": [{"kind": "note", "text": text, "created_at": _NOW} for text in texts],
        }
    )
    anonymised = anonymize_clinic(clinic, placeholder=placeholder)
    DocClinic.model_validate(anonymised.model_dump())  # still a valid clinic
    outputs = [
        anonymised.title,
        anonymised.goal,
        anonymised.groups[0].name,
        anonymised.themes[0].name,
        anonymised.themes[0].description,
        *(idea.text for idea in anonymised.ideas),
        *(note.text for note in anonymised.notes),
    ]
    persons = [clinic.participants[0].name, clinic.ideas[0].author]
    organisations = [o for o in [clinic.participants[0].organisation] if o in names_in(clinic)]
    for text in outputs:
        for person in persons:
            # A person's name of one word is found capitalised only, as typed here.
            any_case = len(person.split()) > 1
            assert not _whole_occurrences(person, text, any_case=any_case), (person, text)
        for organisation_name in organisations:
            assert not _whole_occurrences(organisation_name, text, any_case=True)
