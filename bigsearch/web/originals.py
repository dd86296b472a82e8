"""A paragraph's original file, served from the indexed folders only.

The route takes a paragraph id, never a path: nothing a URL says reaches the file system, so
`..`, absolute paths and encoded slashes have nothing to act on. The file is served only when it
is a file the index holds as a source, still at the very path it was indexed from (its key is
its resolved path): a file, or a folder on its way, that has become a link since is refused, and
the file is opened without following a link, then checked to be the regular file looked at.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bigsearch.errors import ConfigError

# Shown in the browser: PDF (at its page) and plain text. Everything else, HTML included, is
# downloaded: an original must never run in this site's origin.
INLINE = {".pdf": "application/pdf", ".txt": "text/plain"}
DOWNLOAD = {
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".rtf": "application/rtf",
}
CHUNK = 1 << 16


class OriginalRefused(ConfigError):
    """The original cannot be served; the message says why (shown with HTTP 404)."""


@dataclass
class Original:
    name: str
    media_type: str
    inline: bool
    size: int
    fd: int

    def chunks(self):
        """The file's bytes; closes it at the end (or when the response is abandoned)."""
        try:
            while True:
                block = os.read(self.fd, CHUNK)
                if not block:
                    return
                yield block
        finally:
            os.close(self.fd)

    def headers(self) -> dict[str, str]:
        kind = "inline" if self.inline else "attachment"
        ascii_name = self.name.encode("ascii", "replace").decode().replace('"', "_").replace("\\", "_")
        return {"Content-Disposition": f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(self.name)}",
                "Content-Length": str(self.size),
                # Whatever the file holds, it runs nothing here (PDF viewers refuse a sandbox: PDFs go without).
                **({} if self.media_type == INLINE[".pdf"] else {"Content-Security-Policy": "sandbox; default-src 'none'"})}


def open_original(source_key: str, indexed: set[str]) -> Original:
    """The indexed file `source_key`, opened for reading; OriginalRefused says why not."""
    if source_key not in indexed:
        raise OriginalRefused("that file is not one the index was built from")
    path = Path(source_key)
    if not path.is_absolute():
        raise OriginalRefused("the index does not say where that file is")
    if os.path.realpath(path) != source_key:
        raise OriginalRefused(f"{path.name} (or a folder on its way) has become a link since it was indexed — "
                              "re-index to serve it")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise OriginalRefused(f"the original {path.name} is gone from {path.parent} — re-index or restore it") from None
    except OSError as exc:
        raise OriginalRefused(f"cannot open the original {path.name} ({exc.strerror})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise OriginalRefused(f"{path.name} is not a regular file")
    suffix = path.suffix.lower()
    if suffix in INLINE:
        media_type, inline = INLINE[suffix], True
        if suffix == ".txt":
            media_type += "; charset=utf-8" if _is_utf8(fd, info.st_size) else ""
    else:
        media_type, inline = DOWNLOAD.get(suffix, "application/octet-stream"), False
    return Original(path.name, media_type, inline, info.st_size, fd)


def _is_utf8(fd: int, size: int) -> bool:
    """Whether a text file decodes as UTF-8 (then it says so; otherwise the browser guesses)."""
    data = os.pread(fd, min(size, 8 << 20), 0)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(data) - 4 and len(data) < size  # cut inside a character at the limit
    return True
