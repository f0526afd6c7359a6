"""A file's bytes as text: the encodings that tools in a Finnish office write, and refusals.

Read, in this order:
- a file over ``MAX_FILE_BYTES`` is refused before anything else;
- a known binary signature (PDF, PNG, JPEG, GIF, ZIP, an Excel or Word file, an old Office
  file, SQLite, gzip, 7-Zip, RAR) is refused with what the file is;
- a byte order mark decides: UTF-8, UTF-16 LE (Excel's "Unicode text") or UTF-16 BE;
- without one, UTF-16 is recognised by its NUL bytes (every other byte NUL in Latin text);
- otherwise NUL bytes mean a binary file; UTF-8 is tried, and cp1252 (Windows "ANSI", which
  Notepad and Excel write) is the fallback, so ä and ö read right either way;
- newlines become ``\\n``; an empty file (or only whitespace) and a file that is mostly
  control characters are refused. The text returned is NFC.
"""

from __future__ import annotations

import codecs
import unicodedata

from klinikka.errors import ImportFormatError
from klinikka.i18n import M_, N_, Msg
from klinikka.importers.base import MAX_FILE_BYTES, empty_file, too_large

ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_SIGNATURES: tuple[tuple[bytes, Msg], ...] = (
    (b"%PDF-", M_("a PDF document")),
    (b"\x89PNG\r\n\x1a\n", M_("a PNG image")),
    (b"\xff\xd8\xff", M_("a JPEG image")),
    (b"GIF87a", M_("a GIF image")),
    (b"GIF89a", M_("a GIF image")),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", M_("an old Microsoft Office file (.xls or .doc)")),
    (b"SQLite format 3\x00", M_("an SQLite database")),
    (b"\x1f\x8b", M_("a gzip archive")),
    (b"7z\xbc\xaf\x27\x1c", M_("a 7-Zip archive")),
    (b"Rar!\x1a\x07", M_("a RAR archive")),
)

# How much of a file is looked at to guess UTF-16 and to count control characters.
_SAMPLE = 8192


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_SIGNATURES)


def is_excel(data: bytes) -> bool:
    """An .xlsx workbook: a ZIP whose parts are named ``xl/…``."""
    return is_zip(data) and b"xl/workbook" in data


def not_text(data: bytes) -> ImportFormatError | None:
    """The error for a file whose signature says it is not text, if it has one."""
    if is_excel(data):
        return ImportFormatError(
            N_("The file is an Excel workbook: save it as CSV (UTF-8) in Excel and import that.")
        )
    if is_zip(data):
        kind = M_("a Word document") if b"word/document" in data else M_("a ZIP archive")
        return ImportFormatError(N_("The file is not text: it is {kind}."), kind=kind)
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return ImportFormatError(N_("The file is not text: it is {kind}."), kind=kind)
    return None


def binary() -> ImportFormatError:
    return ImportFormatError(N_("The file is binary, not text."))


def read_text(data: bytes) -> str:
    """A text file's contents, decoded and with ``\\n`` newlines; ImportFormatError if it
    is empty, too large or not text."""
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data))
    refusal = not_text(data)
    if refusal is not None:
        raise refusal
    text = _decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise empty_file()
    if _mostly_controls(text[:_SAMPLE]):
        raise binary()
    return unicodedata.normalize("NFC", text)


def _decode(data: bytes) -> str:
    # A byte order mark is trusted: a bad byte after it becomes U+FFFD rather than a refusal.
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith(codecs.BOM_UTF16_LE):
        return data[2:].decode("utf-16-le", errors="replace")
    if data.startswith(codecs.BOM_UTF16_BE):
        return data[2:].decode("utf-16-be", errors="replace")
    utf16 = _utf16_without_bom(data[:_SAMPLE])
    if utf16 is not None:
        return data.decode(utf16, errors="replace")
    if b"\x00" in data:
        raise binary()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; they become U+FFFD (and count as controls).
        return data.decode("cp1252", errors="replace")


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 without a byte order mark: Latin text has a NUL in every other byte."""
    pairs = len(sample) // 2
    if pairs == 0:
        return None
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    if odd >= pairs * 0.4 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.4 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def _mostly_controls(sample: str) -> bool:
    """More than one character in ten is a control character or undecodable."""
    bad = sum(
        1
        for char in sample
        if char == "\ufffd" or (unicodedata.category(char) == "Cc" and char not in "\t\n\f\v")
    )
    return bad * 10 > len(sample)
