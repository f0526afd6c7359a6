"""Capturing and handling ideas, as the note-taker does during a clinic."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from klinikka.errors import NotFoundError, ValidationError
from klinikka.models import ClinicSummary, IdeaSource
from klinikka.services import clinics, history, ideas, participants, themes
from klinikka.services._base import MAX_TEXT
from klinikka.services.ideas import Attribution, parse_attribution
from klinikka.text import strip_controls


def group_ids(engine: Engine, clinic_id: int) -> dict[str | None, int]:
    return {group.code: group.id for group in participants.list_groups(engine, clinic_id)}


def group_names(engine: Engine, clinic_id: int) -> dict[str | None, str]:
    return {group.code: group.name for group in participants.list_groups(engine, clinic_id)}


def texts(views: list) -> list[str]:  # type: ignore[type-arg]
    return [view.text for view in views]


def table_count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


# ---------------------------------------------------------------- the attribution syntax


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Anna Aaltonen / järjestö: Lisää vertaistukea",
            Attribution("Lisää vertaistukea", "Anna Aaltonen", "järjestö"),
        ),
        ("Anna:  Lisää vertaistukea ", Attribution("Lisää vertaistukea", "Anna")),
        ("/ ngo: Lisää vertaistukea", Attribution("Lisää vertaistukea", "", "ngo")),
        ("  Anna  /  ngo  :  x", Attribution("x", "Anna", "ngo")),
        ("Anna / ngo: Ajatus:\nkaksi riviä", Attribution("Ajatus:\nkaksi riviä", "Anna", "ngo")),
        (": Anna: tämä on koko idea", Attribution("Anna: tämä on koko idea")),
        (":Huom: koko rivi", Attribution("Huom: koko rivi")),
        # No space after the colon: a time or an address, not an attribution.
        ("Klo 14:30 alkaa ryhmätyö", Attribution("Klo 14:30 alkaa ryhmätyö")),
        ("Lisätietoa https://example.fi/sote", Attribution("Lisätietoa https://example.fi/sote")),
        # A sentence before the colon is not a name.
        (
            "Meidän pitäisi muistaa aina yksi tärkeä asia: kuunnella asukkaita",
            Attribution("Meidän pitäisi muistaa aina yksi tärkeä asia: kuunnella asukkaita"),
        ),
        ("Mitä jos? Kokeillaan: ensi viikolla", Attribution("Mitä jos? Kokeillaan: ensi viikolla")),
        ("Pelkkä idea ilman nimeä", Attribution("Pelkkä idea ilman nimeä")),
        (
            "Maija Liisa Virtanen-Koski / Tutkimus ja koulutus: x",
            Attribution("x", "Maija Liisa Virtanen-Koski", "Tutkimus ja koulutus"),
        ),
        # A short sentence is not a name either.
        ("Miksi ei: kysytään asukkailta", Attribution("Miksi ei: kysytään asukkailta")),
        (
            "Ennaltaehkäisyyn tarvitaan rahoitusmalli: pysyvä",
            Attribution("Ennaltaehkäisyyn tarvitaan rahoitusmalli: pysyvä"),
        ),
        ("/: ei ryhmää", Attribution("/: ei ryhmää")),
    ],
)
def test_parse_attribution(line: str, expected: Attribution) -> None:
    assert parse_attribution(line) == expected


# ---------------------------------------------------------------- capture


def test_capture_with_name_and_group_adds_the_participant_to_that_group(
    engine: Engine, clinic: ClinicSummary
) -> None:
    groups = group_ids(engine, clinic.id)

    idea = ideas.capture_line(engine, clinic.id, "Anna Aaltonen / ngo: Lisää vertaistukea")

    assert idea.text == "Lisää vertaistukea"
    assert idea.author == "Anna Aaltonen"
    assert idea.group_id == groups["ngo"]
    assert idea.group_name == group_names(engine, clinic.id)["ngo"]
    assert idea.source is IdeaSource.LIVE
    assert idea.theme_id is None and not idea.starred
    [anna] = participants.list_participants(engine, clinic.id)
    assert (anna.id, anna.name, anna.group_id) == (
        idea.participant_id,
        "Anna Aaltonen",
        groups["ngo"],
    )
    assert ideas.get_idea(engine, idea.id) == idea


def test_a_known_name_gets_the_participants_group(engine: Engine, clinic: ClinicSummary) -> None:
    groups = group_ids(engine, clinic.id)
    anna = participants.add_participant(
        engine, clinic.id, "Anna Aaltonen", group_id=groups["research"]
    )

    idea = ideas.capture_line(engine, clinic.id, "Anna  AALTONEN: Tutkimusyhteistyötä")

    assert (idea.author, idea.participant_id, idea.group_id) == (
        "Anna Aaltonen",
        anna.id,
        groups["research"],
    )
    assert len(participants.list_participants(engine, clinic.id)) == 1


def test_a_known_name_without_a_group_gets_the_one_typed(
    engine: Engine, clinic: ClinicSummary
) -> None:
    groups = group_ids(engine, clinic.id)
    pekka = participants.add_participant(engine, clinic.id, "Pekka")

    first = ideas.capture_line(engine, clinic.id, "Pekka / company: Palveluseteli")
    second = ideas.capture_line(engine, clinic.id, "Pekka: Kumppanuudet")

    assert first.participant_id == pekka.id and first.group_id == groups["company"]
    assert second.group_id == groups["company"]
    assert participants.list_participants(engine, clinic.id)[0].group_id == groups["company"]


def test_a_group_typed_for_a_known_name_applies_to_that_idea(
    engine: Engine, clinic: ClinicSummary
) -> None:
    groups = group_ids(engine, clinic.id)
    participants.add_participant(engine, clinic.id, "Anna", group_id=groups["ngo"])

    idea = ideas.capture_line(engine, clinic.id, "Anna / resident: Omaishoitajille tukea")

    assert idea.group_id == groups["resident"]
    assert participants.list_participants(engine, clinic.id)[0].group_id == groups["ngo"]


def test_group_only_attribution(engine: Engine, clinic: ClinicSummary) -> None:
    groups = group_ids(engine, clinic.id)

    by_code = ideas.capture_line(engine, clinic.id, "/ resident: Kotikäynnit")
    by_name = ideas.capture_line(
        engine, clinic.id, f"/ {group_names(engine, clinic.id)['company'].upper()}: Kilpailutus"
    )
    by_start = ideas.capture_line(engine, clinic.id, "/ publ: Lainsäädäntö")

    assert (by_code.author, by_code.participant_id, by_code.group_id) == (
        "",
        None,
        groups["resident"],
    )
    assert by_name.group_id == groups["company"]
    assert by_start.group_id == groups["public_admin"]
    assert participants.list_participants(engine, clinic.id) == []


def test_a_full_name_only_attribution_makes_an_ungrouped_participant(
    engine: Engine, clinic: ClinicSummary
) -> None:
    idea = ideas.capture_line(engine, clinic.id, "Liisa Laine: Nuorten mielenterveys")

    assert (idea.author, idea.group_id) == ("Liisa Laine", None)
    assert [(p.name, p.group_id) for p in participants.list_participants(engine, clinic.id)] == [
        ("Liisa Laine", None)
    ]


def test_a_lone_word_before_a_colon_is_no_new_participant(
    engine: Engine, clinic: ClinicSummary
) -> None:
    idea = ideas.capture_line(engine, clinic.id, "Huom: rahoitus puuttuu")

    assert (idea.author, idea.participant_id, idea.text) == ("Huom", None, "rahoitus puuttuu")
    assert participants.list_participants(engine, clinic.id) == []


def test_a_line_starting_with_a_colon_is_taken_literally(
    engine: Engine, clinic: ClinicSummary
) -> None:
    idea = ideas.capture_line(engine, clinic.id, ": Anna / ngo: tämä on yksi idea")

    assert (idea.text, idea.author, idea.group_id) == ("Anna / ngo: tämä on yksi idea", "", None)
    assert participants.list_participants(engine, clinic.id) == []


def test_a_long_sentence_with_a_colon_is_not_an_attribution(
    engine: Engine, clinic: ClinicSummary
) -> None:
    line = "Kaikkein tärkeintä tulevissa klinikoissa on yksi asia: asukkaiden kuuleminen"

    idea = ideas.capture_line(engine, clinic.id, line)

    assert (idea.text, idea.author) == (line, "")
    assert participants.list_participants(engine, clinic.id) == []


@pytest.mark.parametrize("line", ["Bea / kirkko: Diakoniatyö", "Bea / p: Diakoniatyö"])
def test_an_unknown_group_is_refused_and_nothing_is_saved(
    engine: Engine, clinic: ClinicSummary, line: str
) -> None:
    typed = line.split("/")[1].split(":")[0].strip()
    log_before = table_count(engine, "activity")

    with pytest.raises(ValidationError) as error:
        ideas.capture_line(engine, clinic.id, line)

    assert str(error.value).startswith(f"There is no stakeholder group called “{typed}”.")
    assert "Asukas tai asiakas" in str(error.value)  # and the groups there are
    assert ideas.search_ideas(engine, clinic.id) == []
    assert participants.list_participants(engine, clinic.id) == []
    assert table_count(engine, "activity") == log_before


@pytest.mark.parametrize("line", ["", "   ", "Anna / ngo:", "Anna:   ", ":", "\x1b[2J", "\u202e"])
def test_an_empty_idea_is_refused(engine: Engine, clinic: ClinicSummary, line: str) -> None:
    with pytest.raises(ValidationError, match="Idea cannot be empty"):
        ideas.capture_line(engine, clinic.id, line)

    assert ideas.search_ideas(engine, clinic.id) == []
    assert participants.list_participants(engine, clinic.id) == []


def test_a_very_long_idea_is_kept_whole(engine: Engine, clinic: ClinicSummary) -> None:
    long_text = ("Sote-palveluiden yhteensovittaminen " * 300)[:9999] + "!"
    assert len(long_text) == 10_000

    idea = ideas.capture_line(engine, clinic.id, long_text)

    assert ideas.get_idea(engine, idea.id).text == long_text
    with pytest.raises(ValidationError, match=f"at most {MAX_TEXT}"):
        ideas.capture_line(engine, clinic.id, "x" * (MAX_TEXT + 1))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("[/]", "[/]"),
        ("[bold]x", "[bold]x"),
        ("[link=https://evil.example]klikkaa[/link]", "[link=https://evil.example]klikkaa[/link]"),
        ("\x1b[31mpunainen\x1b[0m teksti", "punainen teksti"),
        ("leikepöytä\x1b]52;c;ZWNobyBoYWNrZWQ=\x07 ehjä", "leikepöytä ehjä"),
        ("leikepöytä\x1b]52;c;ZWNobyBoYWNrZWQ=\x1b\\ ehjä", "leikepöytä ehjä"),
        ("\x9b31mkahdeksanbittinen", "kahdeksanbittinen"),
        ("nolla\x00tavu\x07kello\x7fdel\x85nel", "nollatavukellodelnel"),
        ("rivin\r\nvaihto ja\tsarkain", "rivin\nvaihto ja sarkain"),
        ("Hyvä idea 👍🏽 👩‍⚕️ 🇫🇮", "Hyvä idea 👍🏽 👩‍⚕️ 🇫🇮"),
        ("a\u0332b\u0332 Z\u0324\u0351", "a\u0332b\u0332 Z\u0324\u0351"),
        ("e\u0301 ja a\u0308iti", "é ja äiti"),
        ("שלום עולם ومرحبا", "שלום עולם ومرحبا"),
        ("käänteinen \u202eolleh\u202c teksti", "käänteinen olleh teksti"),
    ],
)
def test_hostile_text_is_stored_without_controls_and_with_every_visible_character(
    engine: Engine, clinic: ClinicSummary, typed: str, stored: str
) -> None:
    idea = ideas.capture_line(engine, clinic.id, typed)

    saved = ideas.get_idea(engine, idea.id).text
    assert saved == stored
    assert not [c for c in saved if unicodedata.category(c) == "Cc" and c != "\n"]


def test_hostile_text_in_the_attribution_is_cleaned_too(
    engine: Engine, clinic: ClinicSummary
) -> None:
    idea = ideas.capture_line(engine, clinic.id, "Anna\x1b]52;c;aGk=\x07 Aalto / ngo: [/]idea")

    assert (idea.author, idea.text) == ("Anna Aalto", "[/]idea")
    assert participants.list_participants(engine, clinic.id)[0].name == "Anna Aalto"


def test_capture_into_a_theme(engine: Engine, clinic: ClinicSummary) -> None:
    theme = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    other = clinics.create_clinic(engine, "Toinen")
    foreign = themes.create_theme(engine, other.id, "Vieras")

    idea = ideas.capture_line(engine, clinic.id, "Neuvolat", theme_id=theme.id)

    assert (idea.theme_id, idea.theme_name) == (theme.id, "Ennaltaehkäisy")
    with pytest.raises(NotFoundError):
        ideas.capture_line(engine, clinic.id, "Väärä teema", theme_id=foreign.id)
    assert texts(ideas.search_ideas(engine, clinic.id)) == ["Neuvolat"]


# ---------------------------------------------------------------- edit, delete, star


def test_edit_an_idea(engine: Engine, clinic: ClinicSummary) -> None:
    groups = group_ids(engine, clinic.id)
    idea = ideas.capture_line(engine, clinic.id, "Anna / ngo: Lisää vertastukea")

    fixed = ideas.edit_idea(engine, idea.id, text="Lisää vertaistukea")
    assert (fixed.text, fixed.author, fixed.group_id) == (
        "Lisää vertaistukea",
        "Anna",
        groups["ngo"],
    )

    regrouped = ideas.edit_idea(engine, idea.id, group="company")
    assert (regrouped.author, regrouped.group_id) == ("Anna", groups["company"])

    reattributed = ideas.edit_idea(engine, idea.id, author="Pekka")
    assert (reattributed.text, reattributed.author, reattributed.group_id) == (
        "Lisää vertaistukea",
        "Pekka",
        groups["company"],
    )
    assert {p.name for p in participants.list_participants(engine, clinic.id)} == {"Anna", "Pekka"}

    anonymous = ideas.edit_idea(engine, idea.id, author="")
    assert (anonymous.author, anonymous.participant_id) == ("", None)

    with pytest.raises(ValidationError):
        ideas.edit_idea(engine, idea.id, text=" ")
    with pytest.raises(ValidationError):
        ideas.edit_idea(engine, idea.id, text="Muuttunut", group="kirkko")
    assert ideas.get_idea(engine, idea.id).text == "Lisää vertaistukea"
    with pytest.raises(NotFoundError):
        ideas.edit_idea(engine, 999, text="x")


def test_delete_an_idea_and_undo(engine: Engine, clinic: ClinicSummary) -> None:
    keep = ideas.capture_line(engine, clinic.id, "Jää")
    gone = ideas.capture_line(engine, clinic.id, "Anna / ngo: Lähtee")

    assert ideas.delete_ideas(engine, [gone.id]) == 1

    assert texts(ideas.search_ideas(engine, clinic.id)) == ["Jää"]
    with pytest.raises(NotFoundError):
        ideas.get_idea(engine, gone.id)
    assert clinics.get_clinic_summary(engine, clinic.id).idea_count == 1

    assert history.undo(engine, clinic.id) == "Deleted 1 idea."

    assert texts(ideas.search_ideas(engine, clinic.id)) == ["Jää", "Lähtee"]
    back = ideas.get_idea(engine, gone.id)
    assert (back.author, back.group_id) == ("Anna", gone.group_id)
    assert ideas.get_idea(engine, keep.id) == keep


def test_delete_many_ideas_and_undo_them_at_once(engine: Engine, clinic: ClinicSummary) -> None:
    made = [ideas.capture_line(engine, clinic.id, f"Idea {n}") for n in range(5)]

    assert ideas.delete_ideas(engine, [made[1].id, made[3].id, made[4].id]) == 3
    assert texts(ideas.search_ideas(engine, clinic.id)) == ["Idea 0", "Idea 2"]

    assert history.undo(engine, clinic.id) == "Deleted 3 ideas."
    assert texts(ideas.search_ideas(engine, clinic.id)) == [f"Idea {n}" for n in range(5)]


def test_delete_refuses_missing_and_mixed_ideas_and_changes_nothing(
    engine: Engine, clinic: ClinicSummary
) -> None:
    other = clinics.create_clinic(engine, "Toinen")
    mine = ideas.capture_line(engine, clinic.id, "Minun")
    theirs = ideas.capture_line(engine, other.id, "Heidän")

    with pytest.raises(NotFoundError, match="no idea with id 999"):
        ideas.delete_ideas(engine, [mine.id, 999])
    with pytest.raises(ValidationError, match="same clinic"):
        ideas.delete_ideas(engine, [mine.id, theirs.id])
    with pytest.raises(ValidationError, match="at least one"):
        ideas.delete_ideas(engine, [])

    assert texts(ideas.search_ideas(engine, clinic.id)) == ["Minun"]
    assert texts(ideas.search_ideas(engine, other.id)) == ["Heidän"]


def test_star_toggles(engine: Engine, clinic: ClinicSummary) -> None:
    idea = ideas.capture_line(engine, clinic.id, "Tähdellinen")

    assert ideas.star_idea(engine, idea.id).starred is True
    assert ideas.get_idea(engine, idea.id).starred is True
    assert ideas.star_idea(engine, idea.id).starred is False
    assert ideas.star_idea(engine, idea.id, starred=True).starred is True
    assert ideas.star_idea(engine, idea.id, starred=True).starred is True
    assert ideas.star_idea(engine, idea.id, starred=False).starred is False
    ideas.star_idea(engine, idea.id)

    assert history.undo(engine, clinic.id) == "Starred an idea."
    assert ideas.get_idea(engine, idea.id).starred is False


# ---------------------------------------------------------------- move


def test_move_ideas_to_a_theme_and_back(engine: Engine, clinic: ClinicSummary) -> None:
    prevention = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    digital = themes.create_theme(engine, clinic.id, "Digi")
    made = [ideas.capture_line(engine, clinic.id, f"Idea {n}") for n in range(4)]

    assert ideas.move_ideas(engine, [made[0].id], prevention.id) == 1
    assert ideas.move_ideas(engine, [made[1].id, made[2].id], digital.id) == 2

    assert ideas.get_idea(engine, made[0].id).theme_name == "Ennaltaehkäisy"
    assert texts(ideas.search_ideas(engine, clinic.id, theme_id=digital.id)) == ["Idea 1", "Idea 2"]
    assert texts(ideas.search_ideas(engine, clinic.id, unassigned=True)) == ["Idea 3"]
    assert [t.idea_count for t in themes.list_themes(engine, clinic.id)] == [1, 2]

    ideas.move_ideas(engine, [made[1].id, made[0].id], None)

    assert texts(ideas.search_ideas(engine, clinic.id, unassigned=True)) == [
        "Idea 0",
        "Idea 1",
        "Idea 3",
    ]
    assert [t.idea_count for t in themes.list_themes(engine, clinic.id)] == [0, 1]

    assert history.undo(engine, clinic.id) == "Moved 2 ideas."
    assert ideas.get_idea(engine, made[0].id).theme_id == prevention.id
    assert ideas.get_idea(engine, made[1].id).theme_id == digital.id


def test_move_refuses_a_theme_of_another_clinic_or_a_deleted_one(
    engine: Engine, clinic: ClinicSummary
) -> None:
    other = clinics.create_clinic(engine, "Toinen")
    foreign = themes.create_theme(engine, other.id, "Vieras")
    deleted = themes.create_theme(engine, clinic.id, "Poistettu")
    themes.delete_theme(engine, deleted.id)
    idea = ideas.capture_line(engine, clinic.id, "Idea")

    for theme_id in (foreign.id, deleted.id, 999):
        with pytest.raises(NotFoundError, match=f"no theme with id {theme_id}"):
            ideas.move_ideas(engine, [idea.id], theme_id)

    assert ideas.get_idea(engine, idea.id).theme_id is None


# ---------------------------------------------------------------- merge


def test_merge_keeps_every_text_and_attribution_under_the_target(
    engine: Engine, clinic: ClinicSummary
) -> None:
    groups = group_ids(engine, clinic.id)
    target = ideas.capture_line(engine, clinic.id, "Anna / ngo: Lisää vertaistukea")
    first = ideas.capture_line(engine, clinic.id, "Pekka / company: Vertaistukiryhmiä kuntiin")
    second = ideas.capture_line(engine, clinic.id, "/ resident: vertaistuki!")
    ideas.star_idea(engine, second.id)
    other = ideas.capture_line(engine, clinic.id, "Digituki")

    merged = ideas.merge_ideas(engine, target.id, [first.id, second.id, target.id, first.id])

    assert merged.id == target.id
    assert (merged.text, merged.author, merged.group_id) == (
        "Lisää vertaistukea",
        "Anna",
        groups["ngo"],
    )
    assert merged.starred is True
    assert [(m.text, m.author, m.group_id, m.merged_into_id) for m in merged.merged] == [
        ("Vertaistukiryhmiä kuntiin", "Pekka", groups["company"], target.id),
        ("vertaistuki!", "", groups["resident"], target.id),
    ]
    assert ideas.get_idea(engine, target.id) == merged
    # The merged ideas show under the target, not beside it.
    listed = ideas.search_ideas(engine, clinic.id)
    assert texts(listed) == ["Lisää vertaistukea", "Digituki"]
    assert texts(listed[0].merged) == ["Vertaistukiryhmiä kuntiin", "vertaistuki!"]
    assert listed[1].id == other.id and listed[1].merged == []


def test_merged_ideas_are_not_counted_twice(engine: Engine, clinic: ClinicSummary) -> None:
    groups = group_ids(engine, clinic.id)
    theme = themes.create_theme(engine, clinic.id, "Vertaistuki")
    target = ideas.capture_line(engine, clinic.id, "/ ngo: Vertaistukea", theme_id=theme.id)
    source = ideas.capture_line(engine, clinic.id, "/ ngo: Vertaistukea lisää", theme_id=theme.id)
    ideas.capture_line(engine, clinic.id, "/ company: Muuta")

    ideas.merge_ideas(engine, target.id, [source.id])

    assert clinics.get_clinic_summary(engine, clinic.id).idea_count == 2
    assert themes.list_themes(engine, clinic.id)[0].idea_count == 1
    counts = {
        group_id: count for group_id, _, count in ideas.count_ideas_by_group(engine, clinic.id)
    }
    assert (counts[groups["ngo"]], counts[groups["company"]], counts[None]) == (1, 1, 0)


def test_merging_into_a_merged_idea_goes_to_its_target_and_keeps_one_level(
    engine: Engine, clinic: ClinicSummary
) -> None:
    a, b, c, d = (ideas.capture_line(engine, clinic.id, name) for name in "ABCD")
    ideas.merge_ideas(engine, a.id, [b.id])
    ideas.merge_ideas(engine, c.id, [d.id])

    merged = ideas.merge_ideas(engine, b.id, [c.id])

    assert merged.id == a.id
    assert texts(merged.merged) == ["B", "C", "D"]
    assert {m.merged_into_id for m in merged.merged} == {a.id}
    assert [(v.text, texts(v.merged)) for v in ideas.search_ideas(engine, clinic.id)] == [
        ("A", ["B", "C", "D"])
    ]


def test_merge_refuses_nothing_to_merge_and_missing_ideas(
    engine: Engine, clinic: ClinicSummary
) -> None:
    a = ideas.capture_line(engine, clinic.id, "A")
    b = ideas.capture_line(engine, clinic.id, "B")

    with pytest.raises(ValidationError, match="at least one other idea"):
        ideas.merge_ideas(engine, a.id, [a.id])
    with pytest.raises(NotFoundError):
        ideas.merge_ideas(engine, a.id, [b.id, 999])

    assert [(v.text, v.merged) for v in ideas.search_ideas(engine, clinic.id)] == [
        ("A", []),
        ("B", []),
    ]


def test_undo_a_merge(engine: Engine, clinic: ClinicSummary) -> None:
    a = ideas.capture_line(engine, clinic.id, "A")
    b = ideas.capture_line(engine, clinic.id, "B")
    c = ideas.capture_line(engine, clinic.id, "C")
    ideas.star_idea(engine, c.id)
    ideas.merge_ideas(engine, a.id, [b.id, c.id])

    assert history.undo(engine, clinic.id) == "Merged 3 ideas into one."

    assert [(v.text, v.merged, v.starred) for v in ideas.search_ideas(engine, clinic.id)] == [
        ("A", [], False),
        ("B", [], False),
        ("C", [], True),
    ]
    assert ideas.get_idea(engine, b.id).merged_into_id is None
    assert clinics.get_clinic_summary(engine, clinic.id).idea_count == 3


def test_deleting_a_merged_idea_takes_its_merged_ideas_along(
    engine: Engine, clinic: ClinicSummary
) -> None:
    a = ideas.capture_line(engine, clinic.id, "A")
    b = ideas.capture_line(engine, clinic.id, "B")
    ideas.capture_line(engine, clinic.id, "C")
    ideas.merge_ideas(engine, a.id, [b.id])

    ideas.delete_ideas(engine, [a.id])

    assert texts(ideas.search_ideas(engine, clinic.id)) == ["C"]
    assert ideas.search_ideas(engine, clinic.id, text="B") == []
    assert clinics.get_clinic_summary(engine, clinic.id).idea_count == 1

    history.undo(engine, clinic.id)
    assert [(v.text, texts(v.merged)) for v in ideas.search_ideas(engine, clinic.id)] == [
        ("A", ["B"]),
        ("C", []),
    ]


def test_the_theme_view_shows_ideas_merged_from_another_theme(
    engine: Engine, clinic: ClinicSummary
) -> None:
    kept = themes.create_theme(engine, clinic.id, "Vertaistuki")
    other = themes.create_theme(engine, clinic.id, "Muut")
    target = ideas.capture_line(engine, clinic.id, "Vertaistukea", theme_id=kept.id)
    source = ideas.capture_line(engine, clinic.id, "Vertaisryhmiä", theme_id=other.id)

    ideas.merge_ideas(engine, target.id, [source.id])

    assert texts(ideas.get_idea(engine, target.id).merged) == ["Vertaisryhmiä"]
    [shown] = ideas.search_ideas(engine, clinic.id, theme_id=kept.id)
    assert texts(shown.merged) == ["Vertaisryhmiä"]


# ---------------------------------------------------------------- search and counts


@pytest.fixture
def board(engine: Engine, clinic: ClinicSummary) -> dict[str, int]:
    """A clinic with a handful of ideas: their ids by a short key."""
    prevention = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    made = {
        "neuvola": ideas.capture_line(
            engine, clinic.id, "Äitiysneuvolan palvelut lähelle", theme_id=prevention.id
        ),
        "oljy": ideas.capture_line(engine, clinic.id, "Anna / ngo: Öljynvaihto ei kuulu soteen"),
        "koulu": ideas.capture_line(
            engine, clinic.id, "Pekka / company: Kouluterveydenhuolto", theme_id=prevention.id
        ),
        "digi": ideas.capture_line(engine, clinic.id, "Liisa / ngo: Digituki ikäihmisille"),
        "kerho": ideas.capture_line(engine, clinic.id, "Kerhotoimintaa nuorille"),
    }
    ideas.star_idea(engine, made["koulu"].id)
    ideas.star_idea(engine, made["digi"].id)
    ids = {key: view.id for key, view in made.items()}
    ids["prevention"] = prevention.id
    return ids


def keys(board: dict[str, int], views: list) -> list[str]:  # type: ignore[type-arg]
    by_id = {value: key for key, value in board.items() if key != "prevention"}
    return [by_id[view.id] for view in views]


@pytest.mark.parametrize(
    ("needle", "expected"),
    [
        ("ÄITIYS", ["neuvola"]),
        ("äitiys", ["neuvola"]),
        ("öljyn", ["oljy"]),
        ("ÖLJYN", ["oljy"]),
        ("  palvelut   LÄHELLE ", ["neuvola"]),
        ("anna", ["oljy"]),
        ("LIISA", ["digi"]),
        ("vanhus", []),
        ("nuorille", ["kerho"]),
        ("e", ["neuvola", "oljy", "koulu", "digi", "kerho"]),
        ("zzz", []),
    ],
)
def test_search_by_text_ignores_case(
    engine: Engine, clinic: ClinicSummary, board: dict[str, int], needle: str, expected: list[str]
) -> None:
    assert keys(board, ideas.search_ideas(engine, clinic.id, text=needle)) == expected


def test_search_filters(engine: Engine, clinic: ClinicSummary, board: dict[str, int]) -> None:
    groups = group_ids(engine, clinic.id)

    def search(**filters: object) -> list[str]:
        return keys(board, ideas.search_ideas(engine, clinic.id, **filters))  # type: ignore[arg-type]

    assert search() == ["neuvola", "oljy", "koulu", "digi", "kerho"]
    assert search(group_id=groups["ngo"]) == ["oljy", "digi"]
    assert search(group_id=groups["resident"]) == []
    assert search(theme_id=board["prevention"]) == ["neuvola", "koulu"]
    assert search(unassigned=True) == ["oljy", "digi", "kerho"]
    assert search(starred=True) == ["koulu", "digi"]
    assert search(starred=False) == ["neuvola", "oljy", "kerho"]
    assert search(group_id=groups["ngo"], starred=True) == ["digi"]
    assert search(theme_id=board["prevention"], text="koulu") == ["koulu"]
    assert search(unassigned=True, text="neuvola") == []


def test_search_finds_an_idea_by_the_text_merged_into_it(
    engine: Engine, clinic: ClinicSummary, board: dict[str, int]
) -> None:
    ideas.merge_ideas(engine, board["kerho"], [board["digi"]])

    found = ideas.search_ideas(engine, clinic.id, text="digituki")

    assert keys(board, found) == ["kerho"]
    assert texts(found[0].merged) == ["Digituki ikäihmisille"]


def test_the_list_rows_say_what_the_full_views_say(
    engine: Engine, clinic: ClinicSummary, board: dict[str, int]
) -> None:
    """The idea list's light rows (kept as columns) against the full views, row by row."""
    ideas.merge_ideas(engine, board["kerho"], [board["digi"]])
    views = ideas.search_ideas(engine, clinic.id)

    rows = ideas.list_idea_rows(engine, clinic.id)

    assert len(rows) == len(views) == 4
    for row, view in zip(rows, views, strict=True):
        assert row.id == view.id and row.text == view.text and row.author == view.author
        assert row.group_name == view.group_name and row.theme_name == view.theme_name
        assert row.starred is view.starred
        assert row.merged_texts == tuple(texts(view.merged))
    assert rows[-1] == rows[3] and rows[-1].merged_texts == ("Digituki ikäihmisille",)
    assert rows[1:3] == [rows[1], rows[2]]
    with pytest.raises(IndexError):
        rows[4]
    only = ideas.list_idea_rows(engine, clinic.id, text="digituki")
    assert [row.id for row in only] == [board["kerho"]] and only[0].merged_texts


