"""Importers of ideas: each format on its sample, the files refused, detection, and fuzzing."""

from __future__ import annotations

import codecs
import io
import unicodedata
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klinikka.errors import ImportFormatError
from klinikka.importers import csv_list, padlet, plain, teams, zoom
from klinikka.importers.base import (
    EMPTY_MESSAGE,
    MAX_FILE_BYTES,
    MAX_NAME,
    MAX_TEXT,
    OUTSIDE_MESSAGE,
    PRIVATE,
    REACTION,
    SYSTEM,
    TOO_LONG,
    CsvColumns,
    Parsed,
)
from klinikka.importers.decoding import read_text
from klinikka.importers.detect import detect, parse_file
from klinikka.paths import sample_data_dir

SAMPLES = sample_data_dir() / "imports"
COLUMNS = CsvColumns(text="idea", author="NIMI", group="Ryhmä")


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def texts(parsed: Parsed) -> list[str]:
    return [item.text for item in parsed.items]


def reasons(parsed: Parsed) -> list[tuple[int, str]]:
    return [(skip.line, skip.reason) for skip in parsed.skipped]


def padlet_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_limits_are_the_services_own() -> None:
    from klinikka.services import _base

    assert MAX_TEXT == _base.MAX_TEXT
    assert MAX_NAME == _base.MAX_NAME
    assert MAX_FILE_BYTES == 20 * 1024 * 1024


# Padlet


def test_padlet_csv_gives_posts_with_authors_times_and_sections() -> None:
    parsed = parse_file(sample("padlet.csv"), "padlet.csv")
    assert parsed.format == "padlet"
    assert len(parsed.items) == 11
    first = parsed.items[0]
    assert first.text == (
        "Matalan kynnyksen neuvonta\nNeuvontapiste kirjastoon, jossa hyvinvointialueen ja"
        " järjestöjen työntekijät päivystävät yhdessä kerran viikossa."
    )
    assert (first.author, first.time, first.section, first.line) == (
        "Aino Laine",
        datetime(2026, 11, 3, 9, 12, 44, tzinfo=UTC),  # Padlet writes UTC: kept
        "Ennaltaehkäisy",
        2,
    )
    # A section written in another case is the same section; the order is of first posts.
    assert parsed.sections == ["Ennaltaehkäisy", "Digipalvelut", "Järjestöyhteistyö"]
    by_author = {item.author: item for item in parsed.items}
    assert by_author["Hanna Rantanen"].section == "Ennaltaehkäisy"
    assert by_author["Ville Lehtonen"].section == ""
    # An anonymous post has no author; a subject alone is the text; the link is kept.
    anonymous = parsed.items[2]
    assert anonymous.author == "" and anonymous.text.startswith("Ikäihmisten yksinäisyyteen")
    assert by_author["Jussi Heikkinen"].text == "Yksi kirjautuminen kaikkiin sote-digipalveluihin"
    assert by_author["Sara Lindholm"].text.endswith("\nhttps://www.suomi.fi/palvelut")
    assert by_author["Liisa Nieminen"].text == (
        "Digituki kirjastoihin\nOpastusta Omaolon ja Maisan käyttöön.\n"
        "Vertaisopastajina eläkeläisjärjestöjen vapaaehtoiset."
    )
    assert reasons(parsed) == [(8, padlet.EMPTY_POST), (9, padlet.ATTACHMENT_ONLY)]
    assert parsed.skipped[0].excerpt == "Marja Koskinen"


def test_padlet_zip_reads_the_csv_inside() -> None:
    from_zip = parse_file(sample("padlet.zip"), "padlet.zip")
    from_csv = parse_file(sample("padlet.csv"), "padlet.csv")
    assert from_zip == from_csv


def test_padlet_zip_takes_the_largest_csv_and_ignores_mac_resource_files() -> None:
    posts = "Subject,Body,Author\nIso taulu,Kaikki postaukset,Aino\nToinen,Teksti,Pekka\n"
    data = padlet_zip(
        {
            "__MACOSX/._board.csv": b"\x00\x05\x16\x07" * 200,
            "sections.csv": b"Subject,Body,Author\nPieni,,\n",
            "board/board.csv": posts.encode(),
        }
    )
    assert texts(padlet.parse_zip(data)) == ["Iso taulu\nKaikki postaukset", "Toinen\nTeksti"]


