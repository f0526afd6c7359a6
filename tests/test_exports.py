"""The summary exports as the people who receive them would read them.

One sample clinic (the November sample, with a tie settled by a runoff and another by the
facilitator added) is exported in every format and language and compared with the golden
files in tests/golden/ — and, since a golden file only says "nothing changed", each format is
also read back with a parser of its own and checked for what it must say. Regenerate the
golden files after a deliberate change with ``KLINIKKA_UPDATE_GOLDEN=1 pytest
tests/test_exports.py`` and read the diff before committing it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import html5lib
import pytest
from markdown_it import MarkdownIt
from sqlalchemy import Engine
from sqlalchemy import text as sql

from klinikka.db import open_database
from klinikka.exports.csv_export import BOM
from klinikka.importers.klinikka_json import parse_document
from klinikka.models import NoteKind
from klinikka.paths import sample_data_dir
from klinikka.services import ideas, notes, participants, themes, voting
from klinikka.services.clinics import create_clinic, list_clinics
from klinikka.services.exporting import FORMATS, render_export, render_files
from klinikka.services.transfer import export_document, import_document

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KLINIKKA_UPDATE_GOLDEN") == "1"
SAMPLE = "verkkoklinikka-2026-11-03.json"
TODAY = date(2026, 11, 23)
LANGUAGES = ("fi", "sv", "en")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def helsinki_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times in the CSV are local: the golden files are made in Finland's time zone."""
    monkeypatch.setenv("TZ", "Europe/Helsinki")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, int]]:
    """The November sample, and two more rounds: a tie settled by a runoff, and a tie
    settled by the facilitator's decision."""
    engine = open_database(tmp_path_factory.mktemp("sample") / "klinikka.db")
    document = parse_document((sample_data_dir() / SAMPLE).read_bytes())
    import_document(engine, document, file_name=SAMPLE)
    clinic_id = list_clinics(engine)[0].id
    listed = themes.list_themes(engine, clinic_id)
    digi, multi = listed[1].id, listed[2].id
    tie = voting.create_round(
        engine, clinic_id, "single", theme_ids=[digi, multi], title="Kevään klinikan teema"
    )
    voting.open_round(engine, tie.id)
    voting.cast_ballot(engine, tie.id, "Kari Hämäläinen", [digi])
    voting.cast_ballot(engine, tie.id, "Laura Nieminen", [multi])
    voting.close_round(engine, tie.id)
    runoff = voting.start_runoff(engine, tie.id)
    if voting.get_round(engine, runoff.id).status.value != "open":
        voting.open_round(engine, runoff.id)
    for voter, theme in (("Kari Hämäläinen", digi), ("Laura Nieminen", digi), ("Anu", multi)):
        voting.cast_ballot(engine, runoff.id, voter, [theme])
    voting.close_round(engine, runoff.id)
    second = voting.create_round(
        engine, clinic_id, "single", theme_ids=[digi, multi], title="Syksyn klinikan teema"
    )
    voting.open_round(engine, second.id)
    voting.cast_ballot(engine, second.id, "Tiina Mattila", [digi])
    voting.cast_ballot(engine, second.id, "Mikko Järvinen", [multi])
    voting.close_round(engine, second.id)
    voting.record_decision(engine, second.id, multi, "sovittiin ohjausryhmässä")
    yield engine, clinic_id
    engine.dispose()


def files_of(
    sample: tuple[Engine, int], file_format: str, language: str, **options: Any
) -> dict[str, bytes]:
    engine, clinic_id = sample
    made = render_files(engine, clinic_id, file_format, language=language, today=TODAY, **options)
    return {file.suffix: file.data for file in made}


def normalised_json(data: bytes) -> bytes:
    """The JSON document without what changes at each run: the version, the time of the
    export and of what this test did today (the rounds it added)."""
    document = json.loads(data)
    document["generator"] = "klinikka"
    today = datetime.now(UTC).date().isoformat()
    for clinic in document["clinics"]:  # who did it: this test's process
        for entry in clinic["activity"]:
            if entry["at"].startswith(today):
                entry["actor"] = "(this test)"
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return re.sub(rf'"{today}T[^"]*"', '"(today)"', text).encode("utf-8")


