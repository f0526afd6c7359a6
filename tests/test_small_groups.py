"""Small stakeholder groups are folded together where results are shown to others: no one's
vote can be read from a group of one or two, nor worked out from the others and the total."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from klinikka.config import SMALLEST_GROUP, read_settings
from klinikka.services import clinics, ideas, themes, voting
from klinikka.services.exporting import render_export, render_files
from klinikka.tally import GroupResult, fold_small_groups, groups_to_fold, rank_scores

A, B = 1, 2
NAMES = {A: "Ennaltaehkäisy", B: "Digipalvelut"}


def group(group_id: int | None, name: str | None, ballots: int, a: int, b: int) -> GroupResult:
    totals = {A: a, B: b}
    return GroupResult(group_id, name, ballots, rank_scores(totals, totals, [A, B], NAMES))


def test_a_group_of_one_is_folded_into_other_groups() -> None:
    groups = [
        group(1, "Ammattilainen", 5, 3, 2),
        group(2, "Yritys", 1, 0, 1),
        group(3, "Järjestö", 2, 2, 0),
        group(4, "Asukas", 4, 1, 3),
    ]
    folded = fold_small_groups(groups, 3, [A, B], "Muut ryhmät")
    assert [(g.group_name, g.ballot_count) for g in folded] == [
        ("Ammattilainen", 5),
        ("Asukas", 4),
        ("Muut ryhmät", 3),
    ]
    other = {s.theme_id: s.score for s in folded[-1].scores}
    assert other == {A: 2, B: 1}  # Yritys' 0+1 and Järjestö's 2+0
    assert sum(g.ballot_count for g in folded) == sum(g.ballot_count for g in groups)


def test_a_folded_group_still_too_small_takes_the_next_smallest_with_it() -> None:
    groups = [
        group(1, "Ammattilainen", 6, 3, 3),
        group(2, "Yritys", 1, 1, 0),
        group(3, "Asukas", 3, 0, 3),
    ]
    folded = fold_small_groups(groups, 3, [A, B], "Muut")
    assert [(g.group_name, g.ballot_count) for g in folded] == [("Ammattilainen", 6), ("Muut", 4)]


def test_when_everything_would_fold_nothing_is_shown_by_group() -> None:
    groups = [group(1, "Yritys", 1, 1, 0), group(2, "Asukas", 2, 0, 2)]
    assert fold_small_groups(groups, 3, [A, B], "Muut") == []


def test_groups_big_enough_are_left_as_they_are() -> None:
    groups = [group(1, "Ammattilainen", 3, 2, 1), group(None, None, 4, 1, 3)]
    assert fold_small_groups(groups, 3, [A, B], "Muut") == groups
    assert (
        fold_small_groups([*groups[:1], group(2, "Yritys", 1, 1, 0)], 1, [A, B], "Muut")[
            1
        ].group_name
        == "Yritys"
    )


@given(st.dictionaries(st.integers(0, 9), st.integers(1, 12), max_size=8), st.integers(1, 6))
def test_no_shown_group_and_no_folded_total_is_under_the_minimum(
    counts: dict[int, int], smallest: int
) -> None:
    folding = groups_to_fold(counts, smallest)
    shown = [count for key, count in counts.items() if key not in folding]
    assert all(count >= smallest for count in shown)
    if folding and len(folding) < len(counts):
        assert sum(counts[key] for key in folding) >= smallest
    if any(count < smallest for count in counts.values()):
        assert folding  # a small group is never shown on its own


def test_the_smallest_group_comes_from_the_users_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    settings, problem = read_settings(path)  # no file: the defaults, and nothing to say
    assert (settings.smallest_group, problem) == (SMALLEST_GROUP, "")
    path.write_text("[privacy]\nsmallest_group = 5\n", encoding="utf-8")
    assert read_settings(path)[0].smallest_group == 5
    for wrong in ("smallest_group = 0", 'smallest_group = "viisi"', "smallest_group = true"):
        path.write_text(f"[privacy]\n{wrong}\n", encoding="utf-8")
        settings, problem = read_settings(path)
        assert settings.smallest_group == 3 and "smallest_group" in problem and str(path) in problem
    path.write_text("[privacy\n", encoding="utf-8")
    settings, problem = read_settings(path)
    assert settings.smallest_group == 3 and "Cannot read" in problem


# ---------------------------------------------------------------- in the exports


@pytest.fixture
def voted(engine: Engine, database_target: str) -> tuple[Engine, str, int]:
    """A closed round: five professionals, one company voter, two with no group; two of
    the voters also wrote ideas (as participants), the others only voted."""
    clinic = clinics.create_clinic(engine, "Verkkoklinikka", language="fi")
    ideas.capture_line(engine, clinic.id, "Maija Virtanen / ammattilainen: Neuvolan yhteistyö")
    ideas.capture_line(engine, clinic.id, "Pekka Ojala / ammattilainen: Digituki kotiin")
    first = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    second = themes.create_theme(engine, clinic.id, "Digipalvelut")
    voting_round = voting.create_round(engine, clinic.id, "single", theme_ids=[first.id, second.id])
    voting.open_round(engine, voting_round.id)
    ballots = [
        ("Maija Virtanen", "", first),
        ("Pekka Ojala", "", second),
        ("Anu Lehtonen", "ammattilainen", first),
        ("Ville Heinonen", "ammattilainen", first),
        ("Laura Nieminen", "ammattilainen", second),
        ("Kari Hämäläinen", "yritys", second),
        ("Tiina Mattila", "", first),
        ("Mikko Järvinen", "", first),
    ]
    for voter, group_name, theme in ballots:
        voting.cast_ballot(engine, voting_round.id, voter, [theme.id], group=group_name)
    voting.close_round(engine, voting_round.id)
    return engine, database_target, clinic.id


def test_people_who_only_voted_are_counted_as_participants(voted: tuple[Engine, str, int]) -> None:
    engine, _path, clinic_id = voted
    summary = render_export(engine, clinic_id, "md", language="fi").decode("utf-8")
    assert "Osallistujat 8" in summary  # two wrote ideas and voted, six only voted
    assert "| Ammattilainen | 5 |" in summary
    assert "| Yritys | 1 |" in summary
    assert "| Ei ryhmää | 2 |" in summary


def test_an_anonymised_summary_folds_the_company_of_one(voted: tuple[Engine, str, int]) -> None:
    engine, _path, clinic_id = voted
    named = render_export(engine, clinic_id, "md", language="fi").decode("utf-8")
    assert "#### Yritys" in named or "Yritys (1)" in named or "### Yritys" in named
    anonymised = render_export(engine, clinic_id, "md", language="fi", anonymize=True)
    text = anonymised.decode("utf-8")
    results = text[text.index("Äänestyskierros 1") :]
    assert "Yritys" not in results and "Ei ryhmää" not in results
    assert "Muut ryhmät" in results and "Ammattilainen" in results
    assert "Osallistujat 8" in text  # counted before the names went
    everything = render_export(
        engine, clinic_id, "md", language="fi", anonymize=True, smallest_group=1
    ).decode("utf-8")
    assert "Yritys" in everything[everything.index("Äänestyskierros 1") :]


def test_anonymised_results_csv_and_json_keep_no_small_group(
    voted: tuple[Engine, str, int],
) -> None:
    engine, _path, clinic_id = voted
    results = render_files(engine, clinic_id, "csv", language="en", anonymize=True)[1]
    groups = {
        row[4] for row in csv.reader(io.StringIO(results.data.decode("utf-8-sig")), delimiter=";")
    }
    assert {"All", "Professional", "Other groups"} <= groups
    assert "Company" not in groups and "No group" not in groups
    document = json.loads(render_export(engine, clinic_id, "json", language="en", anonymize=True))
    [clinic] = document["clinics"]
    company = next(g["id"] for g in clinic["groups"] if g["name"] == "Yritys")
    professional = next(g["id"] for g in clinic["groups"] if g["name"] == "Ammattilainen")
    groups_of_ballots = [b["group"] for r in clinic["rounds"] for b in r["ballots"]]
    assert company not in groups_of_ballots
    assert groups_of_ballots.count(professional) == 5


def test_the_command_line_takes_the_smallest_group_from_settings_or_the_option(
    voted: tuple[Engine, str, int], capfd: pytest.CaptureFixture[str]
) -> None:
    from klinikka.cli import main
    from klinikka.config import settings_file

    _engine, path, clinic_id = voted

    def results(*more: str) -> tuple[int, str]:
        """The exit code and the anonymised summary's voting results, in English."""
        capfd.readouterr()
        args = ["--db", path, "--lang", "en", "export", str(clinic_id), "--anonymize"]
        try:
            main([*args, *more])
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
        out = capfd.readouterr().out
        return code, out[out.index("Voting round 1") :] if "Voting round 1" in out else out

    code, folded = results()
    assert code == 0 and "Other groups" in folded and "Company" not in folded
    assert "Company" in results("--smallest-group", "1")[1]
    settings_file().parent.mkdir(parents=True, exist_ok=True)
    settings_file().write_text("[privacy]\nsmallest_group = 6\n", encoding="utf-8")
    assert "Professional" not in results()[1]  # five professionals: under six, folded too
    assert results("--smallest-group", "0")[0] == 2
