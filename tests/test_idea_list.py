"""The workspace's idea list: which columns fit, and a long list a note-taker moves through."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual._compositor import LayoutUpdate
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from klinikka.db import open_database
from klinikka.services import clinics, ideas
from klinikka.tui.app import KlinikkaApp, Settings, make_app
from klinikka.tui.widgets.idea_list import COLUMNS, MARK_WIDTH, MIN_TEXT, IdeaList, layout
from tui_helpers import open_workspace, until

FIELDS = tuple(field for field, *_rest in COLUMNS)
IDEAS = 300
# Every tenth idea is longer than the list's text column at 80 columns: the list cuts it, the
# detail panel below shows it whole.
LONG = " ja pitkä perustelu, joka ei mahdu listan sarakkeeseen"


def token(n: int) -> str:
    """The start of idea ``n``'s text: unique, and short enough for any text column."""
    return f"idea-{n:03d}"


def idea_text(n: int) -> str:
    return token(n) + (LONG if n % 10 == 0 else " neuvolat mukaan")


def many_ideas(tmp_path: Path, count: int = IDEAS, language: str = "en") -> tuple[Path, int]:
    path = tmp_path / "k.db"
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Iso klinikka", language=language)
    for n in range(count):
        ideas.capture_idea(engine, clinic.id, idea_text(n))
    engine.dispose()
    return path, clinic.id


def screen_lines(app: KlinikkaApp) -> list[str]:
    """What the terminal shows, a string a line (why this way: test_hostile_views.screen_strips)."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)
    return ["".join(strip.text for strip in line) for line in update.strips]


def drawn(idea_list: IdeaList) -> list[str]:
    """The list's lines as drawn now, heading first."""
    return [idea_list.render_line(y).text for y in range(idea_list.size.height)]


def ids_by_text(path: Path, clinic_id: int) -> dict[str, int]:
    engine = open_database(path)
    try:
        return {idea.text: idea.id for idea in ideas.search_ideas(engine, clinic_id)}
    finally:
        engine.dispose()


# ---------------------------------------------------------------------- layout


def test_the_columns_always_fill_the_width_exactly() -> None:
    for width in range(MARK_WIDTH + 2, 401):
        sizes = [size for _field, size in layout(width)]
        assert sum(sizes) + len(sizes) - 1 == width, width


def test_the_idea_text_keeps_its_room_and_columns_come_in_order() -> None:
    shown_before = 0
    for width in range(MIN_TEXT + MARK_WIDTH + 1, 401):
        columns = layout(width)
        (mark, mark_size), (text, text_size), *rest = columns
        assert (mark, mark_size, text) == ("mark", MARK_WIDTH, "text")
        assert text_size >= MIN_TEXT, width
        # Shown in their order (author, theme, group); the theme, which grouping needs,
        # goes last when the list narrows, the group first.
        shown = tuple(field for field, _size in rest)
        assert shown == tuple(field for field in FIELDS if field in shown), width
        assert shown in {(), ("theme",), ("author", "theme"), FIELDS}, width
        assert len(rest) >= shown_before, width
        shown_before = len(rest)
        limits = {field: (least, most) for field, _heading, _share, least, most in COLUMNS}
        for field, size in rest:
            assert limits[field][0] <= size <= limits[field][1]


@pytest.mark.parametrize(
    ("width", "fields"),
    [
        # The list's width in an 80-column terminal (the counts panel takes 28, a scrollbar 2):
        # the theme stays, for grouping.
        (50, ("author", "theme")),
        (52, ("author", "theme")),
        (80, FIELDS),
        (90, FIELDS),  # 120 columns
        (130, FIELDS),  # 160 columns
        (160, FIELDS),
    ],
)
def test_typical_terminal_widths(width: int, fields: tuple[str, ...]) -> None:
    columns = dict(layout(width))
    assert tuple(columns)[2:] == fields
    assert columns["text"] >= MIN_TEXT


def test_a_wider_list_gives_the_idea_text_more_room() -> None:
    assert dict(layout(90))["text"] > dict(layout(50))["text"]
    assert dict(layout(160))["text"] > dict(layout(90))["text"]


# ---------------------------------------------------------------------- a long list


async def assert_selected_on_screen(
    app: KlinikkaApp, pilot: Pilot[None], idea_list: IdeaList, position: int
) -> None:
    await until(pilot, lambda: idea_list.cursor == position)
    assert idea_list.shown_text(position) == idea_text(position)
    lines = drawn(idea_list)
    assert any(token(position) in line for line in lines[1:]), (position, lines)
    # The detail panel shows the idea whole, even where the list cuts it short.
    detail = app.screen.query_one("#detail", Static)
    await until(pilot, lambda: str(detail.content).startswith(idea_text(position)))
    assert idea_text(position) in screen_lines(app)[detail.content_region.y]


