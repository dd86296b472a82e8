"""Rendering: documents and search results as JSON, plain text or rich terminal output.

rich strips styles when stdout is not a terminal, so the same code gives plain text in pipes.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bigsearch.display import highlighted, marked, ocr_note, shifted, shows_doc_title, title_offset, where
from bigsearch.facets import FACETS
from bigsearch.search.results import Hit, SearchResult

if TYPE_CHECKING:
    from bigsearch.ingest.model import Document

def console(stderr: bool = False):
    from rich.console import Console

    return Console(
        stderr=stderr, no_color=bool(os.environ.get("NO_COLOR")), highlight=False, soft_wrap=not sys.stdout.isatty()
    )


def to_json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def export_lines(doc: Document, fmt: str) -> Iterator[str]:
    attendees = [attendee.to_export() for attendee in doc.attendees]
    for paragraph in doc.paragraphs:
        if fmt == "jsonl":
            row = paragraph.to_export()
            row["section_prefix"] = paragraph.section_prefix
            row["attendees"] = attendees
            for facet in FACETS:  # every facet's value, as the index holds it (body, …)
                row.setdefault(facet.key, facet.extract(paragraph, doc))
            # Where the paragraph comes from: the file and the page (PDF) or line (text file).
            row["source"] = {"file": paragraph.source, "page": paragraph.page, "line": paragraph.line}
            row["ocr"] = paragraph.ocr  # read by OCR from a scan, with the page's mean word confidence
            row["ocr_confidence"] = paragraph.ocr_confidence
            yield json.dumps(row, ensure_ascii=False)
            continue
        meta = " · ".join(
            part for part in (paragraph.date or str(paragraph.year or ""), where(paragraph.section, paragraph.section_title), paragraph.principal or "") if part
        )
        yield f"[{paragraph.id}] {meta}"
        if paragraph.persons or paragraph.places:
            yield f"  persons: {', '.join(paragraph.persons) or '-'}; places: {', '.join(paragraph.places) or '-'}"
        yield f"  {paragraph.text}"
        yield ""


def hit_heading(hit: Hit):
    from rich.text import Text

    heading = Text()
    heading.append(hit.date or str(hit.year or "utan datum"), style="bold cyan")
    place = where(hit.section, hit.section_title)
    if place:
        heading.append("  ")
        heading.append_text(highlighted(place, shifted(hit.title_highlights, title_offset(hit.section))))
        heading.stylize("bold", len(heading) - len(place), len(heading))
    if hit.principal:
        heading.append("  · " + hit.principal + (f" ({hit.unit})" if hit.unit else ""), style="magenta")
    heading.append(f"  [{hit.id}]", style="dim")
    return heading


_ANSI = {"bold": "1", "cyan": "36", "magenta": "35", "dim": "2", "highlight": "1;30;43"}


def _style(text: str, style: str, color: bool) -> str:
    return f"\x1b[{_ANSI[style]}m{text}\x1b[0m" if color and text else text


def _marked(text: str, spans: list[tuple[int, int]], color: bool) -> str:
    return marked(text, spans, f"\x1b[{_ANSI['highlight']}m", "\x1b[0m") if color else text


def format_search(result: SearchResult, color: bool, offset: int = 0, contexts: dict | None = None) -> str:
    """Search results as text: one block per hit, then facet counts.

    Written without rich on purpose: `bigsearch search` is the command people run most, and
    importing rich would cost more than the search itself.
    """
    lines: list[str] = []
    if result.total == 0:
        lines.append(f"Inga träffar för {result.query!r}.")
        if result.suggestion:
            lines.append(f"Menade du: {result.suggestion}?")
        return "\n".join(lines)
    shown = len(result.hits)
    heading = f"{result.total} träffar för {result.query!r}"
    if shown < result.total:
        heading += f" (visar {offset + 1}–{offset + shown})"
    lines.append(_style(heading, "bold", color))
    for hit in result.hits:
        lines.append("")
        parts = [_style(hit.date or str(hit.year or "utan datum"), "cyan", color)]
        place = where(hit.section, hit.section_title)
        if place:
            parts.append(_marked(place, shifted(hit.title_highlights, title_offset(hit.section)), color))
        if hit.principal:
            parts.append(_style("· " + hit.principal + (f" ({hit.unit})" if hit.unit else ""), "magenta", color))
        parts.append(_style(f"[{hit.id}]", "dim", color))
        lines.append("  ".join(parts))
        if shows_doc_title(hit):
            lines.append("  " + _marked(hit.doc_title, hit.doc_title_highlights, color))
        if hit.matched_attendees:
            names = ", ".join(_style(name, "highlight", color) for name in hit.matched_attendees)
            lines.append(f"  Närvarande: {names}")
        before, after = (contexts or {}).get(hit.id, ([], []))
        lines.extend(_style(f"  - [{other.id}] {other.text}", "dim", color) for other in before)
        text = _marked(hit.text, hit.highlights, color) if contexts else _marked(hit.snippet, hit.snippet_highlights, color)
        lines.append("  " + text)
        lines.extend(_style(f"  + [{other.id}] {other.text}", "dim", color) for other in after)
    facet_lines = []
    for facet in FACETS.listed():
        values = result.facets.get(facet.name) or {}
        if not values:
            continue
        items = list(values.items()) if facet.ranged else list(values.items())[:8]
        text = ", ".join(f"{value} ({count})" for value, count in items)
        if len(values) > len(items):
            text += f", … (+{len(values) - len(items)})"
        facet_lines.append(_style(f"{facet.title}:", "bold", color) + " " + text)
    if facet_lines:
        lines.append("")
        lines.extend(facet_lines)
    if result.undated_excluded:
        lines.append(f"({result.undated_excluded} odaterade stycken matchar också men saknar datum och "
                     "faller utanför år-/datumfiltret)")
    return "\n".join(lines)


def print_paragraph(hit: Hit, out, neighbours: list[Hit] | None = None) -> None:
    from rich.text import Text

    out.print(hit_heading(hit))
    details = [("Källa", f"{hit.source} {ocr_note(hit)}".strip()), ("Typ", hit.doc_type), ("Enhet", hit.unit or ""),
               ("Personer", ", ".join(hit.persons)), ("Platser", ", ".join(hit.places))]
    for label, value in details:
        if value:
            out.print(Text(f"  {label}: ", style="bold").append(value))
    out.print()
    out.print(Text("  ").append(highlighted(hit.text, hit.highlights)))
    if neighbours and len(neighbours) > 1:
        out.print()
        out.print(Text(f"  Samma {where(hit.section, hit.section_title) or 'avsnitt'}:", style="bold"))
        for other in neighbours:
            this = other.id == hit.id
            out.print(Text(f"  {'▶' if this else ' '} [{other.id}] ", style="dim")
                      .append(Text(other.text, style="bold" if this else "")))


def print_principal_report(name: str, grouped: dict[str, list[Hit]], out, silent=()) -> None:
    from rich.text import Text

    total = sum(len(hits) for hits in grouped.values())
    out.print(Text(f"{name}: {total} stycken från {len(grouped)} möten", style="bold"))
    for date, hits in grouped.items():
        out.print()
        out.print(Text(date, style="bold cyan"))
        for hit in hits:
            label = where(hit.section, hit.section_title)
            out.print(Text(f"  [{hit.id}] {label}" + (f" ({hit.unit})" if hit.unit else ""), style="dim"))
            out.print(Text("  " + hit.text))
    if silent:
        out.print()
        out.print(Text(f"Närvarande utan att rapportera ({len(silent)} möten):", style="bold"))
        for meeting in silent:
            out.print(Text(f"  {meeting.date or 'utan datum'}  {meeting.body or meeting.title or meeting.source}  [{meeting.id}]"))


def print_meetings(meetings, out) -> None:
    from rich.table import Table

    table = Table(title=f"{len(meetings)} möten", show_edge=False)
    for column, justify in (("Datum", "left"), ("Organ", "left"), ("Typ", "left"), ("§", "right"),
                            ("Närv.", "right"), ("Huvudmän som rapporterade", "left"), ("Id", "left")):
        table.add_column(column, justify=justify, no_wrap=column in ("Datum", "Id", "Typ", "§", "Närv."))
    for meeting in meetings:
        table.add_row(meeting.date or "utan datum", meeting.body or "", meeting.doc_type, str(len(meeting.sections)),
                      str(len(meeting.attendees)), ", ".join(meeting.principals), meeting.id)
    out.print(table)


def print_meeting(meeting, matched: set[str], out) -> None:
    from rich.text import Text

    heading = " · ".join(part for part in (meeting.date or "utan datum", meeting.body, meeting.title) if part)
    out.print(Text(heading, style="bold cyan"))
    out.print(Text(f"{meeting.source}  [{meeting.id}]", style="dim"))
    if meeting.attendees:
        out.print()
        out.print(Text("Närvarande", style="bold"))
        for attendee in meeting.attendees:
            extra = ", ".join(part for part in (attendee.organisation, attendee.role) if part)
            out.print(Text(f"  {attendee.name}" + (f" — {extra}" if extra else "")))
    section = principal = object()
    for hit in meeting.paragraphs:
        if (hit.section, hit.section_title) != section:
            section = (hit.section, hit.section_title)
            principal = object()
            out.print()
            out.print(Text(where(hit.section, hit.section_title) or "—", style="bold"))
        if hit.principal != principal:
            principal = hit.principal
            if hit.principal:
                out.print(Text("  " + hit.principal + (f" ({hit.unit})" if hit.unit else ""), style="magenta"))
        marker = "▶ " if hit.id in matched else "  "
        body = highlighted(hit.text, hit.highlights) if hit.id in matched else Text(hit.text)
        out.print(Text(f"  {marker}").append(body))
    if matched:
        out.print()
        out.print(Text(f"{len(matched)} träffar markerade med ▶", style="dim"))


def print_person(report: dict, out) -> None:
    from rich.text import Text

    rows = report["meetings"]
    attended = sum(1 for row in rows if row["attended"])
    out.print(Text(f"{report['name']}: närvarande vid {attended} möten, i {len(rows)} möten totalt", style="bold"))
    for row in rows:
        out.print()
        head = " · ".join(part for part in (row["date"] or "utan datum", row["body"], f"[{row['meeting']}]") if part)
        out.print(Text(head, style="bold cyan"))
        if row["attended"]:
            extra = ", ".join(p for p in (row["attended"].get("organisation"), row["attended"].get("role")) if p)
            out.print(Text("  närvarande" + (f" ({extra})" if extra else "")))
        if row["chaired"]:
            out.print(Text("  ordförande"))
        if row["minutes"]:
            out.print(Text("  förde protokollet"))
        for label, key in (("rapporterade", "reported"), ("nämnd", "mentioned")):
            for item in row[key]:
                place = where(item["section"], item["title"])
                who = f" · {item['principal']}" if item.get("principal") else ""
                out.print(Text(f"  {label}: {place}{who}  [{item['id']}]"))


def print_listing(title: str, rows, out) -> None:
    from rich.table import Table

    table = Table(title=title, show_edge=False)
    attended = any(row.attended is not None for row in rows)
    table.add_column("Namn")
    table.add_column("Stycken", justify="right")
    if attended:
        table.add_column("Närvarande (möten)", justify="right")
    table.add_column("År")
    for row in rows:
        span = "" if row.first_year is None else (
            str(row.first_year) if row.first_year == row.last_year else f"{row.first_year}–{row.last_year}"
        )
        cells = [row.name, str(row.paragraphs)] + ([str(row.attended or 0)] if attended else []) + [span]
        table.add_row(*cells)
    out.print(table)


def print_timeline(timeline, out, width: int = 50) -> None:
    from rich.text import Text

    rows = timeline.rows()
    if not rows and not timeline.undated:
        out.print(f"Inga träffar för {timeline.query!r}.")
        return
    peak = max([count or 0 for _, count in rows] + [timeline.undated, 1])
    out.print(Text(f"Träffar per år för {timeline.query!r} ({timeline.unit})", style="bold"))
    for year, count in rows:
        if count is None:
            out.print(Text(f"{year}  ").append("– inga protokoll detta år", style="dim"))
            continue
        bar = "█" * max(1 if count else 0, round(count / peak * width))
        out.print(Text(f"{year}  ").append(bar, style="green").append(f" {count}"))
    if timeline.undated:
        bar = "█" * max(1, round(timeline.undated / peak * width))
        out.print(Text("utan datum  ").append(bar, style="yellow").append(f" {timeline.undated}"))


def print_stats(stats, out) -> None:
    from rich.table import Table

    table = Table(show_header=False, show_edge=False)
    for label, value in (
        ("Dokument", stats.documents), ("Stycken", stats.paragraphs),
        ("År", ", ".join(map(str, stats.years)) or "-"),
        ("Utan datum", f"{stats.undated} stycken"),
        ("Indexstorlek", f"{stats.index_bytes / 1024:.0f} KiB"), ("Motor", stats.engine),
        ("Schemaversion", stats.schema_version),
        ("Index", stats.index_dir),
    ):
        table.add_row(label, str(value))
    out.print(table)


def print_evaluation(evaluation, out) -> None:
    from rich.table import Table

    table = Table(show_edge=False)
    for column in ("Fråga", "P@5", "Recall", "nDCG@10", "Saknas"):
        table.add_column(column, justify="left" if column in ("Fråga", "Saknas") else "right")
    for s in evaluation.scores:
        table.add_row(s.query, f"{s.precision_at_5:.2f}", f"{s.recall:.2f}", f"{s.ndcg_at_10:.2f}", ", ".join(s.missing))
    table.add_row("medel", *(f"{evaluation.mean(n):.3f}" for n in ("precision_at_5", "recall", "ndcg_at_10")), "", style="bold")
    out.print(table)


def print_watch_reports(reports, out) -> None:
    from rich.text import Text

    if not reports:
        out.print("Inga sparade sökningar — spara en med `bigsearch watch add QUERY`.")
        return
    for report in reports:
        out.print(Text(f"{report.watch.name}: {len(report.new)} nya av {report.total}", style="bold"))
        for hit in report.new:
            out.print(Text("  ").append(hit_heading(hit)))
            out.print(Text("    ").append(highlighted(hit.snippet, hit.snippet_highlights)))
