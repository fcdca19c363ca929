"""The SQLite database under the store: connections, migrations, one writer, many readers.

- WAL journal, so readers never wait for the writer and the writer never waits for readers;
  `synchronous=NORMAL`, so a committed transaction survives the process being killed.
- Numbered migrations (`migrations/NNNN_name.sql`), applied in order inside one transaction
  each; the database's `user_version` is the number of the last one applied. A database from
  a newer rashomon is refused, not guessed at.
- One writer thread owns the only writing connection: `write(fn)` runs `fn(connection)` there
  inside `BEGIN IMMEDIATE … COMMIT` (rolled back if `fn` raises) and returns its result, so
  writes from many threads are queued, never interleaved. Other processes writing the same
  file wait their turn for up to `busy_timeout`.
- Readers come from a pool (`read()`), each connection `query_only`.
"""

from __future__ import annotations

import queue
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from rashomon.errors import StoreError

__all__ = ["Database", "migrations"]

T = TypeVar("T")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_STOP = object()


def migrations() -> list[tuple[int, str, str]]:
    """The packaged migrations as (number, file name, SQL), in order; numbers run 1, 2, …"""
    found = []
    for item in resources.files("rashomon.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(item.name)
        if match:
            found.append((int(match.group(1)), item.name, item.read_text(encoding="utf-8")))
    found.sort()
    for expected, (number, name, _) in enumerate(found, start=1):
        if number != expected:
            raise StoreError(f"migration {name} is out of sequence (expected {expected:04d})")
    return found


def _statements(sql: str) -> Iterator[str]:
    """The statements of a script, whole (a trigger's body keeps its inner semicolons)."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        if not pending and (not line.strip() or line.lstrip().startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise StoreError(f"unfinished SQL statement in a migration: {pending.strip()[:60]}")


class Database:
    """An open store database. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path, *, readers: int = 8, busy_timeout_s: float = 60.0):
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self._check_path()
        self._writer = self._connect()
        try:
            self.version = self._migrate(self._writer)
        except BaseException:
            self._writer.close()  # a refused file is left as it was, and not held open
            raise
        self._readers: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._reader_slots = threading.BoundedSemaphore(max(1, readers))
        self._all_readers: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._thread = threading.Thread(target=self._run_writes, name="rashomon-writer")
        self._thread.daemon = True
        self._thread.start()
        self._closed = False

    # ------------------------------------------------------------------ opening

    def _check_path(self) -> None:
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a database file")
        if not self.path.parent.exists():
            raise StoreError(f"{self.path}: its folder {self.path.parent} does not exist")
        if self.path.exists() and self.path.stat().st_size:
            with self.path.open("rb") as handle:
                if handle.read(16) != b"SQLite format 3\x00":
                    raise StoreError(f"{self.path}: is not a SQLite database")

    def _connect(self, *, read_only: bool = False) -> sqlite3.Connection:
        try:
            connection = sqlite3.connect(
                self.path,
                timeout=self.busy_timeout_s,
                isolation_level=None,
                check_same_thread=False,
            )
            connection.row_factory = sqlite3.Row
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            if read_only:
                connection.execute("PRAGMA query_only = ON")
            else:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = NORMAL")
                connection.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot open the database: {error}") from error
        return connection

    def _migrate(self, connection: sqlite3.Connection) -> int:
        known = migrations()
        try:
            connection.execute("BEGIN IMMEDIATE")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > len(known):
                raise StoreError(
                    f"{self.path}: schema version {version} was written by a newer rashomon; "
                    f"this one knows versions up to {len(known)}"
                )
            for number, _name, sql in known[version:]:
                for statement in _statements(sql):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {number}")
                version = number
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise StoreError(f"{self.path}: cannot prepare the database: {error}") from error
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return version

    # ------------------------------------------------------------------ writing

    def write(self, job: Callable[[sqlite3.Connection], T]) -> T:
        """Run `job(connection)` in the writer thread, in one transaction; its result."""
        return self.submit(job).result()

    def submit(self, job: Callable[[sqlite3.Connection], T]) -> Future[T]:
        """Queue `job` for the writer thread; the future holds its result or its error."""
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")
        future: Future[T] = Future()
        self._jobs.put((job, future))
        return future

    def _run_writes(self) -> None:
        while True:
            item = self._jobs.get()
            if item is _STOP:
                return
            job, future = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._transaction(job))
            except BaseException as error:  # the caller gets it from the future
                future.set_exception(error)

    def _transaction(self, job: Callable[[sqlite3.Connection], T]) -> T:
        connection = self._writer
        connection.execute("BEGIN IMMEDIATE")
        try:
            result = job(connection)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
        return result

    # ------------------------------------------------------------------ reading

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A read-only connection from the pool, for the length of the `with` block."""
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")
        with self._reader_slots:
            try:
                connection = self._readers.get_nowait()
            except queue.Empty:
                connection = self._connect(read_only=True)
                with self._lock:
                    self._all_readers.append(connection)
            try:
                yield connection
            finally:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                self._readers.put(connection)

    # ------------------------------------------------------------------ closing

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._jobs.put(_STOP)
        self._thread.join()
        self._writer.close()
        with self._lock:
            for connection in self._all_readers:
                connection.close()
            self._all_readers.clear()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
