"""The word cloud of the HTML summary: which words it counts, and the SVG it draws."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klinikka.exports.wordcloud import (
    ASCENT,
    DESCENT,
    MAX_FONT_SIZE,
    MIN_FONT_SIZE,
    _text_width,
    word_cloud_svg,
    word_counts,
)

SVG = "{http://www.w3.org/2000/svg}"
SAMPLE = Path(__file__).parent.parent / "sample_data" / "verkkoklinikka-2026-11-03.json"

Box = tuple[float, float, float, float]


def sample_ideas() -> list[str]:
    clinic = json.loads(SAMPLE.read_text(encoding="utf-8"))["clinics"][0]
    return [idea["text"] for idea in clinic["ideas"]]


def many_ideas(count: int, seed: int = 1) -> list[str]:
    """Ideas made of the sample's words, some much more frequent than others."""
    words = " ".join(sample_ideas()).split()
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(words[: rng.randint(10, len(words))]) for _ in range(12))
        for _ in range(count)
    ]


def drawn(svg: str) -> list[tuple[str, int, int, int]]:
    """The words the SVG draws: text, x, baseline and font size, as emitted."""
    root = ET.fromstring(svg)
    return [
        (
            text.text or "",
            int(text.attrib["x"]),
            int(text.attrib["y"]),
            int(text.attrib["font-size"]),
        )
        for text in root.iter(f"{SVG}text")
    ]


def box(word: str, x: int, y: int, size: int) -> Box:
    """The box a word takes, from the attributes the SVG gives it (text-anchor is middle)."""
    half = _text_width(word, size) / 2
    return (x - half, y - ASCENT * size, x + half, y + DESCENT * size)


def assert_laid_out(svg: str, width: int = 720, height: int = 360) -> list[Box]:
    boxes = [box(*word) for word in drawn(svg)]
    for left, top, right, bottom in boxes:
        assert 0 <= left < right <= width
        assert 0 <= top < bottom <= height
    for index, (left, top, right, bottom) in enumerate(boxes):
        for other in boxes[index + 1 :]:
            apart = right <= other[0] or other[2] <= left or bottom <= other[1] or other[3] <= top
            assert apart, (boxes[index], other)
    return boxes


# ---------------------------------------------------------------- counting words


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_stop_words_of_all_three_languages_are_left_out(language: str) -> None:
    ideas = [
        "Meidän pitäisi myös, ja että esim. kotihoito",
        "Vi borde också att och kotihoito",
        "We should also have the and kotihoito",
    ]
    assert word_counts(ideas, language) == [("kotihoito", 3)]


def test_short_words_and_numbers_are_left_out() -> None:
    ideas = ["Ok, 24 h ja 2026 x² ½½½ Ⅻ: kotihoito ja covid-19"]
    assert word_counts(ideas, "fi") == [("covid", 1), ("kotihoito", 1)]


def test_domain_words_of_the_english_list_stay() -> None:
    ideas = ["Home care for older people; research with young people"]
    words = dict(word_counts(ideas, "en"))
    assert {"home", "older", "research", "young"} <= words.keys()


def test_finnish_inflections_are_one_word_shown_in_their_most_frequent_form() -> None:
    ideas = ["Palvelu ja palvelut", "Palveluja, palvelut!", "Palveluja palvelut kotihoito"]
    assert word_counts(ideas, "fi") == [("palvelut", 6), ("kotihoito", 1)]


def test_a_tie_between_forms_is_shown_as_the_alphabetically_first() -> None:
    assert word_counts(["palvelut palveluja"], "fi") == [("palveluja", 2)]


def test_the_stemmer_is_the_export_language() -> None:
    assert word_counts(["services service"], "en") == [("service", 2)]
    assert word_counts(["tjänster tjänsten tjänst"], "sv") == [("tjänst", 3)]
    # The Finnish stemmer does not know English plurals.
    assert len(word_counts(["services service"], "fi")) == 2


def test_words_are_sorted_by_count_then_alphabetically() -> None:
    ideas = ["kotihoito omaishoito", "omaishoito vertaistuki", "vertaistuki arviointi"]
    assert word_counts(ideas, "fi") == [
        ("omaishoito", 2),
        ("vertaistuki", 2),
        ("arviointi", 1),
        ("kotihoito", 1),
    ]


def test_case_and_unicode_forms_do_not_split_a_word() -> None:
    decomposed = "Ka\u0308vija\u0308"  # a + combining diaeresis, as some keyboards type it
    ideas = [f"KÄVIJÄ kävijä {decomposed}", "STRASSE Straße"]
    assert word_counts(ideas, "fi") == [("kävijä", 3), ("strasse", 2)]


def test_a_letter_without_a_composed_form_keeps_its_mark() -> None:
    # x̂ has no precomposed character: the mark must not split the word.
    assert word_counts(["ax\u0302yz"], "en") == [("ax\u0302yz", 1)]


