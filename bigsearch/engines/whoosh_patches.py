"""Four fixes to Whoosh, applied by apply() when the whoosh schema is first imported
(whoosh_schema.py), before any Whoosh index is opened or written.

Two hot paths:
- Whoosh looks up a field's length column for every posting it writes or scores; for fields
  that have no length column (unscored ones such as persons) the answer "none" was not
  cached, so each lookup asked the file system again (~15% of an index build).
- Opening a memory-mapped segment copied every part it opened into memory (see _MemoryReader):
  about a second per cold open of a 400k-paragraph index.

And two more:
- A column over several segments left out the segments that have no values for it (a folder
  of yttranden has no principal column), so reading it whole gave too few values and facets
  failed once an index had such a segment. Every segment now takes part, the missing ones
  with their default value, as a single segment does.
- Every commit writes each new segment's facet arrays (whoosh_arrays.py), stores the checksum of
  each new segment file and of its arrays in the table of contents, so that an open can tell a
  damaged file (see whoosh_integrity.py), and fsyncs what it wrote (durable.py).
"""

from __future__ import annotations

from whoosh.codec import whoosh3

_MISSING = object()


def _cached_reader(self, fieldname, column):
    reader = self._readers.get(fieldname, _MISSING)
    if reader is _MISSING:
        reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
        self._readers[fieldname] = reader
    return reader


class _MemoryReader:
    """A read-only file over a memory-mapped slice, without copying it.

    Whoosh maps a segment file into memory and then copies each part it opens into a BytesIO;
    on a 400k-paragraph index that copy made opening an index take about a second.
    """

    def __init__(self, buf) -> None:
        self._buf = buf
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._buf) if size is None or size < 0 else min(len(self._buf), self._pos + size)
        data = bytes(self._buf[self._pos : end])
        self._pos = end
        return data

    def readline(self, size: int = -1) -> bytes:
        rest = bytes(self._buf[self._pos :])
        cut = rest.find(b"\n")
        return self.read(len(rest) if cut < 0 else cut + 1)

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._pos, 2: len(self._buf)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._buf = memoryview(b"")

    def write(self, data) -> None:
        raise OSError("read-only index file")

    def truncate(self, size=None) -> None:
        raise OSError("read-only index file")


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = _MemoryReader(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def _multi_column_reader(self, fieldname, column=None, reverse=False, translate=True):
    from whoosh.columns import MultiColumnReader

    readers = [r.column_reader(fieldname, column=column, reverse=reverse, translate=translate) for r in self.readers]
    return MultiColumnReader(readers, list(self.doc_offsets))


# What a commit does around Whoosh's table of contents: set by whoosh_store (whoosh_commit.commit_toc).
COMMIT_WORK = []


def _stamping_commit_toc(original):
    def commit_toc(self, segments):
        if not COMMIT_WORK:  # never a commit without its checksums and facet arrays
            raise RuntimeError("bigsearch's Whoosh commit work is not registered: import bigsearch.engines.whoosh_store")
        return COMMIT_WORK[0](self, segments, original)

    commit_toc.bigsearch_patched = True
    return commit_toc


# The Whoosh releases these patches were written against and tested with (they replace internals).
KNOWN_VERSIONS = {(2, 7, 5)}


def check_version(version: tuple) -> None:
    """Fail loudly on a Whoosh whose internals may differ, rather than patch it blindly."""
    if tuple(version[:3]) not in KNOWN_VERSIONS:
        from bigsearch.errors import ConfigError

        known = ", ".join(".".join(map(str, v)) for v in sorted(KNOWN_VERSIONS))
        raise ConfigError(
            f"bigsearch's Whoosh patches are for Whoosh-Reloaded {known}, but {'.'.join(map(str, version))} is "
            "installed — install whoosh-reloaded==2.7.5 (pip install 'whoosh-reloaded==2.7.5'), or use "
            "--engine tantivy"
        )


def apply() -> None:
    import whoosh

    check_version(whoosh.__version__)
    from whoosh.filedb import structfile
    from whoosh.reading import MultiReader
    from whoosh.writing import SegmentWriter

    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    MultiReader.column_reader = _multi_column_reader
    structfile.BufferFile.__init__ = _buffer_file_init
    if not getattr(SegmentWriter._commit_toc, "bigsearch_patched", False):
        SegmentWriter._commit_toc = _stamping_commit_toc(SegmentWriter._commit_toc)
