"""Key bindings are declared with msgids (``N_``) and shown in the language in force."""

from __future__ import annotations

import dataclasses

from textual.binding import ActiveBinding, Binding
from textual.dom import DOMNode

from klinikka.i18n import N_, _

# Textual's own key descriptions that reach klinikka's footer: here so the catalogs have them.
TEXTUAL_KEYS = (N_("palette"), N_("Dismiss menu"))
_original: dict[int, list[tuple[str, list[Binding]]]] = {}


def translate_textual_bindings() -> None:
    """Textual's widgets whose keys klinikka shows, in the current language.

    Instances copy their class's bindings when made, so the classes are translated (from the
    English kept here, as the language may change between apps in one process).
    """
    from textual.widgets._select import SelectOverlay

    for cls in (SelectOverlay,):
        merged = cls._merged_bindings
        if merged is None:
            continue
        table = merged.key_to_bindings
        original = _original.setdefault(id(cls), [(k, list(v)) for k, v in table.items()])
        for key, bindings in original:
            table[key] = [
                dataclasses.replace(b, description=_(b.description)) if b.description else b
                for b in bindings
            ]


def translate_bindings(node: DOMNode) -> None:
    """Give a node's bindings their descriptions in the current language.

    Textual copies a class's bindings into each instance; translating the copy when the node
    is made lets the footer, the help screen and the command palette read one source.
    """
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            dataclasses.replace(binding, description=_(binding.description))
            if binding.description
            else binding
            for binding in bindings
        ]


class FooterOrder:
    """A screen mixin: its footer lists help first, then the screen's keys as declared.

    Textual lists the focused input's keys first (ctrl+e, ctrl+d, …, which klinikka takes
    over), so in 80 columns the footer would end before help and undo.
    """

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        active: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        declared = [b.id for b in type(self).BINDINGS if isinstance(b, Binding) and b.id]  # type: ignore[attr-defined]
        rank = {binding_id: n for n, binding_id in enumerate(["app.help", *declared])}
        last = len(rank)

        def place(item: tuple[str, ActiveBinding]) -> int:
            return rank.get(item[1].binding.id or "", last)

        return dict(sorted(active.items(), key=place))
