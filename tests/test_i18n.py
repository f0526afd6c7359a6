"""Languages: complete catalogs, compiled as they are written, and the choice of language."""

from __future__ import annotations

import gettext
import io
import re
import string
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from klinikka import i18n
from klinikka.errors import ValidationError
from klinikka.i18n import LANGUAGES, resolve_language

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from update_catalogs import extract, po_path, translated  # noqa: E402


def catalog(language: str):  # type: ignore[no-untyped-def]
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language, domain="klinikka")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def source_messages() -> dict[object, object]:
    return {message.id: message for message in extract() if message.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_source_is_translated(language: str, source_messages) -> None:  # type: ignore[no-untyped-def]
    entries = {message.id: message for message in catalog(language) if message.id}
    missing = [msgid for msgid in source_messages if msgid not in entries]
    untranslated = [
        msgid for msgid in source_messages if msgid in entries and not translated(entries[msgid])
    ]
    assert missing == [], (
        f"{language}.po lacks {len(missing)} messages: run scripts/update_catalogs.py"
    )
    assert untranslated == [], (
        f"{language}.po has {len(untranslated)} untranslated: {untranslated[:5]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str) -> None:
    for message in catalog(language):
        if not message.id or not translated(message):
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set().union(*(fields(i) for i in ids))
        used = set().union(*(fields(text) for text in strings))
        if len(ids) == 1:
            assert used == expected, (message.id, message.string)
        else:
            # A singular form may say "one" instead of {count}; no form may invent a field.
            assert used <= expected, (message.id, message.string)
            assert expected - {"count"} <= used | {"count"}, (message.id, message.string)


def compiled_messages(data: bytes) -> dict[object, object]:
    """A compiled catalog's messages (its header, which Babel versions write differently, out)."""
    messages = dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)  # type: ignore[attr-defined]
    messages.pop("", None)
    return messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogs_match_their_sources(language: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, catalog(language), use_fuzzy=False)
    shipped = compiled_messages(po_path(language).with_suffix(".mo").read_bytes())
    assert shipped == compiled_messages(compiled.getvalue()), (
        "run scripts/update_catalogs.py to recompile"
    )
    assert len(shipped) > 100  # the catalog really was read


def test_the_shipped_catalogs_translate() -> None:
    error = ValidationError("{field} cannot be empty.", field=i18n.M_("Title"))
    texts = {language: error.translated(language) for language in LANGUAGES}
    assert texts["en"] == "Title cannot be empty."
    assert len(set(texts.values())) == 3
    for language in ("fi", "sv"):
        translations = gettext.translation("klinikka", i18n.LOCALE_DIR, languages=[language])
        assert translations.gettext("Usage:") != "Usage:"


def test_plural_forms_follow_the_count() -> None:
    i18n.set_language("fi")
    one = i18n.ngettext("Deleted {count} idea.", "Deleted {count} ideas.", 1)
    many = i18n.ngettext("Deleted {count} idea.", "Deleted {count} ideas.", 3)
    assert one != many


@pytest.mark.parametrize(
    "option, environ, expected",
    [
        ("sv", {"KLINIKKA_LANG": "fi", "LANG": "en_US.UTF-8"}, "sv"),
        (None, {"KLINIKKA_LANG": "fi", "LANG": "sv_FI.UTF-8"}, "fi"),
        (None, {"LANG": "sv_FI.UTF-8"}, "sv"),
        (None, {"LC_ALL": "fi_FI.UTF-8", "LANG": "sv_FI.UTF-8"}, "fi"),
        (None, {"LANGUAGE": "de:sv", "LANG": "fi_FI.UTF-8"}, "sv"),
        (None, {"LC_ALL": "de_DE.UTF-8", "LANG": "fi_FI.UTF-8"}, "en"),
        (None, {"LANG": "C"}, "en"),
        (None, {}, "en"),
        ("xx", {"KLINIKKA_LANG": "yy", "LANG": "fi_FI"}, "fi"),
    ],
)
def test_language_choice(option: str | None, environ: dict[str, str], expected: str) -> None:
    assert resolve_language(option, environ) == expected


def test_no_user_visible_literal_escapes_the_catalogs() -> None:
    """Error messages are raised with marked msgids, never with plain literals."""
    source = ROOT / "src" / "klinikka"
    unmarked = []
    import klinikka.errors as errors

    names = [name for name in dir(errors) if name.endswith("Error") and name != "KlinikkaError"]
    pattern = re.compile(rf"raise ({'|'.join(names)}|KlinikkaError)\(\s*[\"']")
    for path in source.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                unmarked.append(f"{path.relative_to(source)}:{number}")
    assert unmarked == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_stored_help_is_what_click_renders(language: str) -> None:
    from klinikka.entry import help_path
    from update_catalogs import render_help

    stored = Path(help_path(language)).read_text(encoding="utf-8")
    assert stored == render_help(language), "run scripts/update_catalogs.py"
    assert "export" in stored and "tally" in stored


def test_no_translation_call_hides_inside_an_f_string() -> None:
    """Babel cannot see a message inside an f-string, so it would never be translated."""
    source = ROOT / "src" / "klinikka"
    hidden = []
    pattern = re.compile(r"""f(["']).*\{[^}]*\b(_|t|ngettext)\(""")
    for path in source.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                hidden.append(f"{path.relative_to(source)}:{number}")
    assert hidden == []