# ---------------------------------------------------------------------------- golden files


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("file_format", FORMATS)
def test_every_format_and_language_matches_its_golden_file(
    sample: tuple[Engine, int], file_format: str, language: str
) -> None:
    for suffix, data in files_of(sample, file_format, language).items():
        if file_format == "json":
            data, name = normalised_json(data), f"november{suffix}.json"
        else:
            name = f"november.{language}{suffix}.{file_format}"
        golden = GOLDEN / name
        if UPDATE:
            GOLDEN.mkdir(exist_ok=True)
            golden.write_bytes(data)
        assert golden.is_file(), f"no {golden}: run with KLINIKKA_UPDATE_GOLDEN=1"
        assert data == golden.read_bytes(), f"{name} changed: if meant, KLINIKKA_UPDATE_GOLDEN=1"


# What each language must say about the sample (dates, numbers and labels as written there).
SAYS = {
    "fi": {
        "date": "3. marraskuuta 2026 klo 9.00–11.00",
        "made": "23.11.2026",
        "share": "52,4\u00a0%",
        "winner": "Voittaja: Ennaltaehkäisevien sosiaali- ja terveyspalvelujen kehittäminen",
        "runoff": "Uusintaäänestyksen (kierros 4) voittaja: "
        "Sosiaali- ja terveydenhuollon digipalveluiden kehittäminen",
        "decision": "Voittaja fasilitaattorin päätöksellä: "
        "Monialaisten palvelujen kehittäminen sosiaali- ja terveydenhuollossa",
        "tie": "Tasatilanne:",
        "headings": ["Tavoite", "Osallistujat", "Ideat teemoittain", "Päätökset", "Jatkotoimet"],
        "csv": ["Nro", "Teema", "Idea", "Kirjoittaja", "Sidosryhmä"],
        "unassigned": "Teemoittelemattomat ideat",
        "time": "3.11.2026 9:13",
    },
    "sv": {
        "date": "3 november 2026 kl. 9.00–11.00",
        "made": "23.11.2026",
        "share": "52,4\u00a0%",
        "winner": "Vinnare: Ennaltaehkäisevien sosiaali- ja terveyspalvelujen kehittäminen",
        "runoff": "Vinnare efter den avgörande omgången 4: "
        "Sosiaali- ja terveydenhuollon digipalveluiden kehittäminen",
        "decision": "Vinnare genom facilitatorns beslut: "
        "Monialaisten palvelujen kehittäminen sosiaali- ja terveydenhuollossa",
        "tie": "Lika röstetal mellan:",
        "headings": ["Mål", "Deltagare", "Idéer per tema", "Beslut", "Nästa steg"],
        "csv": ["Nr", "Tema", "Idé", "Skribent", "Intressentgrupp"],
        "unassigned": "Idéer utan tema",
        "time": "3.11.2026 9:13",
    },
    "en": {
        "date": "November 3, 2026 at 9:00\u202fAM–11:00\u202fAM",
        "made": "Nov 23, 2026",
        "share": "52.4%",
        "winner": "Winner: Ennaltaehkäisevien sosiaali- ja terveyspalvelujen kehittäminen",
        "runoff": "Winner after runoff round 4: "
        "Sosiaali- ja terveydenhuollon digipalveluiden kehittäminen",
        "decision": "Winner by the facilitator’s decision: "
        "Monialaisten palvelujen kehittäminen sosiaali- ja terveydenhuollossa",
        "tie": "Tie between:",
        "headings": ["Goal", "Participants", "Ideas by theme", "Decisions", "Next steps"],
        "csv": ["Number", "Theme", "Idea", "Author", "Stakeholder group"],
        "unassigned": "Unassigned ideas",
        "time": "2026-11-03 09:13",
    },
}


