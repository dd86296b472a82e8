"""Saved searches and what is new for them since they were last shown.

They live beside the index in a small SQLite file (<index>.watches.sqlite), so rebuilding the
index keeps them; paragraph ids are stable across re-indexing, so "seen" survives too.

A hit counts as seen only once it has been written out: `deliver` hands each saved search's new
hits to the caller, which returns when they are flushed, and only then marks them, one saved
search per transaction. A run killed or failing before that (a closed pipe, a full disk) leaves
them new, so they are shown again — never lost.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bigsearch.errors import ConfigError, QueryError, WatchStoreError
from bigsearch.messages import t
from bigsearch.search.results import Filters, Hit
from bigsearch.search.searcher import Searcher

MAX_HITS = 100_000
BUSY_WAIT_SECONDS = 30.0  # another bigsearch writing the file: wait this long for it
_SCHEMA = """
CREATE TABLE IF NOT EXISTS watch (name TEXT PRIMARY KEY, query TEXT NOT NULL, filters TEXT NOT NULL,
                                  created REAL NOT NULL, shown REAL);
CREATE TABLE IF NOT EXISTS seen (name TEXT NOT NULL, paragraph_id TEXT NOT NULL, PRIMARY KEY (name, paragraph_id));
"""


@dataclass
class Watch:
    name: str
    query: str
    filters: dict
    created: float
    shown: float | None = None


@dataclass
class WatchReport:
    watch: Watch
    new: list[Hit] = field(default_factory=list)
    total: int = 0

    def to_json(self) -> dict:
        return {"name": self.watch.name, "query": self.watch.query, "filters": self.watch.filters,
                "total": self.total, "new": [hit.to_json() for hit in self.new]}


def watch_file(index_dir: Path) -> Path:
    index_dir = Path(index_dir)
    return index_dir.with_name(index_dir.name + ".watches.sqlite")


def _store_error(exc: sqlite3.Error, path: Path, doing: str) -> WatchStoreError:
    """SQLite's error as one line that names the fix."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if code.startswith("SQLITE_FULL") or "disk is full" in text:
        fix = "the disk is full: free space and run again"
    elif code.startswith("SQLITE_READONLY") or "readonly" in text:
        fix = "the file is read-only: make it (and its folder) writable, or choose another --index-dir"
    elif code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        fix = "another bigsearch is changing them: try again when it has finished"
    else:
        fix = f"{text} — check the file and its folder"
    return WatchStoreError(f"cannot {doing} in the saved searches at {path}: {fix}")


class Watches:
    def __init__(self, index_dir: Path):
        self.path = watch_file(index_dir)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WatchStoreError(f"cannot create the folder of the saved searches at {self.path} "
                                  f"({exc.strerror or exc}) — check its permissions") from exc
        self.db = None
        with self._storing("open them"):
            self.db = sqlite3.connect(self.path, timeout=BUSY_WAIT_SECONDS)
            self.db.executescript(_SCHEMA)

    @contextlib.contextmanager
    def _storing(self, doing: str) -> Iterator[None]:
        """SQLite failures (a full disk, a read-only file, a busy database) as WatchStoreError."""
        try:
            yield
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path, doing) from None

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    def __enter__(self) -> Watches:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def list(self) -> list[Watch]:
        with self._storing("read them"):
            rows = self.db.execute("SELECT name, query, filters, created, shown FROM watch ORDER BY created").fetchall()
        return [Watch(name, query, json.loads(filters), created, shown) for name, query, filters, created, shown in rows]

    def _all_ids(self, searcher: Searcher, watch: Watch) -> tuple[list[Hit], int]:
        result = searcher.search_every(watch.query, Filters(**watch.filters), sort="-date", cap=MAX_HITS)
        return result.hits, result.total

    def add(self, searcher: Searcher, query: str, filters: Filters, name: str | None = None) -> tuple[Watch, int]:
        """Saves a search; what it finds now counts as seen. Returns the watch and its current hit count."""
        name = (name or query).strip()
        if not name:
            raise QueryError(t("watch.needs_name"))
        taken = QueryError(t("watch.exists", name=repr(name), plain=name))
        with self._storing("read them"):
            if self.db.execute("SELECT 1 FROM watch WHERE name = ?", (name,)).fetchone():
                raise taken
        watch = Watch(name, query, {k: v for k, v in filters.to_json().items() if v}, time.time(), time.time())
        hits, total = self._all_ids(searcher, watch)  # validates the query and filters first
        try:
            with self.db:
                # The primary key decides between two runs adding the same name at once.
                self.db.execute("INSERT INTO watch VALUES (?, ?, ?, ?, ?)",
                                (watch.name, watch.query, json.dumps(watch.filters, ensure_ascii=False), watch.created,
                                 watch.shown))
                self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)", [(name, hit.id) for hit in hits])
        except sqlite3.IntegrityError:
            raise taken from None
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path, "save it") from None
        return watch, total

    def remove(self, name: str) -> None:
        with self._storing("remove it"), self.db:
            removed = self.db.execute("DELETE FROM watch WHERE name = ?", (name,)).rowcount
            self.db.execute("DELETE FROM seen WHERE name = ?", (name,))
        if not removed:
            known = ", ".join(w.name for w in self.list()) or t("watch.none_saved")
            raise QueryError(t("watch.no_such", name=repr(name), known=known))

    def report_one(self, searcher: Searcher, watch: Watch) -> WatchReport:
        """The saved search's hits not yet shown. Marks nothing (see mark_shown)."""
        hits, total = self._all_ids(searcher, watch)
        with self._storing("read them"):
            seen = {row[0] for row in self.db.execute("SELECT paragraph_id FROM seen WHERE name = ?", (watch.name,))}
        return WatchReport(watch, [hit for hit in hits if hit.id not in seen], total)

    def report(self, searcher: Searcher) -> list[WatchReport]:
        """Each saved search's hits that are new since it was last shown. Marks nothing."""
        return [self.report_one(searcher, watch) for watch in self.list()]

    def mark_shown(self, report: WatchReport) -> None:
        """The report's hits count as seen from now on: call once they have been written out."""
        with self._storing("mark the shown hits as seen (they will be shown again next time)"), self.db:
            self.db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?)",
                                [(report.watch.name, hit.id) for hit in report.new])
            self.db.execute("UPDATE watch SET shown = ? WHERE name = ?", (time.time(), report.watch.name))

    def deliver(self, searcher: Searcher, show: Callable[[WatchReport], None]) -> list[WatchReport]:
        """Each saved search's new hits handed to `show`, which returns once they are written out
        (flushed); only then are they marked as seen, one saved search per transaction. When `show`
        raises or the process dies, that search's hits (and the later ones') stay new."""
        delivered = []
        for watch in self.list():
            report = self.report_one(searcher, watch)
            show(report)
            self.mark_shown(report)
            delivered.append(report)
        return delivered


def saved_searches(index_dir: Path) -> list[Watch]:
    """The saved searches, read without writing anything (no file yet: none): for readers that
    must never change them, such as the web page's feeds, which mark no hit as seen."""
    path = watch_file(index_dir)
    if not path.is_file():
        return []
    try:
        db = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT name, query, filters, created, shown FROM watch ORDER BY created").fetchall()
        finally:
            db.close()
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot read the saved searches at {path} ({exc}) — check the file's permissions") from exc
    return [Watch(name, query, json.loads(filters), created, shown) for name, query, filters, created, shown in rows]
