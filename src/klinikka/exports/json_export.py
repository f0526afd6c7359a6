"""JSON: the full, versioned, re-importable klinikka document."""

from __future__ import annotations

from klinikka.document import Document


def render_json(document: Document) -> str:
    """The document as pretty-printed UTF-8 JSON text, ending in a newline."""
    return document.model_dump_json(indent=2) + "\n"