def idea_texts(sample: tuple[Engine, int]) -> list[str]:
    engine, clinic_id = sample
    return [idea.text for idea in export_document(engine, [clinic_id]).clinics[0].ideas]


def one_line(text: str) -> str:
    """Runs of ASCII white space as one space (no-break spaces are part of what is said)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


# ---------------------------------------------------------------------------- Markdown


def markdown_tokens(text: str) -> list[Any]:
    parser = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    tokens = parser.parse(text)
    flat = []
    for token in tokens:
        flat.append(token)
        flat += token.children or []
    return flat


def markdown_text(text: str) -> str:
    """What a reader sees: the Markdown rendered, tags dropped."""
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    return one_line(re.sub(r"<[^>]+>", " ", rendered).replace("&amp;", "&"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_markdown_renders_as_a_summary(sample: tuple[Engine, int], language: str) -> None:
    text = files_of(sample, "md", language)[""].decode("utf-8")
    tokens = markdown_tokens(text)
    says = SAYS[language]

    assert not [t for t in tokens if t.type in {"html_block", "html_inline", "link_open"}]
    headings = [
        (token.tag, tokens[n + 1].content)
        for n, token in enumerate(tokens)
        if token.type == "heading_open"
    ]
    assert headings[0] == ("h1", "Yhteiskehittämisen malli ja seuraavan klinikan teema")
    for heading in says["headings"]:
        assert ("h2", heading) in headings
    # Five rounds, each under its own heading with its title.
    titles = ["Seuraavan verkkoklinikan teema", "Ennaltaehkäisyn painopisteet"]
    titles += ["Kevään klinikan teema", "Kevään klinikan teema", "Syksyn klinikan teema"]
    rounds = [content for tag, content in headings if tag == "h2" and ": " in content]
    assert [content.split(": ", 1)[1] for content in rounds] == titles
    # Every idea is there, readable, in the order of the themes, the unassigned ones last.
    seen = markdown_text(text)
    for idea in idea_texts(sample):
        assert one_line(idea) in seen
    assert headings.index(("h3", says["unassigned"])) > headings.index(
        ("h3", "Yksinäisyyden ehkäisy yhdessä järjestöjen kanssa")
    )
    assert says["date"] in seen and says["made"] in seen
    assert says["share"] in seen and says["winner"] in seen
    assert says["decision"] in seen
    assert says["runoff"] in seen and says["tie"] in seen
    tables = [t for t in tokens if t.type == "table_open"]
    # the participants, then each round's results and one table per stakeholder group
    assert len(tables) > 1 + len(rounds)


# ---------------------------------------------------------------------------- HTML


def parsed_html(data: bytes) -> Any:
    """The page as an HTML5 parser reads it; strict: any parse error fails the test."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(data)


def text_of(element: Any) -> str:
    return one_line("".join(element.itertext()))


@pytest.mark.parametrize("language", LANGUAGES)
def test_html_is_one_printable_page_with_charts(sample: tuple[Engine, int], language: str) -> None:
    data = files_of(sample, "html", language)[""]
    page = parsed_html(data)
    says = SAYS[language]

    assert page.get("lang") == language
    # Self-contained: nothing is fetched, nothing runs.
    assert not page.findall(".//script") and not page.findall(".//link")
    assert not page.findall(".//img") and not page.findall(".//iframe")
    for element in page.iter():
        for name, value in element.attrib.items():
            if name.endswith("}xmlns") or name == "xmlns":
                continue  # the SVG namespace's name, not a link
            assert not re.match(r"\s*(https?:|//|javascript:)", value), (name, value)
    style = "".join(text_of(s) for s in page.findall(".//style"))
    assert "url(" not in style and "@import" not in style
    assert "@media print" in style and "size: A4" in style
    # A chart per round and per stakeholder group of each round, and the word cloud.
    svgs = page.findall(f".//{SVG}svg")
    rounds = page.findall(".//section[@class='round']")
    assert len(rounds) == 5
    groups = sum(len(r.findall(".//div[@class='groups']/figure")) for r in rounds)
    assert groups >= 7
    assert len(svgs) == len(rounds) + groups + 1
    cloud = page.find(".//figure[@class='cloud']")
    words = [text_of(t) for t in cloud.iter(f"{SVG}text")]
    assert len(words) >= 20 and "ja" not in words and "och" not in words and "the" not in words
    # The results: a table with rank, theme, score and share, the winner's row marked.
    first = rounds[0]
    winner = first.find(".//tr[@class='winner']")
    assert "Ennaltaehkäisevien sosiaali- ja terveyspalvelujen kehittäminen" in text_of(winner)
    assert says["share"] in text_of(winner)
    seen = text_of(page)
    for idea in idea_texts(sample):
        assert one_line(idea) in seen
    assert says["date"] in seen and says["made"] in seen and says["winner"] in seen
    assert "Satu Heikkinen" in seen  # the facilitator


def contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio of an sRGB colour ("#RRGGBB") against white."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


def test_charts_tell_the_winner_without_colour_and_in_safe_colours(
    sample: tuple[Engine, int],
) -> None:
    page = parsed_html(files_of(sample, "html", "fi")[""])
    first = page.findall(".//section[@class='round']")[0]
    chart = first.find(f".//{SVG}svg")
    bars = chart.findall(f".//{SVG}rect")
    fills = {bar.get("fill") for bar in bars}
    # Okabe and Ito's palette for colour-blind viewers; each bar stands out from the paper.
    assert fills <= {"#0072B2", "#D55E00"} and len(fills) == 2
    assert all(contrast_with_white(fill) >= 3 for fill in fills)
    labels = [
        text_of(text) for text in chart.findall(f".//{SVG}text") if "font-size" in text.attrib
    ]
    names = [label for label in labels if re.match(r"\d+\. ", label)]
    assert len(names) == len(bars)  # every bar's label starts with its rank
    winners = [label for label in names if label.endswith("★")]
    assert len(winners) == 1 and winners[0].startswith("1. Ennaltaehkäisevien")


# ---------------------------------------------------------------------------- CSV


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF, as Excel writes
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_csv_opens_in_a_finnish_excel(sample: tuple[Engine, int], language: str) -> None:
    files = files_of(sample, "csv", language)
    ideas_rows, results_rows = csv_rows(files[""]), csv_rows(files["-results"])
    says = SAYS[language]

    header, *rows = ideas_rows
    assert header[: len(says["csv"])] == says["csv"]
    assert sorted(row[2] for row in rows) == sorted(idea_texts(sample))
    assert all(len(row) == len(header) for row in rows)
    assert says["time"] in {row[-1] for row in rows}
    result_header, *results = results_rows
    assert len(result_header) == 11 and all(len(row) == 11 for row in results)
    first = [row for row in results if row[0] == "1"]
    top = first[0]
    assert top[5] == "1" and top[7] == "11" and top[8] == "52,4"  # a decimal comma everywhere
    assert top[6] == "Ennaltaehkäisevien sosiaali- ja terveyspalvelujen kehittäminen"
    assert top[10] != "" and all(row[10] == "" for row in first[1:])
    assert len({row[3] for row in results}) == 1  # every round is closed: all final
    # The round's own rows, then each stakeholder group's.
    assert len({row[4] for row in first}) >= 2


# ---------------------------------------------------------------------------- JSON


def test_json_is_the_same_document_in_every_language(sample: tuple[Engine, int]) -> None:
    engine, clinic_id = sample
    documents = [normalised_json(files_of(sample, "json", lang)[""]) for lang in LANGUAGES]
    assert documents[0] == documents[1] == documents[2]
    again = parse_document(files_of(sample, "json", "fi")[""])
    original = export_document(engine, [clinic_id])
    assert again.clinics == original.clinics


