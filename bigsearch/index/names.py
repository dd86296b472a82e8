"""How a source file is named wherever it is shown (-l, -c, citations, show, JSON, export): its
path from the folder it was indexed from, with that folder's name first — `gavle/protokoll.txt`,
`sandviken/protokoll.txt`; a file given by itself counts as indexed from its own folder.

Two indexed folders never show alike: a first component names one folder of the index, and when
a folder's name already names another one (`index a/gavle`, later `index b/gavle`), the later
folder is shown with its parent's name too (`b/gavle/protokoll.txt`), and so on up. A source keeps
the name it was first indexed under (a later run from another folder leaves it); `--rebuild`
names everything afresh.

Paragraph ids hash the shown path (index/names.rename), so they stay a function of the file and
the folder it was indexed from — the same for `index` and `export`, in any order — and two files
of one name in different folders (minutes named by their date, one folder per body) never share
one.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path, PurePosixPath

from bigsearch.ingest.model import Document
from bigsearch.ingest.pipeline import id_prefix
from bigsearch.textsafe import printable


def _normal(path: Path) -> Path:
    """Absolute, with . and .. taken out as written (a link in the path is not followed: its name is what was typed)."""
    return Path(os.path.normpath(path.absolute()))


@lru_cache(maxsize=4096)
def _real(path: Path) -> Path:
    """Resolved (a folder's files share it: resolved once per run of them)."""
    return Path(os.path.realpath(path))


class SourceNames:
    """Gives each source file its shown path, keeping the names an index already uses."""

    def __init__(self, held: dict[str, str] | None = None):
        # first component of a shown path -> the folder (or lone file) it names, resolved
        self.claims: dict[str, Path] = {}
        self.held = dict(held or {})  # source key -> shown path, as the index holds them
        for key, shown in self.held.items():
            parts = PurePosixPath(shown).parts
            if parts:
                self.claims.setdefault(parts[0], _owner(Path(key), len(parts)))

    def name(self, key: str, path: Path, origin: Path) -> str:
        """The shown path of the file at `path` (source key `key`), found under `origin` (a folder
        or the file itself, as given to the run)."""
        if key in self.held:
            return self.held[key]
        file = _normal(path)
        folder = _normal(origin) if origin.is_dir() else file.parent
        while True:
            top = folder.parent
            shown = printable(file.relative_to(top).as_posix() if top != folder else file.as_posix().lstrip("/"))
            first = PurePosixPath(shown).parts[0]
            owner = self.claims.get(first)
            if owner is None or owner == _real(folder) or top == folder:
                break
            folder = top  # the name is another folder's: add this folder's parent in front
        self.claims.setdefault(first, _real(folder))
        self.held[key] = shown
        return shown


def _owner(key: Path, parts: int) -> Path:
    """The folder the first of a shown path's `parts` components names, from the file's resolved path."""
    return key.parents[parts - 2] if parts >= 2 else key


def rename(doc: Document, shown: str) -> None:
    """Gives an ingested document its shown path, and ids that hash it (ingest alone knows only
    the file's name, and hashes that)."""
    doc.source = shown
    for paragraph in doc.paragraphs:
        paragraph.source = shown
    wanted = id_prefix(shown, doc.date, doc.year, doc.doc_type)
    if wanted == doc.id_prefix:
        return
    old, doc.id_prefix = doc.id_prefix, wanted
    for paragraph in doc.paragraphs:
        paragraph.id = wanted + paragraph.id[len(old):]


def origin(file: Path, paths: list[Path]) -> Path:
    """Where a discovered file was found: the folder among `paths` it is in, or the file itself."""
    normal = _normal(file)
    return next((given for given in paths if given.is_dir() and normal.is_relative_to(_normal(given))), file)


def naming(paths: list[Path]):
    """A hook for ingest_paths(named=…): each document named as `bigsearch index PATHS` names it."""
    names = SourceNames()

    def named(doc: Document, path: Path) -> None:
        rename(doc, names.name(str(path), path, origin(path, paths)))

    return named