def test_padlet_in_finnish_with_semicolons() -> None:
    text = (
        "Otsikko;Sisältö;Tekijä;Luotu;Osio\n"
        "Palveluohjaus;Yksi numero koko alueelle;Aino Laine;3.11.2026 9.12;Palvelut\n"
        ";Palveluohjaus yhteen numeroon;anonyymi;huomenna;\n"
    )
    parsed = padlet.parse(text)
    assert texts(parsed) == [
        "Palveluohjaus\nYksi numero koko alueelle",
        "Palveluohjaus yhteen numeroon",
    ]
    assert parsed.items[0].time == datetime(2026, 11, 3, 9, 12)
    # A time that cannot be read is no time, and Padlet's "anonymous" is no author.
    assert (parsed.items[1].time, parsed.items[1].author) == (None, "")
    assert parsed.sections == ["Palvelut"]


def test_padlet_body_in_html_becomes_plain_text() -> None:
    body = "<p>Digituki&nbsp;kirjastoihin</p><p>ja <b>neuvolaan</b></p>"
    text = f'Body,Author,Section\n"{body}",Aino,A\n'
    assert texts(padlet.parse(text)) == ["Digituki\xa0kirjastoihin\nja neuvolaan"]


def test_a_csv_without_subject_or_body_is_not_padlet() -> None:
    with pytest.raises(ImportFormatError, match="not a Padlet export"):
        padlet.parse("Idea;Nimi\nJotain;Aino\n")


@pytest.mark.parametrize(
    "data, message",
    [
        (sample("padlet.zip")[:700], "damaged or incomplete"),
        (b"PK\x03\x04" + bytes(60), "damaged or incomplete"),
        (padlet_zip({"kuva.jpg": b"\xff\xd8\xff", "ohje.txt": b"hei"}), "no CSV file"),
    ],
)
def test_a_damaged_zip_or_one_without_a_csv_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse_file(data, "padlet.zip")


def test_a_csv_in_a_zip_over_the_limit_is_refused() -> None:
    data = padlet_zip({"board.csv": b"Subject\n" + b"a" * MAX_FILE_BYTES})
    assert len(data) < MAX_FILE_BYTES
    with pytest.raises(ImportFormatError, match="too large"):
        padlet.parse_zip(data)


# Zoom


def test_zoom_new_layout_keeps_replies_and_skips_reactions_and_private_messages() -> None:
    parsed = parse_file(sample("zoom-meeting_saved_chat.txt"), "meeting_saved_chat.txt")
    assert parsed.format == "zoom"
    assert [(item.line, item.author) for item in parsed.items] == [
        (1, "Mikko Korhonen"),
        (3, "Liisa Nieminen"),
        (9, "Sara Lindholm"),
        (17, "Tuomas Järvinen"),
        (19, "Elina Mäkelä (Pirkanmaan hyvinvointialue)"),
    ]
    reply = parsed.items[1]
    assert reply.text == "Samaa mieltä, ja numeroon vastaisi myös järjestöjen neuvonta."
    assert reply.time == datetime(1900, 1, 1, 10, 1, 5)
    assert parsed.items[2].text == (
        "Digituki kirjastoihin:\n- Omaolon ja Maisan käytön opastus\n"
        "- vertaisopastajina eläkeläisjärjestöjen vapaaehtoiset"
    )
    assert parsed.items[3].text.startswith("Kokemusasiantuntijat mukaan jo hankintojen valmist")
    assert reasons(parsed) == [(7, REACTION), (13, PRIVATE), (15, REACTION)]
    # A private message's skip says who wrote to whom, not what.
    assert parsed.skipped[1].excerpt == "Jussi Heikkinen → Aino Laine"


def test_zoom_private_messages_come_in_when_asked_for() -> None:
    parsed = parse_file(sample("zoom-meeting_saved_chat.txt"), "chat.txt", include_private=True)
    assert "Onko tallenne jaossa jälkikäteen?" in texts(parsed)
    assert PRIVATE not in [reason for _, reason in reasons(parsed)]