# ---------------------------------------------------------------------------- hostile text

HOSTILE = [
    "<script>alert('x')</script>",
    "[linkki](https://example.com/evil) ja ![kuva](x.png)",
    "# Ei otsikko",
    "1. ei lista",
    "| ei | taulukko |",
    "**ei lihavoitu** _eikä kursiivi_ `eikä koodi`",
    '=HYPERLINK("https://example.com";"klikkaa")',
    "+358 40 123 4567",
    "-1+1",
    "@SUM(A1:A2)",
    "&amp; &lt; <b>ei</b> <!-- kommentti -->",
    "😀 emoji 👩‍⚕️ مرحبا עברית",
    "https://example.com/evil, www.example.fi ja maija@example.fi",
]
RAW = "\x1b]52;c;aGVsbG8=\x07leikepöytä \x1b[31mpunainen\x1b[0m \u202ekäänteinen"
FORBIDDEN = ("\x1b", "\x07", "\u202e", "aGVsbG8")


@pytest.fixture
def hostile(engine: Engine, db_path: Path) -> tuple[Engine, int]:
    clinic = create_clinic(engine, "<b>Klinikka</b> #1 | =1+1", language="fi", goal=HOSTILE[1])
    theme = themes.create_theme(engine, clinic.id, "<i>Teema</i> *1* ###", HOSTILE[0])
    themes.create_theme(engine, clinic.id, HOSTILE[5], HOSTILE[2])
    for text in HOSTILE:
        ideas.capture_idea(engine, clinic.id, text, theme_id=theme.id)
        ideas.capture_idea(engine, clinic.id, text, author="=Maija <Virtanen>")
    participants.add_participant(engine, clinic.id, "@Pekka Ö", organisation="-Org +1")
    notes.add_note(engine, clinic.id, NoteKind.DECISION, HOSTILE[6])
    voting_round = voting.create_round(engine, clinic.id, "single", title=HOSTILE[4])
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "=Maija <Virtanen>", [theme.id])
    voting.close_round(engine, voting_round.id)
    # A database written by another tool may hold what klinikka's own input never lets in.
    with engine.begin() as raw:
        raw.execute(
            sql("UPDATE idea SET text = :raw WHERE id = (SELECT min(id) FROM idea)"),
            {"raw": RAW},
        )
        raw.execute(sql("UPDATE theme SET description = :raw"), {"raw": RAW})
    return engine, clinic.id


@pytest.mark.parametrize("file_format", FORMATS)
def test_hostile_text_stays_text_in_every_format(
    hostile: tuple[Engine, int], file_format: str
) -> None:
    engine, clinic_id = hostile
    data = render_export(engine, clinic_id, file_format, language="fi", today=TODAY)
    text = data.decode("utf-8-sig")
    for forbidden in FORBIDDEN:
        if file_format != "json":
            assert forbidden not in text
    if file_format == "json":
        # Full fidelity: the text comes back as stored, control characters escaped.
        assert "\x1b" not in text and "\x07" not in text
        document = parse_document(data)
        assert {idea.text for idea in document.clinics[0].ideas} >= set(HOSTILE[1:])
    elif file_format == "md":
        # Not even GitHub's autolinks (a bare URL, www., an e-mail address) make a link.
        gfm = MarkdownIt("gfm-like").parse(text)
        assert not [t for tok in gfm for t in (tok.children or []) if t.type == "link_open"]
        tokens = markdown_tokens(text)
        assert not [t for t in tokens if t.type in {"html_block", "html_inline", "link_open"}]
        assert not [t for t in tokens if t.type in {"image", "code_inline"}]
        assert not [t for t in tokens if t.type == "ordered_list_open"]
        titles = [
            "".join(child.content for child in (tokens[n + 1].children or []))
            for n, token in enumerate(tokens)
            if token.type == "heading_open"
        ]
        assert titles[0] == "<b>Klinikka</b> #1 | =1+1"
        assert "<i>Teema</i> *1* ###" in titles
        seen = markdown_text(text)
        for value in [*HOSTILE[2:6], HOSTILE[-1]]:  # headings, lists, tables, links: as typed
            assert one_line(value) in seen
    elif file_format == "html":
        page = parsed_html(data)
        assert not page.findall(".//script") and not page.findall(".//b")
        assert not page.findall(".//i") and not page.findall(".//a")
        seen = text_of(page)
        for value in HOSTILE:
            assert one_line(value) in seen
        assert "leikepöytä punainen käänteinen" in seen
    else:
        cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
        for value in HOSTILE[6:10]:
            assert "'" + value in cells
        assert "'=Maija <Virtanen>" in cells


