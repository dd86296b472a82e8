"""Ingest quality on annotated real minutes, in every office format, and ingest speed against a baseline.

    python bench/ingest_eval.py [DIR ...] [-v] [--formats txt,docx,odt,pdf,doc]
    python bench/ingest_eval.py --big                     # BIG's own layouts: paragraphs kept whole
    python bench/ingest_eval.py --speed 1000 [--baseline main] [--repeat 3]
    python bench/ingest_eval.py --code 845c8cb           # the same figures for another commit's ingester

Quality. Each annotated document NAME.txt has NAME.expected.json beside it (the schema of
../shared/minutes-dev/score.py: date, items [{n, title, principal}], persons, persons_mentioned,
paragraph_principals). Every .txt is also written out as .docx, .odt and .pdf (and .doc when
LibreOffice is installed), because real minutes arrive in all of them; a transcript that lost its
line breaks comes back from a PDF with breaks at the wrap points. Each file is ingested in this
process and scored the way score.py scores `bigsearch export --format jsonl`: items found as
sections with their number, the meeting date (right / null / WRONG), content lost without a
warning, principals the text does not support, page-furniture paragraphs, paragraphs holding two
item titles, attendees read. Default folders: ../shared/minutes-dev (when present) and
tests/fixtures/minutes.

BIG layouts. Each protocol of the bundled corpus is rewritten the ways BIG's own files come: its
own text with the blank lines taken out ("noblank", where each of its lines is a paragraph), the
protocol with one paragraph per line and no blank lines (a text file saved by LibreOffice), and
that as .docx, .odt and .pdf. A paragraph of the original counts as whole when the rewritten file
gives it back word for word.

Speed. N synthetic protocols (bench/make_corpus.py) are ingested by this checkout and by the
bigsearch of a git ref (default main), each in its own process, interleaved, --repeat times;
CPU seconds and the ratio are printed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

DEV_SET = ROOT.parent / "shared" / "minutes-dev"
FIXTURES = ROOT / "tests" / "fixtures" / "minutes"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FORMATS = ("txt", "docx", "odt", "pdf", "doc")

# -- scoring (the rules of ../shared/minutes-dev/score.py) -------------------------------------------

FURNITURE = re.compile(
    r"^\(?\d{1,3}\)?$"                          # a paragraph that is only "(2)" or "3"
    r"|^(?P<pg>\d{1,3}) (?P=pg)\b"               # transcripts' "2 2 (14)", "1 1 PROTOKOLL"
    r"|^\d{1,3} ?\(\d{1,3}\)"                   # "2 (40)", "2(36)"
    r"|\bSida \d+ ?(av|/) ?\d+|\bSIDA \d+ \(\d+\)|\bKALLELSE \(\d+\)|SAMMANTRÄDESPROTOKOLL \d"
    r"|Justerandes sign|Utdragsbestyrk|_{5,}|\.{6,}|^Underskrift|ANSLAG/BEVIS|Anslag/[Bb]evis"
    r"|Protokollet är justerat|Justeringen har tillkännagivits")
NUM = re.compile(r"(\d+(?:[.:]\d+)*(?:\s?[a-zåäö])?½?)\s*$", re.I)


def norm(s) -> str:
    return " ".join((s or "").replace("\u00a0", " ").replace("\u2011", "-").split())


def key(n) -> str:
    return norm(n).lower().replace(" ", "")


def is_flat(txt: Path) -> bool:
    raw = txt.read_bytes()
    return raw.count(b"\n") < max(10, len(raw) // 100)


def score_rows(name: str, rows: list[dict], warned: bool, exp: dict, flat: bool) -> dict:
    """One file's figures from its exported rows, exactly as score.py computes them."""
    texts = [norm(x.get("text")) for x in rows]
    body = norm(" ".join(tx + " " + norm(x.get("section_title")) for tx, x in zip(texts, rows, strict=True))).lower()
    titles = [it["title"] for it in exp["items"] if not it["title"].startswith("(")]
    seen = sum(1 for ti in titles if norm(ti).lower()[:20] in body)
    lost = bool(titles) and seen < len(titles) / 2 and not warned

    dates = {x.get("date") for x in rows} - {None}
    if dates and dates != {exp["date"]}:
        dstat = "WRONG"
    elif dates:
        dstat = "right"
    else:
        dstat = "null"

    secs = set()
    for x in rows:
        m = NUM.search(norm(str(x.get("section") or "")))
        if m:
            secs.add(key(m.group(1)))
    numbered = [it for it in exp["items"] if it["n"]]
    found = [it["n"] for it in numbered if key(it["n"]) in secs]

    exp_pr = {key(it["n"]): it["principal"] for it in numbered}
    starts = {x["text_starts"]: x["principal"] for x in exp.get("paragraph_principals", [])}
    bad_pr = []
    for x in rows:
        p = x.get("principal")
        if not p:
            continue
        e = exp_pr.get(key(str(x.get("section") or ""))) or next(
            (v for k, v in starts.items() if k in x.get("text", "")), None)
        if not e or norm(e).lower()[:5] != norm(p).lower()[:5]:
            bad_pr.append(f"{x.get('id')}: {p!r}, the text says {e!r}")

    furniture = [tx for tx in texts if FURNITURE.search(tx)]
    long_titles = {norm(ti).lower()[:20] for ti in titles if len(norm(ti)) >= 8}
    merged = sum(1 for tx in texts if sum(1 for lt in long_titles if lt in tx.lower()) >= 2)
    names = {norm(a.get("name")).lower() for x in rows for a in (x.get("attendees") or [])}
    want = {norm(p).lower() for p in exp["persons"]}
    known = want | {norm(p).lower() for p in exp.get("persons_mentioned", [])}
    return {
        "name": name, "flat": flat, "found": len(found), "numbered": len(numbered),
        "missing_items": [it["n"] for it in numbered if key(it["n"]) not in secs],
        "dated": bool(exp["date"]), "date": dstat, "got_dates": sorted(dates), "want_date": exp["date"],
        "lost": lost, "bad_pr": bad_pr, "furniture": furniture, "merged": merged,
        "att_hit": len(want & names), "att_want": len(want), "att_extra": sorted(names - known),
        "att_missing": sorted(want - names),
    }