def test_zoom_old_layout_splits_at_the_first_spaced_colon() -> None:
    parsed = parse_file(sample("zoom-vanha.txt"), "zoom-vanha.txt")
    assert parsed.format == "zoom"
    assert [item.author for item in parsed.items] == [
        "Mikko Korhonen",
        "Liisa Nieminen",
        "Sara Lindholm",
        "Tuomas Järvinen",
    ]
    assert parsed.items[2].text == (
        "Digituki kirjastoihin: Omaolon ja Maisan käytön opastus.\n"
        "Vertaisopastajina eläkeläisjärjestöjen vapaaehtoiset."
    )
    assert parsed.items[3].text == (
        "Kokemusasiantuntijoille palkkio ja koulutus : ilman niitä mukaan tulevat aina samat"
        " ihmiset."
    )
    assert reasons(parsed) == [(5, PRIVATE), (6, REACTION)]


def test_zoom_oldest_layout_without_recipients_keeps_names_whole() -> None:
    text = "10:00:01\t From  Anna to Kivi : Hyvä idea\r\n10:00:09\t From  Pekka : Toinen\r\n"
    parsed = zoom.parse(text)
    assert [(item.author, item.text) for item in parsed.items] == [
        ("Anna to Kivi", "Hyvä idea"),
        ("Pekka", "Toinen"),
    ]


@pytest.mark.parametrize(
    "message, expected",
    [
        ('Replying to "Palveluohjaus yhteen..." Samaa mieltä!', "Samaa mieltä!"),
        ('Replying to "Lyhyt" Samaa "mieltä"', 'Samaa "mieltä"'),
        ('Replying to "Palveluohjaus yhteen...":\n\tSamaa mieltä!', "Samaa mieltä!"),
    ],
)
def test_zoom_replies_drop_the_quote(message: str, expected: str) -> None:
    parsed = zoom.parse(f"10:00:00 From Aino Laine to Everyone:\n\t{message}\n")
    assert texts(parsed) == [expected]


@pytest.mark.parametrize(
    "message",
    ['Removed a 👍 reaction from "Palveluohjaus"', "add 👍🏻", "remove ☝️", "+1", "!!"],
)
def test_zoom_reactions_are_skipped(message: str) -> None:
    parsed = zoom.parse(f"10:00:00 From Aino to Kaikki:\n\t{message}\n")
    assert (parsed.items, reasons(parsed)) == ([], [(1, REACTION)])


def test_zoom_odd_lines_become_skips() -> None:
    text = (
        "Tallennettu chat\n"
        "10:00:00 From Aino to Everyone:\n"
        "\n"
        "25:61:00 From Pekka to Everyone:\n"
        "\tAika ei ole kellonaika\n"
    )
    parsed = zoom.parse(text)
    assert reasons(parsed) == [(1, OUTSIDE_MESSAGE), (2, EMPTY_MESSAGE)]
    assert parsed.items[0].time is None


def test_a_text_without_zoom_headers_is_not_a_zoom_chat() -> None:
    with pytest.raises(ImportFormatError, match="not a Zoom chat"):
        zoom.parse("Palveluohjaus yhteen numeroon\n")


# Teams


def test_teams_in_finnish() -> None:
    parsed = parse_file(sample("teams-fi.txt"), "teams-fi.txt")
    assert parsed.format == "teams"
    assert [(item.line, item.author, item.time) for item in parsed.items] == [
        (1, "Riikka Ahonen", datetime(1900, 1, 1, 16, 20)),
        (8, "Mikko Korhonen", datetime(1900, 1, 1, 10, 2)),
        (12, "Hanna Rantanen", datetime(1900, 1, 1, 10, 3)),
        (18, "Liisa Nieminen", datetime(1900, 1, 1, 10, 5)),
        (22, "Tuomas Järvinen", datetime(1900, 1, 1, 10, 6)),
        (31, "Elina Mäkelä", datetime(2026, 11, 3, 10, 8)),
    ]
    assert texts(parsed)[0] == (
        "Ehdotan aiheeksi ikäihmisten yksinäisyyden: kotihoidon käynneillä voisi kysyä siitä"
        " rutiinisti."
    )
    assert texts(parsed)[3] == "Digituki kirjastoihin: Omaolon ja Maisan käytön opastus."
    assert texts(parsed)[4] == (
        "Kokemusasiantuntijoille palkkio ja koulutus.\nMukaan jo hankintojen valmisteluun."
    )
    assert reasons(parsed) == [(5, SYSTEM), (16, SYSTEM), (27, REACTION), (35, SYSTEM)]