def test_hyphenated_compounds_stay_one_word() -> None:
    ideas = ["Sote-palvelut", "sote\u2011palvelut ja hyte-kerroin"]
    assert word_counts(ideas, "fi") == [("sote-palvelut", 2), ("hyte-kerroin", 1)]


def test_excluded_names_are_left_out_whatever_their_case_or_inflection() -> None:
    ideas = [
        "ANNA-LIISA Aaltonen ehdotti kotihoitoa",
        "Kiitos Annalle ja Liisalle, Aaltosen malli toimii",
        "anna-liisa: kotihoitoa",
    ]
    counts = dict(word_counts(ideas, "fi", exclude=["anna-liisa AALTONEN"]))
    assert counts.keys() == {"ehdotti", "kotihoitoa", "malli", "toimii"}
    assert counts["kotihoitoa"] == 2


def test_the_anonymisation_placeholder_is_left_out() -> None:
    ideas = ["Osallistuja 3: kotihoito", "osallistujan mielestä vertaistuki"]
    words = {word for word, _ in word_counts(ideas, "fi", exclude=["Osallistuja"])}
    assert words == {"kotihoito", "vertaistuki"}


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="de"):
        word_counts(["Hausbesuche"], "de")


# ---------------------------------------------------------------- the SVG


def test_the_svg_is_one_titled_element() -> None:
    svg = word_cloud_svg(sample_ideas(), "fi", title="Ideat: sanapilvi")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 720 360"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == "Ideat: sanapilvi"
    assert root.get("aria-labelledby") == title.get("id")
    assert {child.tag for child in root} == {f"{SVG}title", f"{SVG}text"}


def test_the_sample_clinic_gives_a_cloud_of_its_words() -> None:
    ideas = sample_ideas()
    svg = word_cloud_svg(ideas, "fi", title="Sanapilvi")
    words = drawn(svg)
    counted = word_counts(ideas, "fi")
    assert len(words) >= 40
    # The most frequent word comes first, largest and in the middle.
    first, x, y, size = words[0]
    assert first == counted[0][0]
    assert size == max(size for _, _, _, size in words)
    left, top, right, bottom = box(first, x, y, size)
    assert left < 360 < right
    assert top < 180 < bottom
    assert_laid_out(svg)


@pytest.mark.parametrize(("width", "height"), [(720, 360), (300, 300), (1000, 200)])
def test_words_never_overlap_nor_leave_the_picture(width: int, height: int) -> None:
    svg = word_cloud_svg(many_ideas(500), "fi", title="x", width=width, height=height)
    assert ET.fromstring(svg).get("viewBox") == f"0 0 {width} {height}"
    assert len(assert_laid_out(svg, width, height)) >= 8


def test_every_word_is_drawn_when_there_is_room() -> None:
    ideas = many_ideas(300)
    top = word_counts(ideas, "fi")[:25]
    svg = word_cloud_svg(ideas, "fi", title="x", max_words=25, width=2000, height=1000)
    assert [word for word, *_ in drawn(svg)] == [word for word, _ in top]


def test_a_word_too_long_for_the_picture_is_left_out() -> None:
    long_word = "terveydenhuolto" * 6
    svg = word_cloud_svg([long_word, "kotihoito"], "fi", title="x", width=400, height=200)
    assert [word for word, *_ in drawn(svg)] == ["kotihoito"]


def test_font_size_grows_with_the_square_root_of_the_count() -> None:
    ideas = ["kotihoito"] * 4 + ["vertaistuki"]
    sizes = {word: size for word, _, _, size in drawn(word_cloud_svg(ideas, "fi", title="x"))}
    assert sizes["kotihoito"] == 2 * sizes["vertaistuki"]
    svg = word_cloud_svg(many_ideas(2000), "fi", title="x")
    sizes_in_order = [size for _, _, _, size in drawn(svg)]
    assert sizes_in_order == sorted(sizes_in_order, reverse=True)
    assert sizes_in_order[0] == MAX_FONT_SIZE
    assert min(sizes_in_order) >= MIN_FONT_SIZE


def test_colours_are_dark_on_white_and_differ_between_neighbours() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    root = ET.fromstring(word_cloud_svg(sample_ideas(), "fi", title="x"))
    colours = [text.get("fill", "") for text in root.iter(f"{SVG}text")]
    assert len(set(colours[:4])) == 4
    for colour in set(colours):
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, colour


