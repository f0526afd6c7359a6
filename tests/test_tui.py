"""The terminal app driven as a note-taker would: keys in, then the database and the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from klinikka.db import open_database
from klinikka.services import clinics, ideas, themes
from klinikka.tui.app import Settings, make_app
from klinikka.tui.screens.help import HelpScreen
from klinikka.tui.widgets.idea_list import IdeaList
from tui_helpers import idea_texts, open_workspace, refusal, started, until

HOSTILE = [
    "[/]",
    "[bold]x",
    "\x1b[31mpunainen\x1b[0m",
    "\x1b]52;c;aGVsbG8=\x07leikepöytä",
    "😀 emoji 👩‍⚕️",
    "e\u0301 combining",
    "مرحبا עברית",
    "\u202eoverride ei käänny",
    "x" * 10_000,
]


@pytest.fixture
def clinic_db(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "klinikka.db"
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Verkkoklinikka [/] 3.11.", language="fi")
    engine.dispose()
    return path, clinic.id


async def test_open_a_clinic_capture_an_idea_and_undo(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        capture = app.screen.query_one("#capture", Input)
        assert capture.has_focus
        await pilot.press(*"Maija Virtanen / resident: Neuvolat mukaan")
        await pilot.press("enter")
        await pilot.pause()
        assert capture.value == ""
        engine = open_database(path)
        [idea] = ideas.search_ideas(engine, clinic_id)
        assert (idea.text, idea.author, idea.group_name) == (
            "Neuvolat mukaan",
            "Maija Virtanen",
            "Asukas tai asiakas",
        )
        table = app.screen.query_one("#idea-list", IdeaList)
        assert table.row_count == 1
        assert table.shown_text(0) == "Neuvolat mukaan"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert ideas.search_ideas(engine, clinic_id) == []
        assert table.row_count == 0
        engine.dispose()


async def test_a_mistake_keeps_the_typed_text(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press(*"/ nosuchgroup: tärkeä idea", "enter")
        await pilot.pause()
        assert app.screen.query_one("#capture", Input).value == "/ nosuchgroup: tärkeä idea"
    assert idea_texts(path, clinic_id) == []


async def test_themes_are_created_and_ideas_moved_by_keyboard(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press(*"Etävastaanotot iltaisin", "enter")
        await pilot.press("f3")
        await pilot.press(*"Digipalvelut", "enter")
        await pilot.pause()
        await pilot.press("f2", "ctrl+t")
        await pilot.pause()
        await pilot.press("enter")  # it starts on the first theme
        await pilot.pause()
        # The themes phase shows the selected theme's ideas under the table.
        await pilot.press("f3")
        await pilot.pause()
        shown = str(app.screen.query_one("#theme-ideas", Static).content)
        assert "• Etävastaanotot iltaisin" in shown
    engine = open_database(path)
    [theme] = themes.list_themes(engine, clinic_id)
    [idea] = ideas.search_ideas(engine, clinic_id)
    assert (theme.name, idea.theme_name) == ("Digipalvelut", "Digipalvelut")
    engine.dispose()


async def test_hostile_text_is_shown_as_text(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_workspace(app, pilot)
        capture = app.screen.query_one("#capture", Input)
        for text in HOSTILE:
            capture.value = text
            await pilot.press("enter")
            await pilot.pause()
        table = app.screen.query_one("#idea-list", IdeaList)
        assert table.row_count == len(HOSTILE)
        shown = [table.shown_text(row) for row in range(table.row_count)]
        assert "[/]" in shown and "[bold]x" in shown
        drawn = ["".join(s.text for s in table.render_line(y)) for y in range(table.size.height)]
        for text in shown + drawn:
            assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
    assert len(idea_texts(path, clinic_id)) == len(HOSTILE)


async def test_another_klinikka_is_seen_live_without_losing_the_typing(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press(*"puolikas")
        other = open_database(path)
        ideas.capture_idea(other, clinic_id, "Toisen koneen idea")
        other.dispose()
        await pilot.pause(1.2)
        table = app.screen.query_one("#idea-list", IdeaList)
        assert table.row_count == 1
        assert app.screen.query_one("#capture", Input).value == "puolikas"


async def test_a_new_clinic_from_the_list(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await started(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Ensimmäinen klinikka", "enter")
        await pilot.pause()
        assert app.screen.query_one("#clinics", DataTable).row_count == 1
    engine = open_database(path)
    assert [c.title for c in clinics.list_clinics(engine)] == ["Ensimmäinen klinikka"]
    engine.dispose()


def seeded(path: Path) -> tuple[int, list[int], int]:
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Klinikka", language="en")
    lines = [
        "Maija Virtanen / resident: Neuvolat mukaan",
        "Pekka Ojala / company: Neuvolat mukaan heti",
        "/ ngo: Vertaistuki näkyviin",
        "Etävastaanotot iltaisin",
    ]
    idea_ids = [ideas.capture_line(engine, clinic.id, line).id for line in lines]
    theme = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    themes.create_theme(engine, clinic.id, "Digipalvelut")
    engine.dispose()
    return clinic.id, idea_ids, theme.id


async def test_several_marked_ideas_move_together_and_merge(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clinic_id, idea_ids, theme_id = seeded(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("up", "up", "up", "up", "shift+down", "shift+down", "ctrl+t")
        await pilot.pause()
        await pilot.press("enter")  # it starts on the first theme
        await pilot.pause()
        engine = open_database(path)
        by_id = {idea.id: idea for idea in ideas.search_ideas(engine, clinic_id)}
        assert [by_id[i].theme_id for i in idea_ids] == [theme_id, theme_id, None, None]
        # Mark the second, select the first, merge: one idea with both texts under it.
        await pilot.press("up", "up", "up", "down", "f6", "up", "f7")
        await pilot.pause()
        [first] = [i for i in ideas.search_ideas(engine, clinic_id) if i.id == idea_ids[0]]
        assert [child.text for child in first.merged] == ["Neuvolat mukaan heti"]
        assert app.screen.query_one("#idea-list", IdeaList).row_count == 3
        engine.dispose()


async def test_search_filters_by_text_group_theme_and_star(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    _clinic_id, _idea_ids, _theme = seeded(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        table = screen.query_one("#idea-list", IdeaList)

        async def search(text: str) -> int:
            await pilot.press("ctrl+f")
            await pilot.pause()
            field = app.screen.query_one("#answer", Input)
            field.value = text
            await pilot.press("enter")
            await pilot.pause()
            return table.row_count

        assert await search("neuvolat") == 2
        assert await search("@ngo") == 1
        assert await search("@nosuch") == 0
        await pilot.press("ctrl+s")  # nothing selected in an empty table: nothing happens
        assert await search("") == 4
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert await search("*") == 1
        assert await search("#digi") == 0


async def test_themes_are_described_and_reordered(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clinic_id, _ideas, _theme = seeded(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("f3", "alt+down")
        await pilot.pause()
        await pilot.press("f8")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = "Palvelut ajoissa"
        await pilot.press("enter")
        await pilot.pause()
    engine = open_database(path)
    listed = themes.list_themes(engine, clinic_id)
    assert [t.name for t in listed] == ["Digipalvelut", "Ennaltaehkäisy"]
    assert listed[1].description == "Palvelut ajoissa"
    engine.dispose()


async def test_an_error_with_markup_in_it_is_shown_not_parsed(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await open_workspace(app, pilot)
        await pilot.press(*"/ [/]: idea", "enter")
        await pilot.pause()
        assert app.screen.query_one("#capture", Input).value == "/ [/]: idea"
        assert "[/]" in refusal(app)
    assert idea_texts(path, clinic_id) == []


async def test_the_demo_imports_the_samples_after_its_first_frame(tmp_path: Path) -> None:
    from klinikka.paths import sample_data_dir

    samples = tuple(str(p) for p in sorted(sample_data_dir().glob("*.json")))
    app = make_app(Settings(database=str(tmp_path / "demo.db"), language="fi", imports=samples))
    async with app.run_test(size=(100, 32)) as pilot:
        await started(app, pilot)
        table = app.screen.query_one("#clinics", DataTable)
        await until(pilot, lambda: table.row_count == len(samples) >= 2)


async def test_the_command_palette_speaks_the_users_language(tmp_path: Path) -> None:
    from textual.command import CommandInput, CommandList

    path = tmp_path / "k.db"
    seeded(path)
    app = make_app(Settings(database=str(path), language="fi"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("f3", "ctrl+p")
        await until(pilot, lambda: bool(app.screen.query(CommandInput)))
        assert app.screen.query_one(CommandInput).placeholder == "Hae komentoja…"

        async def found(words: str) -> list[str]:
            field = app.screen.query_one(CommandInput)
            field.value = words
            await pilot.pause(0.7)  # the palette searches, then says when nothing matched
            options = app.screen.query_one(CommandList).options
            return [str(option.prompt) for option in options]

        assert any("Kuvaa teema" in shown for shown in await found("kuvaa"))
        # Starring belongs to the ideas phase: in the themes phase it is not offered.
        assert not any("Tähti" in shown for shown in await found("tähti"))
        assert any("Ei osumia" in shown for shown in await found("xyzzy"))
        assert any("Ohje" in shown for shown in await found("ohje"))
        assert any("Ajastin" in shown for shown in await found("ajastin"))


async def test_the_theme_dialog_starts_on_the_ideas_theme_and_takes_a_number_or_letters(
    clinic_db: tuple[Path, int],
) -> None:
    from textual.widgets import OptionList

    path, clinic_id = clinic_db
    engine = open_database(path)
    names = ["Digipalvelut", "Ennaltaehkäisy", "Järjestöyhteistyö"]
    made = [themes.create_theme(engine, clinic_id, name) for name in names]
    idea = ideas.capture_idea(engine, clinic_id, "Etävastaanotot iltaisin")
    ideas.move_ideas(engine, [idea.id], made[1].id)
    engine.dispose()
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: type(app.screen).__name__ == "Choose")
        choices = app.screen.query_one("#choices", OptionList)
        # On its own theme: Enter alone keeps it there instead of unassigning it.
        assert choices.get_option_at_index(choices.highlighted or 0).id == str(made[1].id)
        await pilot.press(*"jär")
        assert choices.get_option_at_index(choices.highlighted or 0).id == str(made[2].id)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("ctrl+t")
        await until(pilot, lambda: type(app.screen).__name__ == "Choose")
        await pilot.press("1")  # the first theme, at once
        await until(pilot, lambda: app.screen is screen)
        await app.workers.wait_for_complete()
    assert idea_texts(path, clinic_id) == ["Etävastaanotot iltaisin"]
    engine = open_database(path)
    [moved] = ideas.search_ideas(engine, clinic_id)
    engine.dispose()
    assert moved.theme_name == "Digipalvelut"


async def test_an_idea_gets_another_author_and_group_and_a_refusal_asks_again(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    engine = open_database(path)
    ideas.capture_line(engine, clinic_id, "Pekka Korhonen / yritys: Etäpalvelut")
    engine.dispose()
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("ctrl+e")  # the line is empty: the selected idea is edited
        await until(pilot, lambda: type(app.screen).__name__ == "AskText")
        answer = app.screen.query_one("#answer", Input)
        assert answer.value.startswith("Pekka Korhonen / ") and answer.value.endswith(
            ": Etäpalvelut"
        )
        answer.value = "Aino Laine / eiole: Etäpalvelut iltaisin"
        first = app.screen
        await pilot.press("enter")
        # Refused: asked again, with what was typed and why.
        await until(
            pilot, lambda: type(app.screen).__name__ == "AskText" and app.screen is not first
        )
        assert "eiole" in app.screen.query_one("#answer", Input).value
        assert "eiole" in str(app.screen.query_one("Label").render())
        app.screen.query_one("#answer", Input).value = "Aino Laine: Etäpalvelut iltaisin"
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await app.workers.wait_for_complete()
        await pilot.pause()
    engine = open_database(path)
    [idea] = ideas.search_ideas(engine, clinic_id)
    engine.dispose()
    assert (idea.text, idea.author) == ("Etäpalvelut iltaisin", "Aino Laine")