def summary(label: str, results: list[dict]) -> dict:
    def tot(k):
        return sum(r[k] for r in results)

    figures = {
        "files": len(results), "items": tot("found"), "items_of": tot("numbered"),
        "dates_right": sum(1 for r in results if r["dated"] and r["date"] == "right"),
        "dates_of": sum(r["dated"] for r in results),
        "dates_wrong": sum(1 for r in results if r["date"] == "WRONG"),
        "lost": sum(r["lost"] for r in results), "principals": sum(len(r["bad_pr"]) for r in results),
        "furniture": sum(len(r["furniture"]) for r in results), "merged": tot("merged"),
        "attendees": tot("att_hit"), "attendees_of": tot("att_want"),
        "not_attendees": sum(len(r["att_extra"]) for r in results),
    }
    print(f"{label}, {figures['files']} files: items {figures['items']}/{figures['items_of']}, printed dates right "
          f"{figures['dates_right']}/{figures['dates_of']} (wrong {figures['dates_wrong']}), lost {figures['lost']}, "
          f"unsupported principals {figures['principals']}, furniture paragraphs {figures['furniture']}, "
          f"merged items {figures['merged']}, attendees {figures['attendees']}/{figures['attendees_of']} "
          f"(+{figures['not_attendees']} not attendees)")
    return figures


# -- ingesting one file in this process ---------------------------------------------------------------


def export_rows(path: Path) -> tuple[list[dict], bool, str]:
    """The rows `bigsearch export --format jsonl` prints, whether the file was warned about, and why."""
    from bigsearch.errors import ReadError
    from bigsearch.ingest.pipeline import ingest_file

    try:
        doc = ingest_file(path)
    except ReadError as exc:
        return [], True, f"skipped: {exc}"
    attendees = [a.to_export() for a in doc.attendees]
    rows = []
    for paragraph in doc.paragraphs:
        row = paragraph.to_export()
        row["section_prefix"] = paragraph.section_prefix
        row["attendees"] = attendees
        rows.append(row)
    return rows, bool(doc.warnings), "; ".join(doc.warnings)


# -- writing a text out in the office formats -------------------------------------------------------


def write_docx(lines: list[str], path: Path) -> None:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(str(path))


_ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def _odt_paragraph(line: str) -> str:
    out = []
    for index, cell in enumerate(line.split("\t")):
        if index:
            out.append("<text:tab/>")
        # Runs of spaces are written as <text:s/> the way office suites do.
        for piece in re.split(r"( {2,})", cell):
            out.append(f'<text:s text:c="{len(piece)}"/>' if piece.startswith("  ") else escape(piece))
    return f"<text:p>{''.join(out)}</text:p>"