async def test_moving_through_300_ideas_keeps_the_selected_one_on_screen(
    tmp_path: Path,
) -> None:
    path, _clinic_id = many_ideas(tmp_path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_workspace(app, pilot)
        idea_list = screen.idea_list
        assert idea_list.row_count == IDEAS
        position, scrolled = idea_list.cursor, 0.0
        # At 80×24 the list shows 13 ideas: more steps than that, both ways (and one past the
        # top), so the list must scroll to follow the cursor down and back up.
        assert idea_list.size.height - 1 < 20
        steps = [1] * 20 + [-1] * 21 + [1] * 2
        for step in steps:
            await pilot.press("down" if step > 0 else "up")
            position = max(0, min(IDEAS - 1, position + step))
            await assert_selected_on_screen(app, pilot, idea_list, position)
            scrolled = max(scrolled, idea_list.scroll_offset.y)
        assert scrolled > 0
        assert idea_list.scroll_offset.y == 0  # back near the top, the heading's row in view


async def test_a_typed_idea_is_selected_and_seen_at_the_end_of_a_long_list(
    tmp_path: Path,
) -> None:
    path, clinic_id = many_ideas(tmp_path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_workspace(app, pilot)
        idea_list = screen.idea_list
        # The cursor starts at the top: the new idea is a whole list away from it.
        assert idea_list.cursor < idea_list.size.height
        await pilot.press(*"Tuore idea viimeiseksi", "enter")
        await until(pilot, lambda: idea_list.row_count == IDEAS + 1)
        new_id = ids_by_text(path, clinic_id)["Tuore idea viimeiseksi"]
        assert idea_list.selected_id == new_id
        assert screen.query_one("#capture", Input).value == ""
        assert any("Tuore idea viimeiseksi" in line for line in drawn(idea_list)[1:])
    assert len(ids_by_text(path, clinic_id)) == IDEAS + 1


async def test_marks_and_the_cursor_survive_another_klinikkas_idea(tmp_path: Path) -> None:
    path, clinic_id = many_ideas(tmp_path, count=30)
    by_text = ids_by_text(path, clinic_id)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_workspace(app, pilot)
        idea_list = screen.idea_list
        await pilot.press(*["down"] * 5, "f6", "down", "down", "f6", "up")
        await until(pilot, lambda: idea_list.cursor == 6)
        marked = {by_text[idea_text(5)], by_text[idea_text(7)]}
        assert idea_list.marked == marked
        other = open_database(path)
        ideas.capture_idea(other, clinic_id, "Toisen koneen idea")
        other.dispose()
        await pilot.pause(1.2)  # the app looks for other klinikkas' changes every 0.5 s
        await until(pilot, lambda: idea_list.row_count == 31)
        assert idea_list.marked == marked
        assert idea_list.selected_id == by_text[idea_text(6)]
        lines = drawn(idea_list)
        for n in (5, 6, 7):
            [line] = [line for line in lines if token(n) in line]
            assert line.startswith("●") == (n != 6), line


async def test_finnish_footer_and_the_star_key_by_phase(tmp_path: Path) -> None:
    path, clinic_id = many_ideas(tmp_path, count=3, language="fi")

    def starred() -> list[str]:
        engine = open_database(path)
        try:
            return [i.text for i in ideas.search_ideas(engine, clinic_id) if i.starred]
        finally:
            engine.dispose()

    def footer_actions() -> list[str]:
        return [key.action for key in app.screen.query(FooterKey)]

    def palette() -> list[str]:
        return [str(command.title) for command in app.get_system_commands(app.screen)]

    app = make_app(Settings(database=str(path), language="fi"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_workspace(app, pilot)
        await until(pilot, lambda: "star" in footer_actions())
        assert footer_actions()[0] == "help"
        footer = screen_lines(app)[-1]
        # In 80 columns, help, undo and the grouping keys are among those the footer has
        # room for.
        assert "f1 Ohje" in footer and "^z Kumoa" in footer and "^t Teemaan" in footer, footer
        assert "f6 Merkitse" in footer and "f7 Yhdistä" in footer, footer
        assert footer.index("Ohje") < footer.index("Kumoa")
        assert "Tähti" in palette()

        await pilot.press("f3")
        await until(pilot, lambda: "star" not in footer_actions())
        footer = screen_lines(app)[-1]
        assert "f1 Ohje" in footer and "Tähti" not in footer, footer
        assert "Tähti" not in palette() and "Kuvaa teema" in palette()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert starred() == []

        await pilot.press("f2")
        await until(pilot, lambda: "star" in footer_actions())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: starred() == [idea_text(0)])
