"""Word 97–2003 (.doc) -> text, in pure Python: olefile opens the compound file, and the
main document's text is read through the piece table (CLX) that the FIB points to.

Only the main text (FibRgLw.ccpText characters) is read: footnotes, headers and footers
follow it in the character stream and are page furniture here. When the file cannot be
read this way (encrypted, Word 6 or older), antiword or LibreOffice are used if installed;
otherwise the error says what to install.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

from bigsearch.errors import ReadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_IDENT = 0xA5EC
_FIELD = re.compile("\x13[^\x13\x14\x15]*(?:\x14([^\x13\x14\x15]*))?\x15")
_INSTALL = "install antiword (apt-get install antiword) or LibreOffice (apt-get install libreoffice-writer-nogui)"


def doc_text(data: bytes) -> str:
    try:
        return _piece_table_text(data)
    except ReadError as exc:
        if not is_word_ole(data):  # not a Word file at all: no other tool reads it either
            raise
        fallback = _external_text(data)
        if fallback is not None:
            return fallback
        raise ReadError(f"{exc} — to read it, {_INSTALL}") from exc


def is_word_ole(data: bytes) -> bool | None:
    """True for a Word compound file, False for another (Excel, PowerPoint), None if unreadable."""
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return ole.exists("WordDocument")
    except Exception:  # olefile raises many kinds for broken files
        return None


def _piece_table_text(data: bytes) -> str:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if ole.exists("EncryptedPackage"):
                raise ReadError("an encrypted Office file — remove the password first")
            if not ole.exists("WordDocument"):
                raise ReadError("an Office file that is not a Word document (Excel or PowerPoint?)")
            word = ole.openstream("WordDocument").read()
            if len(word) < 0x1AA:
                raise ReadError("a Word file too short to hold its text table")
            ident, flags = struct.unpack_from("<H", word, 0)[0], struct.unpack_from("<H", word, 0x0A)[0]
            if ident != _WORD_IDENT:
                raise ReadError("a Word file of an unknown version (Word 6 or older?)")
            if flags & 0x0100:
                raise ReadError("an encrypted Word file — remove the password first")
            table_name = "1Table" if flags & 0x0200 else "0Table"
            if not ole.exists(table_name):
                raise ReadError("a Word file without its table stream")
            table = ole.openstream(table_name).read()
    except ReadError:
        raise
    except Exception as exc:  # olefile raises many kinds for broken files
        raise ReadError(f"not a readable Word 97 file ({type(exc).__name__})") from exc
    text_chars = struct.unpack_from("<i", word, 0x4C)[0]  # FibRgLw97.ccpText
    fc_clx, lcb_clx = struct.unpack_from("<II", word, 0x1A2)
    if lcb_clx == 0 or fc_clx + lcb_clx > len(table):
        raise ReadError("a Word file whose text table is missing or damaged")
    text = _pieces(word, table[fc_clx : fc_clx + lcb_clx], max(text_chars, 0))
    return _clean(text)


def _pieces(word: bytes, clx: bytes, wanted: int) -> str:
    position = 0
    while position < len(clx) and clx[position] == 0x01:  # Prc: property modifiers, skipped
        size = struct.unpack_from("<H", clx, position + 1)[0]
        position += 3 + size
    if position >= len(clx) or clx[position] != 0x02:
        raise ReadError("a Word file whose piece table is damaged")
    size = struct.unpack_from("<I", clx, position + 1)[0]
    plc = clx[position + 5 : position + 5 + size]
    count = (len(plc) - 4) // 12
    if count <= 0:
        raise ReadError("a Word file whose piece table is empty")
    cps = struct.unpack_from(f"<{count + 1}I", plc, 0)
    parts: list[str] = []
    for index in range(count):
        start, end = cps[index], cps[index + 1]
        if start >= wanted:
            break
        end = min(end, wanted)
        fc = struct.unpack_from("<I", plc, 4 * (count + 1) + 8 * index + 2)[0]
        chars = end - start
        if fc & 0x40000000:  # compressed: one cp1252 byte per character
            offset = (fc & ~0x40000000) // 2
            parts.append(word[offset : offset + chars].decode("cp1252", errors="replace"))
        else:
            parts.append(word[fc : fc + 2 * chars].decode("utf-16-le", errors="replace"))
    return "".join(parts)


def _clean(text: str) -> str:
    text = _FIELD.sub(lambda m: m[1] or "", text)  # field codes: keep the shown result only
    text = text.replace("\x07\r\x07", "\n\n").replace("\x07\x07", "\n\n")  # end of a table row
    text = text.replace("\x07", "\t").replace("\r", "\n\n").replace("\x0b", "\n").replace("\x0c", "\n\n")
    text = text.replace("\x1e", "-").replace("\x1f", "").replace("\x02", "").replace("\x01", "").replace("\x08", "")
    return re.sub(r"[\x13\x14\x15]", "", text)


def _external_text(data: bytes) -> str | None:
    """antiword or LibreOffice, when installed; None when neither is."""
    antiword = shutil.which("antiword")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not (antiword or soffice):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "input.doc"
        source.write_bytes(data)
        try:
            if antiword:
                done = subprocess.run([antiword, "-w", "0", str(source)], capture_output=True, timeout=60)
                if done.returncode == 0 and done.stdout.strip():
                    return done.stdout.decode("utf-8", errors="replace")
            if soffice:
                subprocess.run(
                    [soffice, "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", tmp, str(source)],
                    capture_output=True, timeout=120,
                )
                out = Path(tmp) / "input.txt"
                if out.exists():
                    return out.read_text("utf-8", errors="replace")
        except (OSError, subprocess.SubprocessError):
            return None
    return None