# ---------------------------------------------------------------------------- anonymised


def names_in_database(engine: Engine, clinic_id: int) -> set[str]:
    """Every person's name and organisation the database holds for the clinic."""
    clinic = export_document(engine, [clinic_id]).clinics[0]
    names = {clinic.facilitator, clinic.note_taker}
    names |= {p.name for p in clinic.participants} | {p.organisation for p in clinic.participants}
    names |= {i.author for i in clinic.ideas} | {
        i.provenance.original_author or "" for i in clinic.ideas
    }
    names |= {b.voter for r in clinic.rounds for b in r.ballots if b.respondents is None}
    return {name for name in names if name.strip()}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("file_format", FORMATS)
def test_the_anonymised_variant_names_nobody(
    sample: tuple[Engine, int], file_format: str, language: str
) -> None:
    engine, clinic_id = sample
    names = names_in_database(engine, clinic_id)
    assert len(names) > 25  # participants, organisations, voters, facilitator, note-taker

    files = files_of(sample, file_format, language, anonymize=True)
    text = b"".join(files.values()).decode("utf-8-sig").casefold()

    left = sorted(name for name in names if name.casefold() in text)
    assert left == []
    if file_format in {"md", "html"}:
        # Said so, and where a name was written in a text it is replaced, not deleted.
        seen = markdown_text(text) if file_format == "md" else text
        assert {"fi": "anonymisoitu", "sv": "anonymiserad", "en": "anonymised"}[language] in seen
        placeholder = {"fi": "[nimi poistettu]", "sv": "[namn borttaget]", "en": "[name removed]"}
        assert placeholder[language] in seen


def test_the_anonymised_variant_forgets_no_deleted_name(engine: Engine) -> None:
    """A participant deleted (it can be undone, so the row stays), an idea's author once the
    idea was deleted: the texts may still name them, and the summary must not."""
    clinic = create_clinic(engine, "Klinikka", language="fi")
    person = participants.add_participant(
        engine, clinic.id, "Eero Esimerkki", organisation="Salaseura ry"
    )
    gone = ideas.capture_idea(engine, clinic.id, "Poistettava", author="Outi Oja")
    ideas.delete_ideas(engine, [gone.id])
    participants.delete_participant(engine, person.id)
    notes.add_note(
        engine, clinic.id, NoteKind.NEXT_STEP, "Eero Esimerkki (Salaseura ry) ja Outi Oja."
    )
    for _ in range(3):  # often enough to be in the word cloud, unless it is left out
        ideas.capture_idea(engine, clinic.id, "Lähetetään kutsu Virtaselle ja Esimerkille")
    participants.add_participant(engine, clinic.id, "Maija Virtanen")

    for file_format in FORMATS:
        data = render_export(engine, clinic.id, file_format, language="fi", anonymize=True)
        text = data.decode("utf-8-sig").casefold()
        for name in ("eero", "esimerkki", "salaseura", "outi oja"):
            assert name not in text, (file_format, name)
    page = parsed_html(render_export(engine, clinic.id, "html", language="fi", anonymize=True))
    words = [text_of(t) for t in page.find(".//figure[@class='cloud']").iter(f"{SVG}text")]
    assert "kutsu" in words and "virtaselle" not in words and "esimerkille" not in words
