"""User text as data: the one place that decides which characters may be kept or shown."""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab and newline, DEL, C1 controls (ESC, CSI and OSC starts among them),
# and the bidirectional overrides and isolates that can make text display as something else.
# Noncharacters (U+FDD0–U+FDEF and the last two code points of every plane): not for
# interchange, and an HTML parser refuses them.
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb\ud800-\udfff"
    + _NONCHARACTERS
    + "]"
)
# An escape sequence is removed whole, so its payload does not stay behind as text.
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b(?:\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC … BEL or ST
    r"|\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC … ST
    r"|[@-Z\\-_])"  # two-character sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
)


def name_key(name: str) -> str:
    """How names are compared: case and spacing do not matter."""
    return " ".join(name.casefold().split())


# Anything ``strip_controls`` would change but for normalisation, for a quick first look: the
# characters of _CONTROL up to U+FFFF, and anything from U+1FFFE on (the other planes'
# noncharacters are there; a class of those sixteen pairs makes ``re`` ten times slower).
_MAYBE_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb\ud800-\udfff"
    "\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]"
)


def strip_controls(text: str, *, keep_newlines: bool = True, keep_tabs: bool = False) -> str:
    """The text without escape sequences and control characters (tabs become spaces)."""
    if not _MAYBE_CONTROL.search(text) and unicodedata.is_normalized("NFC", text):
        return text  # the common case, in one scan (exports clean tens of thousands of texts)
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not keep_tabs:
        text = text.replace("\t", " ")
    text = _CONTROL.sub("", text)
    if not keep_newlines:
        text = " ".join(text.split("\n"))
    return unicodedata.normalize("NFC", text)
