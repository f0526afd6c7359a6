"""Key bindings are declared with msgids (``N_``) and shown in the language in force."""

from __future__ import annotations

import dataclasses

from textual.dom import DOMNode

from klinikka.i18n import _


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