def test_search_matches_decomposed_letters(
    engine: Engine, clinic: ClinicSummary, board: dict[str, int]
) -> None:
    assert keys(board, ideas.search_ideas(engine, clinic.id, text="A\u0308itiys")) == ["neuvola"]


def test_count_ideas_by_group(engine: Engine, clinic: ClinicSummary, board: dict[str, int]) -> None:
    groups = participants.list_groups(engine, clinic.id)
    ideas.capture_line(engine, clinic.id, "/ ngo: Vielä yksi")
    gone = ideas.capture_line(engine, clinic.id, "/ company: Poistuu")
    ideas.delete_ideas(engine, [gone.id])

    counts = ideas.count_ideas_by_group(engine, clinic.id)

    assert [(group_id, name) for group_id, name, _ in counts] == [
        *((g.id, g.name) for g in groups),
        (None, None),
    ]
    by_code = {g.code: count for g, (_, _, count) in zip(groups, counts, strict=False)}
    assert by_code == {
        "resident": 0,
        "professional": 0,
        "company": 1,
        "ngo": 3,
        "research": 0,
        "public_admin": 0,
        "other": 0,
    }
    assert counts[-1] == (None, None, 2)


# ---------------------------------------------------------------- invariants


BIDI_CONTROLS = "".join(
    map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xFFF9, 0xFFFC)])
)


