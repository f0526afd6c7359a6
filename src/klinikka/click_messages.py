"""click's own user-visible messages, in our catalogs so that usage errors are translated too.

click looks its strings up with the standard ``gettext`` functions; ``use_our_catalogs`` points
the modules of click that show messages at klinikka's catalogs instead.
"""

from __future__ import annotations

import sys
from types import ModuleType

from klinikka import i18n
from klinikka.i18n import N_, NP_

MESSAGES = (
    N_("Usage:"),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing {param_type}"),
    N_("Missing parameter: {param_name}"),
    N_("Missing command."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Option {name!r} does not take a value."),
    N_("Aborted!"),
    N_("{value!r} is not a valid {number_type}."),
    N_("{value} is not in the range {range}."),
    N_("{name} {filename!r} does not exist."),
    N_("{name} {filename!r} is a directory."),
    N_("default: {default}"),
    N_("env var: {var}"),
    N_("file"),
    N_("path"),
    N_("integer"),
    N_("text"),
    NP_("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"),
    NP_("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."),
    NP_("{value!r} is not {choice}.", "{value!r} is not one of {choices}."),
    NP_("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"),
)

_CLICK_MODULES = ("core", "exceptions", "parser", "types", "formatting", "decorators", "termui")


def use_our_catalogs() -> None:
    """Make click translate its messages with klinikka's catalogs, in the current language."""
    for name in _CLICK_MODULES:
        module: ModuleType | None = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = i18n._  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = i18n.ngettext  # type: ignore[attr-defined]
