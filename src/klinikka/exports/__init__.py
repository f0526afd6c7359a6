"""Exports: one module a format, each a pure function from a read model to text."""
