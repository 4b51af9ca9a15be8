"""The completion keys an import has met so far, and on which row: to reject a row repeating an earlier one.

Kept in a private temporary SQLite file (the standard library's, never the application's database), so a file
of millions of rows is checked with flat memory, and without writing to the database: a dry run takes no
write lock, and an import that commits batch by batch tells its own repeats from rows someone else recorded
meanwhile.
"""

import sqlite3
from collections.abc import Sequence

from pathways.learning.completions import CompletionKey


class SeenKeys:
    def __init__(self) -> None:
        # An empty name: a temporary on-disk database, private to this connection and deleted when it closes.
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        key = "employee_id INTEGER NOT NULL, course_id INTEGER NOT NULL, day INTEGER NOT NULL"
        for table in ("seen", "batch"):
            self._db.execute(
                f"CREATE TABLE {table} ({key}, row INTEGER NOT NULL, "
                "PRIMARY KEY (employee_id, course_id, day)) WITHOUT ROWID"
            )

    def close(self) -> None:
        self._db.close()

    def first_rows(self, rows: Sequence[tuple[CompletionKey, int]]) -> dict[CompletionKey, int]:
        """For each key met before, the row it was first met on; the keys not met before are remembered.

        The keys within `rows` must be distinct (the import finds repeats inside one batch itself).
        """
        db = self._db
        db.execute("BEGIN")
        db.execute("DELETE FROM batch")
        db.executemany(
            "INSERT INTO batch VALUES (?, ?, ?, ?)",
            [(employee, course, day.toordinal(), row) for (employee, course, day), row in rows],
        )
        earlier = {
            (employee, course, day): first
            for employee, course, day, first in db.execute(
                "SELECT s.employee_id, s.course_id, s.day, s.row FROM batch AS b "
                "JOIN seen AS s USING (employee_id, course_id, day)"
            )
        }
        db.execute("INSERT OR IGNORE INTO seen SELECT * FROM batch")
        db.execute("COMMIT")
        if not earlier:
            return {}
        # The dates went in as day numbers: give the caller its own keys back.
        mine = {(e, c, d.toordinal()): (e, c, d) for (e, c, d), _row in rows}
        return {mine[key]: first for key, first in earlier.items()}
