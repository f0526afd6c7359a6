"""Importers: one module a format, each a pure function from bytes to a read model."""