def test_teams_in_english() -> None:
    parsed = parse_file(sample("teams-en.txt"), "teams-en.txt")
    assert parsed.format == "teams"
    assert [(item.author, item.time) for item in parsed.items] == [
        ("Sara Lindholm", datetime(1900, 1, 1, 10, 2)),
        ("Mikko Korhonen", datetime(1900, 1, 1, 10, 4)),
        ("Liisa Nieminen", datetime(1900, 1, 1, 10, 5)),
        ("Elina Mäkelä", datetime(2026, 11, 3, 10, 7)),
    ]
    assert texts(parsed)[1] == (
        "One phone number for service guidance across the whole wellbeing services county."
    )
    assert texts(parsed)[2].endswith("\nVolunteers from pensioners' associations as peer tutors.")
    assert reasons(parsed) == [(1, SYSTEM), (11, SYSTEM), (22, REACTION), (26, SYSTEM)]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("10:42 AM", datetime(1900, 1, 1, 10, 42)),
        ("12:05 AM", datetime(1900, 1, 1, 0, 5)),
        ("1:15 PM", datetime(1900, 1, 1, 13, 15)),
        ("Yesterday 10:42 AM", datetime(1900, 1, 1, 10, 42)),
        ("Monday 4:42 PM", datetime(1900, 1, 1, 16, 42)),
        ("10.42", datetime(1900, 1, 1, 10, 42)),
        ("eilen 10.42", datetime(1900, 1, 1, 10, 42)),
        ("ma 10.42", datetime(1900, 1, 1, 10, 42)),
        ("3.11. 10.42", datetime(1900, 1, 1, 10, 42)),
        ("11/3 10:42 AM", datetime(1900, 1, 1, 10, 42)),
        ("3.11.2026 10.42", datetime(2026, 11, 3, 10, 42)),
        ("3.11.2026 klo 10.42", datetime(2026, 11, 3, 10, 42)),
        ("11/3/2026 10:42 AM", datetime(2026, 11, 3, 10, 42)),
        ("11/3/26, 10:42 AM", datetime(2026, 11, 3, 10, 42)),
        ("25/3/2026 9:00", datetime(2026, 3, 25, 9, 0)),
        ("2026-11-03 10:42", datetime(2026, 11, 3, 10, 42)),
        ("10.42 (muokattu)", datetime(1900, 1, 1, 10, 42)),
        ("igår 10:42", datetime(1900, 1, 1, 10, 42)),
        ("10.42 on hyvä aika", None),
        ("31.2. 10.00", None),
        ("25:00", None),
        ("13:00 PM", None),
        ("Aino Laine", None),
    ],
)
def test_teams_time_lines(line: str, expected: datetime | None) -> None:
    assert teams.time_of(line) == expected


def test_teams_classic_layout_with_bracketed_times() -> None:
    text = (
        "[3.11.2026 10.42] Aino Laine\nPalveluohjaus yhteen numeroon.\n"
        "[3.11.2026 10.44] Pekka Salo (External)\nDigituki kirjastoihin.\nJa neuvoloihin.\n"
    )
    parsed = parse_file(text.encode(), "chat.txt")
    assert parsed.format == "teams"
    assert [(item.author, item.time, item.text) for item in parsed.items] == [
        ("Aino Laine", datetime(2026, 11, 3, 10, 42), "Palveluohjaus yhteen numeroon."),
        ("Pekka Salo", datetime(2026, 11, 3, 10, 44), "Digituki kirjastoihin.\nJa neuvoloihin."),
    ]


def test_teams_edited_line_and_stray_lines() -> None:
    text = "Kopioitu chatista\nAino Laine\n10.42\nMuokattu\nIdea yksi\n"
    parsed = teams.parse(text)
    assert texts(parsed) == ["Idea yksi"]
    assert reasons(parsed) == [(1, OUTSIDE_MESSAGE)]


def test_a_text_without_teams_blocks_is_not_a_teams_chat() -> None:
    with pytest.raises(ImportFormatError, match="not a Teams chat"):
        teams.parse("Palveluohjaus yhteen numeroon\nDigituki kirjastoihin\n")


# Plain text