def write_odt(lines: list[str], path: Path) -> None:
    body = "\n".join(_odt_paragraph(line) for line in lines)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("META-INF/manifest.xml", _ODT_MANIFEST, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(buffer.getvalue())


def write_pdf(lines: list[str], path: Path, gap: float = 0.0) -> None:
    """Each line a paragraph, wrapped at the page width; blank lines (or `gap`) as vertical space."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    for line in lines:
        if not line.strip():
            pdf.ln(5)
            continue
        pdf.multi_cell(0, 5, line.replace("\t", "    "), new_x="LMARGIN", new_y="NEXT")
        if gap:
            pdf.ln(gap)
    pdf.output(str(path))


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def write_doc(docx_path: Path, path: Path) -> bool:
    exe = soffice()
    if exe is None:
        return False
    subprocess.run([exe, "--headless", "--convert-to", "doc:MS Word 97", "--outdir", str(path.parent),
                    str(docx_path)], check=True, capture_output=True, timeout=300)
    return path.exists()


def write_formats(lines: list[str], stem: Path, formats: tuple[str, ...], gap: float = 0.0) -> dict[str, Path]:
    """The text written as each office format next to `stem` (a path without suffix)."""
    out: dict[str, Path] = {}
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        if fmt == "txt":
            path.write_text("\n".join(lines) + "\n", "utf-8")
        elif fmt == "docx":
            write_docx(lines, path)
        elif fmt == "odt":
            write_odt(lines, path)
        elif fmt == "pdf":
            write_pdf(lines, path, gap)
        elif fmt == "doc":
            docx_path = stem.with_suffix(".docx")
            if not docx_path.exists():
                write_docx(lines, docx_path)
            if not write_doc(docx_path, path):
                continue
        out[fmt] = path
    return out


# -- the quality run ----------------------------------------------------------------------------------


def annotated(folders: list[Path]) -> list[tuple[Path, dict]]:
    found = []
    for folder in folders:
        for txt in sorted(folder.glob("*.txt")):
            expected = txt.with_name(txt.name.split(".")[0] + ".expected.json")
            if expected.exists():
                found.append((txt, json.loads(expected.read_text("utf-8"))))
    return found


def quality(folders: list[Path], formats: tuple[str, ...], verbose: bool) -> dict:
    docs = annotated(folders)
    if not docs:
        print("no annotated documents (NAME.txt with NAME.expected.json) in " + ", ".join(map(str, folders)))
        return {}
    if "doc" in formats and soffice() is None:
        print("(.doc left out: LibreOffice is not installed)")
        formats = tuple(f for f in formats if f != "doc")
    report: dict = {}
    with tempfile.TemporaryDirectory(prefix="ingest-eval-") as tmp:
        per_format: dict[str, list[dict]] = {fmt: [] for fmt in formats}
        for txt, exp in docs:
            flat = is_flat(txt)
            lines = txt.read_text("utf-8").split("\n")
            stem = Path(tmp) / txt.parent.name / txt.name.split(".")[0]
            stem.parent.mkdir(parents=True, exist_ok=True)
            paths = write_formats(lines, stem, tuple(f for f in formats if f != "txt"))
            paths["txt"] = txt
            for fmt in formats:
                if fmt not in paths:
                    continue
                rows, warned, why = export_rows(paths[fmt])
                result = score_rows(f"{txt.parent.name}/{txt.name.split('.')[0]}.{fmt}", rows, warned, exp, flat)
                result["warnings"] = why
                per_format[fmt].append(result)
        for fmt in formats:
            results = per_format[fmt]
            print(f"\n== {fmt} ==")
            if verbose:
                _print_files(results)
            for label, group in (("with line breaks", [r for r in results if not r["flat"]]),
                                 ("flattened transcripts", [r for r in results if r["flat"]]), ("all", results)):
                if group:
                    report.setdefault(fmt, {})[label] = summary(label, group)
    return report


def _print_files(results: list[dict]) -> None:
    print(f"{'file':58} {'lay':>4} {'items':>7} {'date':>6} {'lost':>4} {'pr':>3} {'furn':>4} {'merge':>5} {'attendees':>10}")
    for res in results:
        print(f"{res['name'][:58]:58} {'flat' if res['flat'] else 'line':>4} {res['found']:>3}/{res['numbered']:<3} "
              f"{res['date']:>6} {'LOST' if res['lost'] else '-':>4} {len(res['bad_pr']):>3} {len(res['furniture']):>4} "
              f"{res['merged']:>5} {res['att_hit']:>4}/{res['att_want']:<3}+{len(res['att_extra'])}")
        if res["missing_items"]:
            print(f"    items not found: {res['missing_items']}")
        if res["date"] != "right" and (res["want_date"] or res["got_dates"]):
            print(f"    date: got {res['got_dates']}, a reader sees {res['want_date']}")
        for tx in res["furniture"][:3]:
            print(f"    furniture: {tx[:100]!r}")
        for b in res["bad_pr"][:3]:
            print(f"    principal: {b}")
        if res["att_missing"]:
            print(f"    attendees not read: {res['att_missing'][:8]}")
        if res["att_extra"]:
            print(f"    names read as attendees that are not: {res['att_extra'][:6]}")
        if res["warnings"]:
            print(f"    warnings: {res['warnings'][:160]}")


# -- BIG's own layouts ----------------------------------------------------------------------------------


def _paragraph_lines(source: Path) -> list[str]:
    """The protocol as a word processor holds it: each heading and each paragraph on a line of its
    own, no blank lines between them (what LibreOffice saves as text) — rebuilt from the original's
    own reading: its header fields, § headings, principal headings and paragraphs, in order."""
    from bigsearch.ingest.pipeline import ingest_file

    doc = ingest_file(source)
    out: list[str] = []
    place = (None, None, None)
    for paragraph in doc.paragraphs:
        if paragraph.part in ("header", "signature"):
            out.append(paragraph.text)
            continue
        section = (paragraph.section, paragraph.section_title)
        if section != place[:2]:
            if paragraph.section:
                out.append(f"§ {paragraph.section} {paragraph.section_title or ''}".strip())
            elif paragraph.section_title:
                out.append(paragraph.section_title)
        if paragraph.principal and (section, paragraph.principal) != (place[:2], place[2]):
            out.append(paragraph.principal + (f"/{paragraph.unit}:" if paragraph.unit and "enhet" not in paragraph.unit
                                              and paragraph.unit.lower() not in paragraph.text[:40].lower() else ":"))
        place = (*section, paragraph.principal)
        out.append(paragraph.text)
    return out


def _paragraphs(path: Path, body_only: bool = True) -> list[str]:
    from bigsearch.ingest.pipeline import ingest_file

    doc = ingest_file(path)
    return [norm(p.text) for p in doc.paragraphs if not body_only or getattr(p, "part", "item") in ("item", "body")]


def write_big_variants(target: Path, formats: tuple[str, ...]) -> None:
    """Each bundled protocol rewritten the ways BIG's own files come, by this checkout's reading:
    its own text with the blank lines taken out (where each of its lines is a whole paragraph),
    and the protocol as a word processor holds it, saved as text and in each office format."""
    from bigsearch.ingest import clean

    corpus = ROOT / "bigsearch" / "corpus"
    for source in sorted(corpus.glob("*.txt")):
        own = [line for line in clean.normalise(source.read_text("utf-8")).split("\n") if line.strip()]
        if clean.is_line_per_paragraph(own):
            (target / f"{source.stem}.noblank.txt").write_text("\n".join(own) + "\n", "utf-8")
        lines = _paragraph_lines(source)
        stem = target / source.stem
        stem.with_suffix(".lines.txt").write_text("\n".join(lines) + "\n", "utf-8")
        write_formats(lines, target / (source.stem + "-w"), tuple(f for f in formats if f != "txt"), gap=3.0)


def big_layouts(formats: tuple[str, ...], verbose: bool) -> dict:
    corpus = ROOT / "bigsearch" / "corpus"
    formats = tuple(f for f in formats if f != "doc" or soffice())
    totals: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory(prefix="big-layouts-") as tmp:
        # The variants are written by this checkout (in its own process), whatever ingester is scored.
        subprocess.run([sys.executable, __file__, "--write-big-variants", tmp, "--formats", ",".join(formats)],
                       check=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        for source in sorted(corpus.glob("*.txt")):
            gold = _paragraphs(source)
            variants = {"noblank": Path(tmp) / f"{source.stem}.noblank.txt",
                        "lines.txt": Path(tmp) / f"{source.stem}.lines.txt"}
            variants.update({fmt: path for fmt in formats if fmt != "txt"
                             for path in [Path(tmp) / f"{source.stem}-w.{fmt}"] if path.exists()})
            for label, path in variants.items():
                if not path.exists():
                    continue
                got = set(_paragraphs(path))
                whole = sum(1 for text in gold if text in got)
                totals.setdefault(label, [0, 0])
                totals[label][0] += whole
                totals[label][1] += len(gold)
                if verbose and whole < len(gold):
                    print(f"  {source.name} as {label}: {whole}/{len(gold)} whole")
                    for text in gold:
                        if text not in got:
                            print(f"    not whole: {text[:90]!r}")
    print("\n== BIG layouts: paragraphs of the bundled protocols given back whole ==")
    for label, (whole, of) in totals.items():
        print(f"{label:10} {whole}/{of} ({100 * whole / max(1, of):.0f}%)")
    return {label: {"whole": whole, "of": of} for label, (whole, of) in totals.items()}


# -- speed ------------------------------------------------------------------------------------------------

_TIMER = """
import sys, time
from pathlib import Path
from bigsearch.ingest.pipeline import ingest_paths
start = time.process_time()
paragraphs = sum(len(doc.paragraphs) for doc in ingest_paths([Path(sys.argv[1])]))
print(paragraphs, time.process_time() - start)
"""


def speed(count: int, baseline: str, repeat: int) -> dict:
    from bench.make_corpus import write_corpus

    with tempfile.TemporaryDirectory(prefix="ingest-speed-") as tmp:
        corpus = Path(tmp) / "corpus"
        write_corpus(count, corpus)
        old = Path(tmp) / "baseline"
        old.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", baseline, "bigsearch"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        runs: dict[str, list[float]] = {"baseline": [], "this checkout": []}
        paragraphs: dict[str, int] = {}
        for _ in range(repeat):
            for label, path in (("baseline", old), ("this checkout", ROOT)):
                env = dict(os.environ, PYTHONPATH=str(path))
                out = subprocess.run([sys.executable, "-c", _TIMER, str(corpus)], env=env, check=True,
                                     capture_output=True, text=True, cwd=tmp).stdout.split()
                paragraphs[label] = int(out[0])
                runs[label].append(float(out[1]))
    base, new = statistics.median(runs["baseline"]), statistics.median(runs["this checkout"])
    print(f"\n== ingest speed, {count} synthetic protocols, CPU seconds (median of {repeat}, interleaved) ==")
    print(f"baseline ({baseline}): {base:.2f} s, {paragraphs['baseline']} paragraphs")
    print(f"this checkout:        {new:.2f} s, {paragraphs['this checkout']} paragraphs")
    print(f"ratio: {new / base:.3f} (this checkout / baseline)")
    return {"baseline": base, "current": new, "ratio": new / base, "runs": runs}


def _use_code(ref: str) -> None:
    """Import bigsearch from `git archive REF` instead of this checkout (nothing of it is imported yet)."""
    target = Path(tempfile.mkdtemp(prefix="ingest-eval-code-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "bigsearch"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    sys.path.insert(0, str(target))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="annotated folders (default: the dev set and the fixtures)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats to score (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true", help="figures and misses per file")
    parser.add_argument("--big", action="store_true", help="BIG's own layouts: paragraphs kept whole")
    parser.add_argument("--speed", type=int, metavar="N", help="time ingest of N synthetic protocols")
    parser.add_argument("--baseline", default="main", help="git ref to time against (default: main)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--write-big-variants", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--code", metavar="REF", help="score the ingester of this git ref instead (before/after figures)")
    args = parser.parse_args()
    if args.code:
        _use_code(args.code)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = set(formats) - set(FORMATS)
    if unknown:
        parser.error(f"unknown formats {sorted(unknown)}: use {', '.join(FORMATS)}")
    if args.write_big_variants:
        write_big_variants(args.write_big_variants, formats)
        return
    figures: dict = {}
    started = time.perf_counter()
    if args.speed:
        figures["speed"] = speed(args.speed, args.baseline, args.repeat)
    elif args.big:
        figures["big"] = big_layouts(formats, args.verbose)
    else:
        folders = args.dirs or [d for d in (DEV_SET, FIXTURES) if d.is_dir()]
        figures["quality"] = quality(folders, formats, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False), "utf-8")
    print(f"\n({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
