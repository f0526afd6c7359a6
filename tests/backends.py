"""Tests that hold for one database backend only (SQLite's locks, its rowid reuse, its
PRAGMAs): they run on SQLite alone, not on the PostgreSQL half of ``database_target``."""

from __future__ import annotations

import pytest

SQLITE_ONLY = pytest.mark.parametrize("database_target", ["sqlite"], indirect=True)
POSTGRES_ONLY = pytest.mark.parametrize("database_target", ["postgresql"], indirect=True)
