"""klinikka: run a live online clinic from the terminal."""

__version__ = "0.1.0"