@pytest.mark.parametrize(
    ("word", "width_in_dejavu_sans"),
    [
        ("kotihoito", 4.388),
        ("elintapaohjauksen", 9.176),
        ("hyvinvointialueilla", 9.100),
        ("sote-palvelut", 6.537),
        ("muumimamma", 7.642),
        ("www", 2.454),
        ("ääöå", 2.450),
        ("yhteiskehittäminen", 9.669),
    ],
)
def test_the_boxes_checked_hold_the_words_in_the_widest_font_of_the_stack(
    word: str, width_in_dejavu_sans: float
) -> None:
    # Advance widths and the heights of å and g in DejaVu Sans (wider than Arial, Helvetica,
    # Liberation Sans and Segoe UI), in ems; a box smaller than the word would let words touch.
    assert _text_width(word, 100) >= 100 * width_in_dejavu_sans
    assert ASCENT >= 0.878
    assert DESCENT >= 0.208


def test_the_same_ideas_give_the_same_bytes_in_any_order() -> None:
    ideas = many_ideas(400)
    svg = word_cloud_svg(ideas, "fi", title="Sanapilvi")
    shuffled = ideas[:]
    random.Random(7).shuffle(shuffled)
    assert word_cloud_svg(shuffled, "fi", title="Sanapilvi") == svg
    assert word_cloud_svg(iter(ideas), "fi", title="Sanapilvi") == svg


def test_no_words_give_no_picture() -> None:
    assert word_cloud_svg([], "fi", title="x") == ""
    assert word_cloud_svg(["ja että myös, the and, och att 2026"], "fi", title="x") == ""
    assert word_cloud_svg(["Anna Aaltonen"], "fi", exclude=["Anna Aaltonen"], title="x") == ""
    assert word_cloud_svg(["kotihoito"], "fi", title="x", max_words=0) == ""


def test_hostile_ideas_stay_text() -> None:
    ideas = [
        "<script>alert(1)</script> kotihoito",
        "&amp; &lt;b&gt; \"quotes\" 'single' vertaistuki",
        "\x1b]52;c;cGFzc3dvcmQ=\x07 leikepöytä \x1b[31mpunainen\x1b[0m",
        "emoji 🎉👩‍⚕️ kotihoito",
        "\u202eשירותי בריאות\u202c الرعاية الصحية",
        "pitkä " * 1700,
        "\ufffe\uffff\x00 nollamerkki",
    ]
    title = '</title><script>alert("x")</script> & Sanapilvi\x1b[2J'
    svg = word_cloud_svg(ideas, "fi", title=title)
    root = ET.fromstring(svg)
    assert {element.tag for element in root.iter()} == {f"{SVG}svg", f"{SVG}title", f"{SVG}text"}
    assert "<script" not in svg
    assert "\x1b" not in svg
    assert "\u202e" not in svg
    title_element = root.find(f"{SVG}title")
    assert title_element is not None
    assert title_element.text == '</title><script>alert("x")</script> & Sanapilvi'
    words = {word for word, *_ in drawn(svg)}
    assert {"script", "alert", "quotes", "leikepöytä", "punainen", "pitkä"} <= words
    assert {"בריאות", "الصحية"} <= words
    # The clipboard payload of the escape sequence is not left behind as a word.
    assert not any("cgfz" in word for word in words)
    assert_laid_out(svg)


def test_heavy_modules_are_imported_only_when_a_cloud_is_made() -> None:
    heavy = ("snowballstemmer", "Stemmer", "stop_words")
    code = (
        "import sys, klinikka.exports.wordcloud as w\n"
        f"print(any(name in sys.modules for name in {heavy!r}))\n"
        "w.word_counts(['kotihoito'], 'fi')\n"
        f"print(all(name in sys.modules for name in {heavy[::2]!r}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


IDEA_WORDS = [
    "kotihoito",
    "palveluja",
    "palvelut",
    "sote-palvelut",
    "ikääntyneiden",
    "vertaistuki",
    "<script>",
    "&amp;",
    '"quotes"',
    "\x1b]52;c;eA==\x07",
    "🎉",
    "שירותי",
    "ka\u0308vija\u0308",
    "ja",
    "the",
    "och",
]
# Arbitrary text, and ideas made of real and hostile words, so that many examples have a cloud.
IDEAS = st.lists(
    st.one_of(st.text(max_size=200), st.lists(st.sampled_from(IDEA_WORDS)).map(" ".join)),
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(
    ideas=IDEAS,
    exclude=st.lists(st.text(max_size=20), max_size=3),
    title=st.text(max_size=40),
    language=st.sampled_from(["fi", "sv", "en"]),
)
def test_any_text_gives_well_formed_svg_or_nothing(
    ideas: list[str], exclude: list[str], title: str, language: str
) -> None:
    svg = word_cloud_svg(ideas, language, exclude=exclude, title=title, width=480, height=240)
    counted = word_counts(ideas, language, exclude=exclude)
    if not svg:
        # Even at the largest size, a word of eight letters fits a picture that wide.
        assert all(len(word) > 8 for word, _ in counted[:60])
        return
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title") is not None
    words = drawn(svg)
    assert words
    assert {word for word, *_ in words} <= {word for word, _ in counted}
    assert_laid_out(svg, 480, 240)