def test_plain_text_one_idea_a_line_without_list_markers() -> None:
    parsed = parse_file(sample("ideat.txt"), "ideat.txt")
    assert parsed.format == "text"
    assert len(parsed.items) == 8
    assert texts(parsed)[:5] == [
        "Palveluohjaus yhteen numeroon koko hyvinvointialueella",
        "Digituki kirjastoihin: Omaolon ja Maisan käytön opastus",
        "Järjestöjen palvelut näkyviin hyvinvointialueen palvelukarttaan",
        "Kokemusasiantuntijoille palkkio ja koulutus",
        "Perhekeskukseen avoin kohtaamispaikka vauvaperheille",
    ]
    # A lone ordinal is not a list number; "Name:" is not read as an author.
    assert texts(parsed)[7] == "3. sektorin rooli ennaltaehkäisyssä näkyväksi"
    assert all(item.author == "" for item in parsed.items)
    assert [item.line for item in parsed.items] == list(range(1, 9))


def test_plain_text_by_paragraphs() -> None:
    parsed = parse_file(sample("ideat-kappaleet.txt"), "ideat-kappaleet.txt")
    assert [item.line for item in parsed.items] == [1, 4, 7, 10, 14]
    assert texts(parsed)[0] == (
        "Palveluohjaus yhteen numeroon koko hyvinvointialueella. Asiakkaan ei pitäisi joutua\n"
        "tietämään, kuuluuko asia sosiaali- vai terveyspuolelle."
    )
    assert texts(parsed)[3] == (
        "Kokemusasiantuntijat mukaan jo hankintojen valmisteluun:\n- palkkio ja koulutus\n"
        "- asiakasraati jokaiselle palvelualueelle"
    )


def test_plain_text_numbered_lists_blocks_of_items_and_separators() -> None:
    text = (
        "1. Palveluohjaus: yksi numero\n2) Digituki\n\n-----\n\n"
        "Kokemusasiantuntijat mukaan\nhankintoihin asti\n\n- Neuvola\n- Kotihoito\n"
    )
    parsed = plain.parse(text)
    assert texts(parsed) == [
        "Palveluohjaus: yksi numero",
        "Digituki",
        "Kokemusasiantuntijat mukaan\nhankintoihin asti",
        "Neuvola",
        "Kotihoito",
    ]
    assert reasons(parsed) == [(4, plain.NO_WORDS)]


def test_cp1252_text_reads_right() -> None:
    parsed = parse_file(sample("ideat-ansi.txt"), "ideat-ansi.txt")
    assert (
        texts(parsed)[3] == "Kokemusasiantuntijoille palkkio ja koulutus – mukaan jo hankintoihin"
    )
    assert texts(parsed)[4] == "Päivätoimintaa myös iltaisin työssäkäyville omaishoitajille"


# Generic CSV


@pytest.mark.parametrize("name", ["lista.csv", "lista-utf16.csv"])
def test_generic_csv_with_named_columns(name: str) -> None:
    parsed = parse_file(sample(name), name, "csv", columns=COLUMNS)
    assert parsed.format == "csv"
    assert [(item.line, item.author, item.group) for item in parsed.items] == [
        (2, "Mikko Korhonen", "Ammattilainen"),
        (3, "Liisa Nieminen", "Järjestö"),
        (4, "Sara Lindholm", "Järjestö"),
        (5, "Tuomas Järvinen", "Asukas tai asiakas"),
        (7, "", "Julkishallinto"),
        (8, "Elina Mäkelä", "Tutkimus ja koulutus"),
        (9, "Jussi Heikkinen", "Yritys"),
    ]
    assert texts(parsed)[1] == (
        "Digituki kirjastoihin; vertaisopastajina eläkeläisjärjestöjen vapaaehtoiset"
    )
    assert texts(parsed)[5] == (
        "Opinnäytetyöt kootusti yhteen paikkaan\nja tulokset verkoston käyttöön"
    )
    assert reasons(parsed) == [(6, csv_list.EMPTY_CELL)]


def test_columns_given_with_auto_read_the_file_as_csv() -> None:
    parsed = parse_file(sample("lista.csv"), "lista.csv", columns=CsvColumns("Idea"))
    assert len(parsed.items) == 7 and parsed.items[0].author == ""


def test_a_missing_column_is_named_with_the_columns_the_file_has() -> None:
    with pytest.raises(ImportFormatError) as caught:
        csv_list.parse(sample("lista.csv").decode(), CsvColumns("Teksti", author="Nimi"))
    assert str(caught.value) == (
        "The file has no column “Teksti”; its columns are: “Idea”, “Nimi”, “Ryhmä”."
    )


