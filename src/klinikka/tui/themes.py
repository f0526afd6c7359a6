"""Colour themes: Textual's dark one, and a light high-contrast one for projectors and shared
screens (dark text on white, every colour at least 4.5:1 against the background)."""

from __future__ import annotations

from textual.theme import Theme

DARK = "textual-dark"
LIGHT = "klinikka-light"

LIGHT_THEME = Theme(
    name=LIGHT,
    primary="#0038A8",
    secondary="#4B2A85",
    accent="#8A3B00",
    warning="#7A4A00",
    error="#B00020",
    success="#00662A",
    foreground="#000000",
    background="#FFFFFF",
    surface="#F2F2F2",
    panel="#DCDCDC",
    dark=False,
    text_alpha=1.0,
    variables={
        "text-muted": "#333333",
        "footer-key-foreground": "#0038A8",
        "footer-description-foreground": "#000000",
        "block-cursor-background": "#0038A8",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-text-style": "bold",
        "input-selection-background": "#0038A8 35%",
        "input-cursor-background": "#000000",
        "input-cursor-foreground": "#FFFFFF",
    },
)