def non_space(value: str) -> Counter[str]:
    return Counter(c for c in value if not c.isspace())


lines = st.text(
    alphabet=st.sampled_from([*"Anna /:.!?\n\tä", "\u00a0", "\u2028"]) | st.characters(),
    max_size=120,
)


@settings(max_examples=500)
@given(lines)
def test_parse_attribution_never_loses_text(line: str) -> None:
    parsed = parse_attribution(line)

    kept = non_space(parsed.author + parsed.group + parsed.text)
    typed = non_space(line)
    # Nothing appears that was not typed, and only the colon and one slash may go.
    assert not kept - typed
    assert typed - kept <= Counter({":": 1, "/": 1})


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_a_leading_colon_keeps_the_whole_line(rest: str) -> None:
    assert parse_attribution(":" + rest) == Attribution(text=rest.strip())


@settings(
    max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(
    st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters=BIDI_CONTROLS
        )
        | st.sampled_from("ÄäÖöÅå "),
        min_size=1,
        max_size=40,
    ).filter(lambda s: s.strip()),
    st.data(),
)
def test_any_piece_of_a_captured_idea_finds_it(
    engine: Engine, clinic: ClinicSummary, idea_text: str, data: st.DataObject
) -> None:
    idea = ideas.capture_line(engine, clinic.id, ":" + idea_text)
    start = data.draw(st.integers(0, len(idea.text) - 1))
    end = data.draw(st.integers(start + 1, len(idea.text)))
    piece = idea.text[start:end]

    found = ideas.search_ideas(engine, clinic.id, text=piece)

    assert idea.id in [view.id for view in found]


