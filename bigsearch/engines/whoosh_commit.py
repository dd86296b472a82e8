"""What every commit of a bigsearch Whoosh index does before and after Whoosh writes its table of
contents (whoosh_patches.py calls it; whoosh_store.py registers it, so that the patches import
nothing of the store, the arrays or the schema).

Each new segment's facet arrays are written (whoosh_arrays.py), then checksums of the segment and
its arrays taken before the table of contents names them (whoosh_integrity.py); the files this
commit wrote and read back for them count as verified. New files reach the disk before the table
of contents names them, and the table of contents and its folder after (durable.py: a power loss
leaves the old or the new index).
"""

from __future__ import annotations

from pathlib import Path

from bigsearch.engines import durable, whoosh_arrays
from bigsearch.engines import whoosh_integrity as integrity
from bigsearch.engines.verified import VerifiedFiles

INDEX_PREFIX = "bigsearch_v"  # the start of a bigsearch index's name in its folder (whoosh_store)


def commit_toc(writer, segments, original):
    folder = getattr(writer.storage, "folder", None)
    if not folder:  # an index in memory: nothing on disk to stamp
        return original(writer, segments)
    folder = Path(folder)
    verified = VerifiedFiles(folder)
    new: list[Path] = []
    for segment in segments:
        beside: tuple[Path, ...] = ()
        if (segment.is_compound() and str(getattr(segment, "indexname", "")).startswith(INDEX_PREFIX)
                and getattr(segment, integrity.BESIDE, None) is None):
            whoosh_arrays.write(folder, segment, writer.storage, writer.schema)
            beside = whoosh_arrays.paths(folder, segment)
        new += integrity.stamp(folder, segment, verified, beside)
    for path in new:
        durable.fsync_file(path)
    result = original(writer, segments)
    durable.fsync_file(folder / f"_{writer.indexname}_{writer.generation}.toc")
    durable.fsync_folder(folder)
    verified.save(keep={path.name for segment in segments
                        for path in (integrity.segment_path(folder, segment),
                                     *(folder / name for name in getattr(segment, integrity.BESIDE, None) or {}))})
    return result
