"""Shared by the index fault tests: corpora, exact index states, worker processes."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

from bigsearch.engines import whoosh_store as store
from bigsearch.engines.records import KIND_PARAGRAPH, KIND_SOURCE
from bigsearch.engines.registry import ENGINE_FILE
from bigsearch.ingest.ocr import CACHE_FOLDER as OCR_CACHE

ROOT = Path(__file__).resolve().parent.parent


def make_corpus(folder: Path, seeds: Path, copies: int) -> Path:
    """`copies` variants of every seed protocol, each with one line that tells it apart."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for seed in sorted(seeds.iterdir()):
            text = seed.read_text("utf-8").replace("Dagordningen godkändes.", f"Dagordningen godkändes (kopia {i}).")
            (folder / f"c{i:03d}_{seed.name}").write_text(text, "utf-8")
    return folder


def index_state(index_dir: Path) -> frozenset[tuple[str, str, str]]:
    """The exact content of the index: (paragraph id, source file, text) of every live paragraph.

    Also checks that it is whole: each paragraph belongs to a file record that counts it, and no
    paragraph id is used twice.
    """
    ix = store.open_for_reading(index_dir)
    with ix.searcher() as searcher:
        paragraphs = list(searcher.documents(kind=KIND_PARAGRAPH))
        files = {fields["source_key"]: fields["paragraphs"] for fields in searcher.documents(kind=KIND_SOURCE)}
    per_file: dict[str, int] = {}
    for fields in paragraphs:
        per_file[fields["source_key"]] = per_file.get(fields["source_key"], 0) + 1
    assert per_file == {key: count for key, count in files.items() if count}, "paragraphs without their file record"
    state = frozenset((fields["id"], fields["source_key"], fields["text"]) for fields in paragraphs)
    assert len({fields["id"] for fields in paragraphs}) == len(paragraphs), "a paragraph id used twice"
    return state


def unreferenced_files(index_dir: Path) -> list[str]:
    """Index files the committed table of contents does not name (locks aside)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC

    name = store.index_name()
    generation = store.latest_generation(index_dir)
    toc = TOC.read(FileStorage(str(index_dir)), name, gen=generation)
    wanted = {f"_{name}_{generation}.toc", store.LOCK_NAME, f"{name}_WRITELOCK", ENGINE_FILE, OCR_CACHE}
    wanted |= {segment.make_filename(segment.COMPOUND_EXT) for segment in toc.segments}
    return sorted(set(os.listdir(index_dir)) - wanted)


# A child that runs sync() and reports each file it starts on, so that a test can kill it in the
# middle of a run and know it did. PARALLEL_FROM=2 makes even a small run use two workers.
SYNC_CHILD = """
import sys
from pathlib import Path
from bigsearch.index import sync as index_sync
index_sync.PARALLEL_FROM = int(sys.argv[3])
def progress(done, total, name):
    print(f"progress {done}/{total}", flush=True)
report = index_sync.sync(Path(sys.argv[1]), [Path(sys.argv[2])], progress=progress)
print("done", report.summary(), flush=True)
"""


def sync_child(index_dir: Path, corpus: Path, parallel_from: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", SYNC_CHILD, str(index_dir), str(corpus), str(parallel_from)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def children(pid: int) -> set[int]:
    """Child processes of a process (Linux /proc)."""
    found: set[int] = set()
    for path in glob.glob(f"/proc/{pid}/task/*/children"):
        try:
            found.update(int(word) for word in Path(path).read_text().split())
        except OSError:
            pass
    return found


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting for its exit status to be collected."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class Lines:
    """Lines of a child's output, read without waiting for an end of file that the child's own
    children could hold back (a killed parent's surviving workers keep its pipes open)."""

    def __init__(self, stream) -> None:
        self._fd = stream.fileno()
        self._buffer = b""
        self._eof = False

    def next(self) -> str | None:
        """The next line; None at the end of the output."""
        while b"\n" not in self._buffer and not self._eof:
            chunk = os.read(self._fd, 65536)
            self._buffer += chunk
            self._eof = not chunk
        if b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            return line.decode("utf-8", "replace")
        return None

    def rest(self) -> str:
        """What has been written so far, without waiting for more (call after the child ended)."""
        os.set_blocking(self._fd, False)
        try:
            while not self._eof:
                chunk = os.read(self._fd, 65536)
                self._buffer += chunk
                self._eof = not chunk
        except BlockingIOError:
            pass
        return self._buffer.decode("utf-8", "replace")


def processes_of_run(marker: str) -> set[int]:
    """Live processes whose command line names `marker` (forked workers share their parent's)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmdline and alive(int(entry.name)):
            found.add(int(entry.name))
    return found
