"""The database handle every module passes around: a sqlite3 connection with the few helpers the code uses.

sqlite-utils is imported only where its schema tools are needed (migrations): its import alone costs more than a
whole `tracker status` on a national workspace should.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from typing import Any


class Database:
    """A SQLite connection with query helpers (the subset of sqlite_utils.Database this package relies on)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        """Run one statement and return its cursor."""
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Any = ()) -> Iterator[dict[str, Any]]:
        """Yield each row of a query as a dict."""
        cursor = self.conn.execute(sql, params)
        names = [d[0] for d in cursor.description or ()]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def insert(self, table: str, row: dict[str, Any]) -> int:
        """Insert one row (column names are ours, never user input) and return its rowid."""
        cursor = self.conn.execute(_insert_sql(table, row), row)
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def insert_all(self, table: str, rows: Iterable[dict[str, Any]], ignore: bool = False) -> None:
        """Insert rows that all have the same columns (`ignore`: skip a row a unique key already holds)."""
        rows = list(rows)
        if rows:
            self.conn.executemany(_insert_sql(table, rows[0], ignore), rows)

    def commit(self) -> None:
        """Commit the open transaction."""
        self.conn.commit()

    def rollback(self) -> None:
        """Roll the open transaction back."""
        self.conn.rollback()

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()


def _insert_sql(table: str, row: dict[str, Any], ignore: bool = False) -> str:
    return f"INSERT {'OR IGNORE ' if ignore else ''}INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})"