C0_C1_BUT_NEWLINE = {chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]} - {"\n"}
escape_soup = st.lists(
    st.sampled_from(
        [
            "\x1b",
            "\x9b",
            "\x9d",
            "\x9c",
            "\x07",
            "[",
            "]",
            "\\",
            "P",
            "52;c;",
            "31m",
            "\r",
            "\n",
            "\t",
            "x",
        ]
    )
    | st.characters(),
    max_size=60,
).map("".join)


@settings(max_examples=500)
@given(escape_soup, st.booleans())
def test_strip_controls_leaves_no_control_character(value: str, keep_newlines: bool) -> None:
    cleaned = strip_controls(value, keep_newlines=keep_newlines)

    assert not set(cleaned) & C0_C1_BUT_NEWLINE
    if not keep_newlines:
        assert "\n" not in cleaned


# Noncharacters (U+FDD0–U+FDEF, the last two of every plane) are stripped by design.
NONCHARACTERS = "".join(chr(c) for c in range(0xFDD0, 0xFDF0)) + "".join(
    chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)
)


@settings(max_examples=500)
@given(
    st.text(
        alphabet=st.characters(
            exclude_categories=("Cc", "Cs"), exclude_characters=BIDI_CONTROLS + NONCHARACTERS
        )
        | st.just("\n"),
        max_size=120,
    )
)
def test_strip_controls_never_changes_text_without_controls(value: str) -> None:
    value = unicodedata.normalize("NFC", value)

    assert strip_controls(value) == value