def test_csv_without_named_columns_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="Name the column"):
        parse_file(sample("lista.csv"), "lista.csv", "csv")


def test_too_long_texts_are_skipped_not_cut() -> None:
    longest, too_long, huge = "a" * MAX_TEXT, "b" * (MAX_TEXT + 1), "c" * 200_000
    text = f"Idea,Nimi\n{longest},Aino\n{too_long},Pekka\n{huge},Liisa\nViimeinen,Ville\n"
    parsed = csv_list.parse(text, CsvColumns("Idea", "Nimi"))
    assert texts(parsed) == [longest, "Viimeinen"]
    assert reasons(parsed) == [(3, TOO_LONG), (4, TOO_LONG)]
    assert [item.text for item in plain.parse(f"{too_long}\nLyhyt\n").items] == ["Lyhyt"]


def test_control_characters_and_escapes_never_reach_an_idea() -> None:
    text = (
        "10:00:00 From Ai\x1b[31mno\x07 Laine to Everyone:\n"
        "\tIdea\x1b]52;c;bWFsaWNpb3Vz\x07 tähän\u202e\x00\n"
    )
    item = zoom.parse(text).items[0]
    assert (item.author, item.text) == ("Aino Laine", "Idea tähän")


# Reading bytes


@pytest.mark.parametrize(
    "data",
    [b"", b" \n\t\r\n  ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\r\n", "  \n".encode("utf-16")],
)
def test_an_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ImportFormatError, match="empty"):
        read_text(data)
    with pytest.raises(ImportFormatError, match="empty"):
        parse_file(data, "ideat.txt")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"SQLite format 3\x00" + bytes(100), "an SQLite database"),
        (b"Idea\x00Nimi\x00\x00\x01\x02 rivi", "binary"),
        (b"\x01\x02\x03\x04abc" * 50, "binary"),
        (padlet_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"}), "Excel"),
        (padlet_zip({"word/document.xml": b"<w/>"}), "a Word document"),
    ],
)
def test_a_binary_file_is_refused_with_what_it_is(data: bytes, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        parse_file(data, "ideat.txt")


def test_a_zip_where_text_is_expected_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="a ZIP archive"):
        parse_file(sample("padlet.zip"), "padlet.zip", "text")


def test_a_file_over_the_limit_is_refused_before_it_is_read() -> None:
    data = b"a" * (MAX_FILE_BYTES + 1)
    with pytest.raises(ImportFormatError, match="at most 20 MB"):
        parse_file(data, "ideat.txt")
    with pytest.raises(ImportFormatError, match="at most 20 MB"):
        parse_file(b"PK\x03\x04" + data, "padlet.zip")


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + "Päivä\r\nyö\r".encode(),
        "Päivä\nyö\n".encode(),
        "Päivä\r\nyö\r\n".encode("cp1252"),
        "Päivä\r\nyö\r\n".encode("utf-16"),
        codecs.BOM_UTF16_BE + "Päivä\nyö\n".encode("utf-16-be"),
        "Päivä\nyö\n".encode("utf-16-le"),
        "Päivä\nyö\n".encode("utf-16-be"),
        "Pa\u0308iva\u0308\nyö\n".encode(),
    ],
)
def test_encodings_and_newlines(data: bytes) -> None:
    assert read_text(data).split() == ["Päivä", "yö"]
    assert "\r" not in read_text(data)
    assert unicodedata.is_normalized("NFC", read_text(data))


# Detection


@pytest.mark.parametrize(
    "name, expected",
    [
        ("padlet.csv", "padlet"),
        ("padlet.zip", "padlet"),
        ("zoom-meeting_saved_chat.txt", "zoom"),
        ("zoom-vanha.txt", "zoom"),
        ("teams-en.txt", "teams"),
        ("teams-fi.txt", "teams"),
        ("ideat.txt", "text"),
        ("ideat-kappaleet.txt", "text"),
        ("ideat-ansi.txt", "text"),
    ],
)
def test_every_sample_is_detected(name: str, expected: str) -> None:
    assert detect(sample(name), name) == expected


def test_a_klinikka_document_is_json_and_not_parsed_here() -> None:
    data = (sample_data_dir() / "verkkoklinikka-2026-11-03.json").read_bytes()
    assert detect(data, "export.json") == "json"
    with pytest.raises(ImportFormatError, match="klinikka JSON document"):
        parse_file(data, "export.json")
    assert detect(b"{ broken", "vienti.json") == "json"
    with pytest.raises(ImportFormatError, match="JSON but not a klinikka document"):
        detect(b'{"format": "padlet"}', "vienti.txt")


