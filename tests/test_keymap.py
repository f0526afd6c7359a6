"""The user's own keys (keys.toml), and the list of binding ids that docs/keys.md gives."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.binding import Binding

import klinikka.tui
from klinikka.db import open_database
from klinikka.services import clinics
from klinikka.tui.app import Settings, make_app
from klinikka.tui.keymap import keymap_file, read_keymap
from tui_helpers import open_workspace, until

KEYS_DOC = Path(__file__).resolve().parent.parent / "docs" / "keys.md"


def binding_ids() -> set[str]:
    found: set[str] = set()
    for module in pkgutil.walk_packages(klinikka.tui.__path__, "klinikka.tui."):
        for _name, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding) and binding.id:
                    found.add(binding.id)
    return found


def test_every_binding_id_is_in_the_keys_document() -> None:
    documented = KEYS_DOC.read_text(encoding="utf-8")
    missing = sorted(i for i in binding_ids() if f"`{i}`" not in documented)
    assert not missing, f"docs/keys.md lacks {missing}"


def test_a_keys_file_is_read_and_its_problems_are_said(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    assert read_keymap(path) == ({}, "")
    path.write_text('[keys]\n"idea.unassigned" = "f10"\n"workspace.edit" = ""\n', "utf-8")
    keymap, problem = read_keymap(path)
    assert keymap == {"idea.unassigned": "f10"} and "workspace.edit" in problem
    path.write_text("[keys\n", "utf-8")
    keymap, problem = read_keymap(path)
    assert keymap == {} and "usual keys" in problem


async def test_a_remapped_key_acts_and_a_broken_file_is_said(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    engine = open_database(path)
    clinics.create_clinic(engine, "Klinikka", language="en")
    engine.dispose()
    keymap_file().parent.mkdir(parents=True, exist_ok=True)
    keymap_file().write_text('[keys]\n"idea.unassigned" = "f10"\n', encoding="utf-8")
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        panel = screen.query_one("#ideas")
        await pilot.press("f10")
        await until(pilot, lambda: panel.only_unassigned)
        await pilot.press("ctrl+u")  # the line's own again, on an empty line too
        await pilot.pause()
        assert panel.only_unassigned
    keymap_file().write_text("[keys\n", encoding="utf-8")
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: any("usual keys" in str(n.message) for n in app._notifications))
        assert app.is_running