def test_capture_into_a_missing_clinic_says_so(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="no clinic with id 42"):
        ideas.capture_line(engine, 42, "Idea ilman klinikkaa")

    assert table_count(engine, "idea") == 0


@pytest.mark.parametrize(
    "typed",
    [
        "Maija Virtanen / asukas: Neuvolat mukaan",
        "Maija Virtanen: Neuvolat mukaan",
        "/ järjestö: Vertaistuki näkyviin",
        "Huom: tämä on idea",  # a sentence before a colon: all of it is the text
        "Vertaistuki näkyviin",
    ],
)
def test_an_ideas_line_edits_back_to_the_same_idea(
    engine: Engine, clinic: ClinicSummary, typed: str
) -> None:
    made = ideas.capture_line(engine, clinic.id, typed)
    line = ideas.idea_line(made)
    again = ideas.edit_idea_line(engine, made.id, line)
    assert (again.text, again.author, again.group_name) == (
        made.text,
        made.author,
        made.group_name,
    )


def test_an_ideas_line_changes_its_author_and_group_at_once(
    engine: Engine, clinic: ClinicSummary
) -> None:
    made = ideas.capture_line(engine, clinic.id, "Pekka Korhonen / yritys: Etäpalvelut")
    edited = ideas.edit_idea_line(engine, made.id, "Aino Laine / asukas: Etäpalvelut iltaisin")
    resident = next(
        g.name for g in participants.list_groups(engine, clinic.id) if g.code == "resident"
    )
    assert (edited.text, edited.author, edited.group_name) == (
        "Etäpalvelut iltaisin",
        "Aino Laine",
        resident,
    )
    # No attribution in the line: none on the idea.
    plain = ideas.edit_idea_line(engine, made.id, "Etäpalvelut iltaisin")
    assert (plain.author, plain.group_name) == ("", None)
    with pytest.raises(ValidationError):
        ideas.edit_idea_line(engine, made.id, "Aino Laine / eiole: teksti")
    assert ideas.get_idea(engine, made.id).text == "Etäpalvelut iltaisin"