@pytest.mark.parametrize("name", ["lista.csv", "lista-utf16.csv"])
def test_a_generic_csv_needs_its_columns_named(name: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        detect(sample(name), name)
    message = str(caught.value)
    assert "“Idea”, “Nimi”, “Ryhmä”" in message and "--format csv" in message


def test_a_list_with_commas_is_text_unless_named_csv() -> None:
    data = b"Palveluohjaus, yksi numero\nDigituki, kirjastot\n"
    assert detect(data, "ideat.txt") == "text"
    with pytest.raises(ImportFormatError, match="CSV"):
        detect(data, "ideat.csv")


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="Unknown import format"):
        parse_file(b"idea", "ideat.txt", "xlsx")


# Whatever the input: a Parsed or an ImportFormatError, and clean items


FRAGMENTS = st.sampled_from(
    [
        "10:02:15 From Aino Laine to Everyone:",
        "10:02:15\t From  Aino : idea",
        "10:03 From Pekka to Pekka(Direct Message):",
        '\tReplying to "Palvelu..."',
        '\tReacted to "x" with 👍',
        "\t👍",
        "Aino Laine",
        "10.42",
        "eilen 10.42 (muokattu)",
        "[3.11. 10.42] Aino",
        "Pekka liittyi kokoukseen",
        "Subject,Body,Author,Section",
        "Otsikko;Sisältö;Osio",
        'a,"b\nc",d',
        '"',
        "- ",
        "1. ",
        "",
        "\r",
        "\x1b]52;c;eA==\x07",
        "\u202e",
        "\x00",
    ]
)
CHAT_LIKE = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=30).map("\n".join)
TEXTS = st.one_of(st.text(), CHAT_LIKE)


def controls(text: str) -> set[str]:
    return {char for char in text if unicodedata.category(char) == "Cc"}


def check(parsed: Parsed) -> None:
    assert isinstance(parsed, Parsed)
    for item in parsed.items:
        assert item.text and item.text == item.text.strip()
        assert len(item.text) <= MAX_TEXT
        assert controls(item.text) <= {"\n"}, item.text
        for name in (item.author, item.section, item.group):
            assert not controls(name) and len(name) <= MAX_NAME, name


def outcome(parse: object, *args: object, **kwargs: object) -> None:
    assert callable(parse)
    try:
        parsed = parse(*args, **kwargs)
    except ImportFormatError as error:
        assert error.translated("fi") and error.translated("en")
        return
    check(parsed)


PARSERS = [
    (padlet.parse, {}),
    (zoom.parse, {}),
    (zoom.parse, {"include_private": True}),
    (teams.parse, {}),
    (plain.parse, {}),
    (csv_list.parse, {"columns": CsvColumns("Body", "Author", "Section")}),
]


@pytest.mark.parametrize("parse, kwargs", PARSERS)
@settings(max_examples=150, deadline=None)
@given(text=TEXTS)
def test_any_text_gives_clean_ideas_or_a_format_error(parse, kwargs, text: str) -> None:  # type: ignore[no-untyped-def]
    outcome(parse, text, **kwargs)


@pytest.mark.parametrize("file_format", ["auto", "padlet", "zoom", "teams", "text", "csv"])
@settings(max_examples=100, deadline=None)
@given(data=st.one_of(st.binary(), TEXTS.map(str.encode), TEXTS.map(lambda t: t.encode("utf-16"))))
def test_any_bytes_give_clean_ideas_or_a_format_error(file_format: str, data: bytes) -> None:
    columns = CsvColumns("Body") if file_format == "csv" else None
    outcome(parse_file, data, "tiedosto.txt", file_format, columns=columns)


@settings(max_examples=100, deadline=None)
@given(data=st.binary())
def test_any_zip_gives_clean_ideas_or_a_format_error(data: bytes) -> None:
    damaged = sample("padlet.zip")
    cut = len(data) % len(damaged)
    outcome(padlet.parse_zip, damaged[:cut] + data + damaged[cut + len(data) :])


def test_the_samples_are_where_the_readme_says() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for path in sorted(Path(SAMPLES).iterdir()):
        if path.name != "README.md":
            assert f"`{path.name}`" in readme
